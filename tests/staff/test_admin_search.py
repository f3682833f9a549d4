"""The affiliates' changelist on a large registry: indexed search, no full count."""

import pytest
from django.urls import reverse

from affiliates.choices import Status
from core.pagination import EstimatedCountPaginator
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db
URL = reverse("admin:affiliates_affiliate_changelist")


def listed(response) -> list[str]:
    return [a.name for a in response.context["cl"].result_list]


def test_staff_find_records_of_any_status_by_word_start_city_or_reference(
    client, staff_user, south_asia
):
    client.force_login(staff_user)
    sewa = AffiliateFactory(region=south_asia, name="Sewa Union", city="Ahmedabad")
    applied = AffiliateFactory(region=south_asia, name="Lahore Weavers", status=Status.APPLIED)
    AffiliateFactory(region=south_asia, name="Other Union", city="Pune")

    assert listed(client.get(URL, {"q": "sew"})) == ["Sewa Union"]
    assert listed(client.get(URL, {"q": "ahmedab"})) == ["Sewa Union"]
    assert listed(client.get(URL, {"q": "weavers lahore"})) == ["Lahore Weavers"]
    # A reference as read out on the phone: lower case, no dashes.
    typed = applied.reference.replace("-", "").lower()
    assert listed(client.get(URL, {"q": typed})) == ["Lahore Weavers"]
    assert listed(client.get(URL, {"q": sewa.slug})) == ["Sewa Union"]
    assert listed(client.get(URL, {"q": "union"})) == ["Other Union", "Sewa Union"]


def test_the_changelist_counts_no_further_than_it_must(client, staff_user, south_asia, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 2)
    client.force_login(staff_user)
    AffiliateFactory.create_batch(4, region=south_asia)

    response = client.get(URL)

    assert response.status_code == 200
    # Beyond the exact count, the planner's estimate (at least what was counted).
    assert response.context["cl"].result_count >= 3
    assert not response.context["cl"].show_full_result_count


def test_the_members_year_filter_lists_years_without_reading_the_table(
    client, staff_user, south_asia
):
    client.force_login(staff_user)
    AffiliateFactory(region=south_asia, name="Declared", members_year=2025)
    AffiliateFactory(region=south_asia, name="Silent", members_year=None)

    assert listed(client.get(URL, {"members_year": "2025"})) == ["Declared"]
    assert listed(client.get(URL, {"members_year": "none"})) == ["Silent"]


def test_a_search_lists_its_first_matches_in_name_order(
    client, staff_user, south_asia, monkeypatch
):
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_UP_TO", 2)
    client.force_login(staff_user)
    for city in ("Surat", "Agra", "Pune", "Patna"):
        AffiliateFactory(region=south_asia, name=f"Weavers of {city}")
    AffiliateFactory(region=south_asia, name="Incense Rollers")

    names = listed(client.get(URL, {"q": "weavers"}))

    # The first 3 (EXACT_UP_TO + 1) the index gives, in name order: never more.
    assert len(names) == 3 and names == sorted(names)
    assert all(name.startswith("Weavers of ") for name in names)
