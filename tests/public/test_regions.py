"""/regions/ and /regions/<slug>/: each regional network with figures from the registry."""

import pytest
from django.urls import reverse

from affiliates.choices import Status
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(south_asia, africa):
    AffiliateFactory(
        region=south_asia, country="IN", name="Sewa Union", organisation_type="union",
        members_women=900, members_men=100, members_total=1000,
    )  # fmt: skip
    AffiliateFactory(
        region=south_asia, country="NP", name="Nepal Group", organisation_type="self_help_group",
        members_women=40, members_men=2, members_total=42,
    )  # fmt: skip
    AffiliateFactory(
        region=south_asia, country="IN", name="Applying Union", status=Status.APPLIED,
        organisation_type="union", members_women=7777, members_total=7777,
    )  # fmt: skip
    AffiliateFactory(
        region=africa, country="KE", name="Nairobi Group", members_women=5, members_total=5
    )


def test_the_list_shows_each_region_with_public_figures(client, registry):
    body = client.get(reverse("regions:list")).content.decode()

    assert "HomeNet South Asia" in body
    assert "2 affiliated organisations in 2 countries; members: 940 women and 102 men." in body
    # Each number with its noun in the singular or plural as it needs.
    assert "1 affiliated organisation in 1 country; members: 5 women and 0 men." in body
    assert "7,777" not in body


def test_a_region_page_has_countries_figures_by_type_and_affiliates(client, registry, south_asia):
    response = client.get(reverse("regions:detail", args=["south-asia"]))
    body = response.content.decode()

    assert response.context["figures"].organisations == 2
    assert [(r["organisation_type"], r["organisations"]) for r in response.context["by_type"]] == [
        ("self_help_group", 1),
        ("union", 1),
    ]
    assert [(c.code, n) for c, n in response.context["countries"]] == [("IN", 1), ("NP", 1)]
    assert "Sewa Union" in body and "Nepal Group" in body
    assert "Applying Union" not in body and "7,777" not in body
    assert "/directory/?region=south-asia" in body


def test_an_unknown_region_is_not_found(client, registry):
    assert client.get("/regions/atlantis/").status_code == 404


def test_the_pages_take_a_fixed_number_of_queries(
    client, registry, africa, django_assert_num_queries
):
    AffiliateFactory.create_batch(10, region=africa, country="KE")

    # 1 regions, 2 figures of every region in one pass.
    with django_assert_num_queries(2):
        client.get(reverse("regions:list"))
    # 1 region, 2 figures by type (and in all), 3 by country, both from the kept counts, 4
    # affiliates, 5 covered countries.
    with django_assert_num_queries(5):
        client.get(reverse("regions:detail", args=["africa"]))
    # 1 regions, 2 figures of every region, 3 organisations per country (the map).
    with django_assert_num_queries(3):
        client.get(reverse("affiliates:home"))


def test_home_shows_the_regions_with_their_figures(client, registry):
    body = client.get(reverse("affiliates:home")).content.decode()

    assert reverse("regions:detail", args=["south-asia"]) in body
    assert 'action="/directory/"' in body
    assert "940" in body and "7,777" not in body


def test_nav_links_to_the_directory_and_the_regions(client, registry):
    body = client.get(reverse("affiliates:home")).content.decode()

    assert 'href="/directory/"' in body
    assert 'href="/regions/"' in body
