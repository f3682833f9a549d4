"""DIRECTORY_CACHE_SECONDS: counts and page ids are cached, labels are not."""

import pytest
from django.core.cache import cache

from tests.factories import AffiliateFactory

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
