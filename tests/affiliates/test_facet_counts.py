"""The counts the database keeps (FacetCount, migration 0010) follow every write."""

import pytest
from django.db.models import Count, Sum

from affiliates.choices import Status
from affiliates.models import Affiliate, FacetCount
from affiliates.services import affiliate_set_sectors, affiliates_delete
from tests.factories import AffiliateFactory, SectorFactory

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
