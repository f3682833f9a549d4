"""The counts the database keeps (FacetCount, YearCount: migrations 0012, 0014) follow every
write."""

import pytest
from django.db import transaction
from django.db.models import Count, Sum

from affiliates.choices import Status
from affiliates.models import Affiliate, FacetCount, MembershipDeclaration, NameWord, YearCount
from affiliates.services import affiliate_set_sectors, affiliates_delete
from affiliates.services.counts import counting_triggers, counts_rebuild
from tests.factories import AffiliateFactory, DeclarationFactory, SectorFactory

pytestmark = pytest.mark.django_db
KEY = (
    "region_id",
    "country",
    "organisation_type",
    "has_piece_rate_workers",
    "has_self_employed_workers",
)


def kept() -> dict[tuple, tuple[int, int]]:
    rows = FacetCount.objects.filter(organisations__gt=0)
    return {(*(getattr(r, k) for k in KEY), r.sector_id): (r.organisations, r.total) for r in rows}


def recounted() -> dict[tuple, tuple[int, int]]:
    """The same counts from the affiliates themselves."""
    public = Affiliate.objects.public().order_by()
    counts = {
        (*row[:5], 0): (row[5], row[6])
        for row in public.values_list(*KEY).annotate(n=Count("pk"), t=Sum("members_total"))
    }
    by_sector = public.values_list(*KEY, "sectors").annotate(n=Count("pk"), t=Sum("members_total"))
    for *key, sector, n, total in by_sector:
        if sector is not None:
            counts[(*key, sector)] = (n, total)
    return counts


def test_counts_follow_creations_changes_sectors_and_deletions(south_asia, africa):
    garments, incense = SectorFactory(slug="garments"), SectorFactory(slug="incense")
    one = AffiliateFactory(region=south_asia, country="IN", members_total=50)
    two = AffiliateFactory(region=south_asia, country="NP", organisation_type="cooperative")
    AffiliateFactory(region=africa, country="KE", status=Status.APPLIED)
    affiliate_set_sectors(one, [garments, incense])
    affiliate_set_sectors(two, [incense])
    assert kept() == recounted()
    assert len(recounted()) == 5

    # A change of the counted columns moves the counts; a change of others leaves them.
    Affiliate.objects.filter(pk=one.pk).update(region=africa, country="KE", members_total=70)
    Affiliate.objects.filter(pk=two.pk).update(city="Kathmandu")
    assert kept() == recounted()

    # Sectors changed; an affiliate leaving the public register, then coming back.
    affiliate_set_sectors(one, [garments])
    Affiliate.objects.filter(pk=two.pk).update(status=Status.SUSPENDED)
    assert kept() == recounted()
    Affiliate.objects.filter(pk=two.pk).update(status=Status.AFFILIATED)
    assert kept() == recounted()

    affiliates_delete(Affiliate.objects.filter(pk=one.pk), deleted_by=None)
    assert kept() == recounted()
    assert kept() == {
        (south_asia.pk, "NP", "cooperative", two.has_piece_rate_workers,
         two.has_self_employed_workers, 0): (1, two.members_total),
        (south_asia.pk, "NP", "cooperative", two.has_piece_rate_workers,
         two.has_self_employed_workers, incense.pk): (1, two.members_total),
    }  # fmt: skip


def test_many_rows_in_one_statement_count_once_each(south_asia):
    AffiliateFactory.create_batch(5, region=south_asia, country="IN", organisation_type="union")
    Affiliate.objects.update(members_total=10)

    assert kept() == recounted()
    assert sum(n for key, (n, _total) in kept().items() if key[-1] == 0) == 5


def years_kept() -> dict[int, tuple[int, int]]:
    rows = YearCount.objects.filter(organisations__gt=0)
    return {r.year: (r.organisations, r.total) for r in rows}


def years_recounted() -> dict[int, tuple[int, int]]:
    rows = (
        MembershipDeclaration.objects.filter(affiliate__status=Status.AFFILIATED)
        .order_by()
        .values_list("year")
        .annotate(n=Count("pk"), t=Sum("total"))
    )
    return {year: (n, total) for year, n, total in rows}


def test_the_years_follow_declarations_and_affiliates_leaving_or_coming_back(south_asia):
    one = AffiliateFactory(region=south_asia)
    two = AffiliateFactory(region=south_asia)
    DeclarationFactory(affiliate=one, year=2024, women=5, men=5)
    mine = DeclarationFactory(affiliate=one, year=2025, women=7, men=3)
    DeclarationFactory(affiliate=two, year=2025, women=1, men=1)
    DeclarationFactory(affiliate=AffiliateFactory(region=south_asia, status=Status.APPLIED))
    assert years_kept() == years_recounted() == {2024: (1, 10), 2025: (2, 12)}

    MembershipDeclaration.objects.filter(pk=mine.pk).update(total=20)
    Affiliate.objects.filter(pk=two.pk).update(status=Status.SUSPENDED)
    assert years_kept() == years_recounted() == {2024: (1, 10), 2025: (1, 20)}

    Affiliate.objects.filter(pk=two.pk).update(status=Status.AFFILIATED)
    affiliates_delete(Affiliate.objects.filter(pk=one.pk), deleted_by=None)
    assert years_kept() == years_recounted() == {2025: (1, 2)}


def test_a_rebuild_gives_the_counts_the_triggers_kept(south_asia, africa):
    garments = SectorFactory(slug="garments")
    one = AffiliateFactory(region=south_asia, country="IN", members_total=50)
    AffiliateFactory(region=africa, country="KE", status=Status.SUSPENDED)
    affiliate_set_sectors(one, [garments])
    DeclarationFactory(affiliate=one, year=2024, women=30, men=10)
    DeclarationFactory(affiliate=one, year=2025, women=40, men=10)
    Affiliate.objects.filter(pk=one.pk).update(members_total=60)
    before, years_before = kept(), years_kept()
    assert len(before) == 2 and years_before == {2024: (1, 40), 2025: (1, 50)}

    with transaction.atomic():
        counts_rebuild()

    assert kept() == before
    assert years_kept() == years_before


def test_with_the_counting_triggers_off_nothing_is_counted_until_the_rebuild(south_asia):
    with transaction.atomic():
        counting_triggers(enabled=False)
        affiliate = AffiliateFactory(region=south_asia, country="IN", members_total=50)
        DeclarationFactory(affiliate=affiliate, year=2025, women=40, men=10)
        assert kept() == {} and years_kept() == {}
        counting_triggers(enabled=True)
        counts_rebuild()

    assert kept() == recounted() != {}
    assert years_kept() == {2025: (1, 50)}
    # On again: the next write is counted as it happens.
    AffiliateFactory(region=south_asia, country="NP")
    assert kept() == recounted()


def name_words() -> dict[str, int]:
    return dict(NameWord.objects.filter(affiliates__gt=0).values_list("word", "affiliates"))


def test_the_names_words_follow_creations_renames_and_deletions(south_asia):
    one = AffiliateFactory(region=south_asia, name="Mahila Sewa Trust")
    AffiliateFactory(region=south_asia, name="Sewa Bharat", status=Status.APPLIED)
    # As the search index holds them: lower case, accents off.
    assert name_words() == {"mahila": 1, "sewa": 2, "trust": 1, "bharat": 1}

    Affiliate.objects.filter(pk=one.pk).update(name="Mahilā Kāmgār Union")
    Affiliate.objects.filter(pk=one.pk).update(city="Pune")  # not the name: nothing moves
    assert name_words() == {"mahila": 1, "kamgar": 1, "union": 1, "sewa": 1, "bharat": 1}

    affiliates_delete(Affiliate.objects.filter(name="Sewa Bharat"), deleted_by=None)
    assert name_words() == {"mahila": 1, "kamgar": 1, "union": 1}
