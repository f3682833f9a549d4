"""DIRECTORY_CACHE_SECONDS: counts and page ids are cached, labels are not."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from affiliates.choices import Status
from affiliates.models import Affiliate
from affiliates.services import (
    affiliate_set_sectors,
    affiliate_update,
    declaration_record,
    sector_save,
)
from affiliates.services.lifecycle import affiliate_transition
from core.public_cache import GENERATION_KEY, cached, public_cache_bump
from spreadsheets.importing import affiliates_import
from tests.factories import AffiliateFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caching(settings):
    settings.DIRECTORY_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_a_repeated_search_reads_only_the_rows_it_shows(
    client, caching, south_asia, django_assert_num_queries
):
    AffiliateFactory.create_batch(3, region=south_asia)
    first = client.get("/directory/", {"q": "home", "region": "south-asia"})

    # Only the page's rows by id: regions, sectors, counts and ids come from the cache.
    with django_assert_num_queries(1):
        second = client.get("/directory/", {"q": "home", "region": "south-asia"})

    assert [a.pk for a in second.context["page"].items] == [
        a.pk for a in first.context["page"].items
    ]
    assert second.context["facets"].total == 3


def test_cached_counts_serve_every_language(client, caching, south_asia):
    AffiliateFactory(region=south_asia, country="IN")
    client.get("/directory/", HTTP_ACCEPT_LANGUAGE="en")

    body = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Inde (1)" in body


def test_the_home_figures_are_cached_too(client, caching, south_asia, django_assert_num_queries):
    AffiliateFactory(region=south_asia)
    client.get("/")

    with django_assert_num_queries(1):  # the regions; their figures come from the cache
        client.get("/")


def names_listed(response) -> list[str]:
    return [a.name for a in response.context["page"].items]


def test_an_organisation_suspended_after_a_cached_view_leaves_the_directory_at_once(
    client, caching, south_asia, staff_user, django_capture_on_commit_callbacks
):
    kept = AffiliateFactory(region=south_asia, name="Kept Union")
    gone = AffiliateFactory(region=south_asia, name="Gone Union")
    assert sorted(names_listed(client.get("/directory/"))) == ["Gone Union", "Kept Union"]

    with django_capture_on_commit_callbacks(execute=True):
        affiliate_transition(affiliate=gone, action="suspend", actor=staff_user, comment="Unpaid")

    response = client.get("/directory/")
    assert names_listed(response) == [kept.name]
    assert response.context["facets"].total == 1
    assert "Gone Union" not in response.content.decode()


def test_cached_page_ids_never_bring_back_an_organisation_that_is_not_public(
    client, caching, south_asia
):
    AffiliateFactory(region=south_asia, name="Kept Union")
    gone = AffiliateFactory(region=south_asia, name="Gone Union")
    client.get("/directory/")

    # A write that bypassed the services (a shell, a raw update) bumps nothing.
    Affiliate.objects.filter(pk=gone.pk).update(status=Status.WITHDRAWN)

    assert "Gone Union" not in client.get("/directory/").content.decode()


def test_an_organisation_suspended_after_a_cached_view_leaves_its_region_page_at_once(
    client, caching, south_asia, staff_user, django_capture_on_commit_callbacks
):
    gone = AffiliateFactory(region=south_asia, name="Gone Union", members_total=70)
    AffiliateFactory(region=south_asia, name="Kept Union", members_total=5)
    url = reverse("regions:detail", args=[south_asia.slug])
    assert "Gone Union" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        affiliate_transition(affiliate=gone, action="suspend", actor=staff_user, comment="Unpaid")

    response = client.get(url)
    assert [a["name"] for a in response.context["affiliates"]] == ["Kept Union"]
    assert response.context["figures"].organisations == 1
    assert "Gone Union" not in response.content.decode()


def test_an_approval_shows_the_new_affiliate_at_once(
    client, caching, south_asia, staff_user, django_capture_on_commit_callbacks
):
    AffiliateFactory(region=south_asia, name="Old Union")
    new = AffiliateFactory(region=south_asia, name="New Union", status=Status.RECOMMENDED)
    client.get("/directory/")
    client.get("/")
    client.get(reverse("regions:detail", args=[south_asia.slug]))

    with django_capture_on_commit_callbacks(execute=True):
        affiliate_transition(affiliate=new, action="approve", actor=staff_user)

    assert sorted(names_listed(client.get("/directory/"))) == ["New Union", "Old Union"]
    assert client.get("/").context["figures"].organisations == 2
    region = client.get(reverse("regions:detail", args=[south_asia.slug]))
    assert [a["name"] for a in region.context["affiliates"]] == ["New Union", "Old Union"]


def test_an_entry_computed_before_a_bump_is_never_served(caching):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert cached("test", "key", compute) == 1
    assert cached("test", "key", compute) == 1  # served from the cache
    public_cache_bump()
    assert cached("test", "key", compute) == 2
    cache.delete(GENERATION_KEY)  # evicted: a fresh generation, the old entries are stale
    assert cached("test", "key", compute) == 3
    assert cached("test", "key", compute) == 3


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda a, user: affiliate_update(affiliate=a, updated_by=user, city="Patna"),
            id="edit",
        ),
        pytest.param(
            lambda a, user: declaration_record(affiliate=a, year=2024, women=3, men=1),
            id="declaration",
        ),
        pytest.param(
            lambda a, user: affiliate_set_sectors(a, [SectorFactory(name="Weaving")]),
            id="sectors",
        ),
        pytest.param(
            lambda a, user: sector_save(SectorFactory.build(name="Beading", slug="beading")),
            id="sector",
        ),
        pytest.param(
            lambda a, user: affiliates_import(
                content=b"name,country,organisation_type,piece_rate_workers,status\n"
                b"Imported Union,IN,union,yes,affiliated\n",
                filename="f.csv",
                user=user,
            ),
            id="import",
        ),
    ],
)
def test_every_write_public_pages_show_makes_the_cache_stale_after_commit(
    caching, south_asia, staff_user, django_capture_on_commit_callbacks, write
):
    affiliate = AffiliateFactory(region=south_asia, country="IN")
    cached("test", "key", lambda: "before")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        write(affiliate, staff_user)
        assert cached("test", "key", lambda: "during") == "before"  # not before the commit

    assert callbacks
    assert cached("test", "key", lambda: "after") == "after"


def test_affiliates_moving_with_their_country_move_on_the_home_figures_at_once(
    client, caching, south_asia, africa, staff_user, django_capture_on_commit_callbacks
):
    from affiliates.services import affiliates_follow_countries
    from regions.models import RegionCountry

    def organisations_by_region():
        regions = client.get("/").context["regions"]
        return {r.slug: r.figures.organisations if r.figures else 0 for r in regions}

    AffiliateFactory(region=south_asia, country="NP")
    before = organisations_by_region()
    RegionCountry.objects.filter(country="NP").update(region=africa)

    with django_capture_on_commit_callbacks(execute=True):
        affiliates_follow_countries(countries=["NP"], changed_by=staff_user)

    assert (before["south-asia"], before["africa"]) == (1, 0)
    assert organisations_by_region() == {"south-asia": 0, "africa": 1}


def test_a_region_renamed_in_the_admin_is_renamed_in_the_directory_at_once(
    client, caching, south_asia, staff_user, django_capture_on_commit_callbacks
):
    AffiliateFactory(region=south_asia)
    assert "HomeNet South Asia" in client.get("/directory/").content.decode()
    staff = type(client)()
    staff.force_login(staff_user)
    countries = list(south_asia.countries.all())
    form = {
        "name_en": "HomeNet Southern Asia",
        "short_name": south_asia.short_name,
        "slug": south_asia.slug,
        "display_order": 0,
        "countries-TOTAL_FORMS": len(countries),
        "countries-INITIAL_FORMS": len(countries),
        "coordinator_assignments-TOTAL_FORMS": 0,
        "coordinator_assignments-INITIAL_FORMS": 0,
    }
    for index, country in enumerate(countries):
        form[f"countries-{index}-id"] = country.pk
        form[f"countries-{index}-region"] = south_asia.pk
        form[f"countries-{index}-country"] = country.country.code

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("admin:regions_region_change", args=[south_asia.pk]), form)

    assert response.status_code == 302
    assert "HomeNet Southern Asia" in client.get("/directory/").content.decode()


def test_an_affiliate_deleted_in_the_admin_leaves_the_home_figures_at_once(
    client, caching, south_asia, staff_user, django_capture_on_commit_callbacks
):
    gone = AffiliateFactory(region=south_asia)
    AffiliateFactory(region=south_asia)
    assert client.get("/").context["figures"].organisations == 2
    staff = type(client)()
    staff.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        staff.post(reverse("admin:affiliates_affiliate_delete", args=[gone.pk]), {"post": "yes"})

    assert client.get("/").context["figures"].organisations == 1


def test_the_statistics_follow_a_declaration_for_a_past_year_at_once(
    client, caching, south_asia, staff_user, django_capture_on_commit_callbacks
):
    affiliate = AffiliateFactory(region=south_asia)
    declaration_record(affiliate=affiliate, year=2024, women=90, men=10, recorded_by=staff_user)

    def years():
        figures = {f.key: f for f in client.get(reverse("stats:index")).context["figures"]}
        return [line.label for line in figures["years"].lines]

    assert years() == ["2024"]

    with django_capture_on_commit_callbacks(execute=True):
        # An earlier year: the affiliate's current figures stay those of 2024.
        declaration_record(affiliate=affiliate, year=2020, women=50, men=5, recorded_by=staff_user)

    assert years() == ["2020", "2024"]


def test_the_cached_statistics_keep_each_language_s_labels(client, caching, south_asia):
    AffiliateFactory(region=south_asia)

    english = client.get(reverse("stats:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    spanish = client.get(reverse("stats:index"), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Trade union" in english
    assert "Sindicato" in spanish and "Trade union" not in spanish
