import csv
import io
import re

import pytest
from django.urls import reverse

from affiliates.choices import Status
from tests.factories import AffiliateFactory
from workspace import views as workspace_views

pytestmark = pytest.mark.django_db


def test_the_list_shows_every_status_with_private_contacts(
    client, coordinator_south_asia, sewa, kenya_union, south_asia
):
    AffiliateFactory(region=south_asia, name="Rejected Group", status=Status.REJECTED)
    client.force_login(coordinator_south_asia)

    html = client.get(reverse("workspace:affiliate_list")).content.decode()

    assert "Sewa Bharat Home Workers" in html
    assert "Asha&#x27;s Private Contact" in html
    assert "Rejected Group" in html
    assert "Nairobi" not in html


def test_the_list_is_searchable_and_filterable(client, coordinator_south_asia, sewa, south_asia):
    AffiliateFactory(region=south_asia, name="Kathmandu Weavers", country="NP", status="applied")
    client.force_login(coordinator_south_asia)
    url = reverse("workspace:affiliate_list")

    by_name = client.get(url, {"q": "kathmandu"}).context["page"].object_list
    by_contact = client.get(url, {"q": "private contact"}).context["page"].object_list
    by_status = client.get(url, {"status": "applied"}).context["page"].object_list

    assert [a.name for a in by_name] == ["Kathmandu Weavers"]
    assert [a.name for a in by_contact] == ["Sewa Bharat Home Workers"]
    # Any part of the contact's name or email, in any case (its own trigram index).
    for part in ("PRIVATE CON", "ate cont"):
        found = client.get(url, {"q": part}).context["page"].object_list
        assert [a.name for a in found] == ["Sewa Bharat Home Workers"], part
    assert [a.name for a in by_status] == ["Kathmandu Weavers"]


def test_the_region_filter_offers_only_the_users_regions(
    client, coordinator_south_asia, south_asia, africa
):
    client.force_login(coordinator_south_asia)

    response = client.get(reverse("workspace:affiliate_list"), {"region": "africa"})

    # Another region's slug is not a valid choice: the filter refuses it, nothing leaks.
    assert list(response.context["filter"].form.fields["region"].queryset) == [south_asia]
    assert "region" in response.context["filter"].form.errors


def test_every_filter_offers_all_rather_than_dashes(client, coordinator_south_asia, south_asia):
    client.force_login(coordinator_south_asia)

    html = client.get(reverse("workspace:affiliate_list")).content.decode()

    assert "---------" not in html
    for name in ("status", "organisation_type", "region"):
        select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
        assert select, name
        assert re.search(r'<option value="" selected>All</option>', select.group()), name


@pytest.mark.parametrize("typed", ["hn 7k3m q9p0", "HN7K3MQ9P0", "hn-7k3m-q9pO", " HN 7K3M-Q9PO "])
def test_the_search_finds_a_reference_typed_loosely(client, coordinator_south_asia, sewa, typed):
    sewa.reference = "HN-7K3M-Q9P0"
    sewa.save()
    client.force_login(coordinator_south_asia)

    response = client.get(reverse("workspace:affiliate_list"), {"q": typed})

    assert [a.name for a in response.context["page"].object_list] == [sewa.name]


def test_the_list_is_paginated_in_a_fixed_number_of_queries(
    client, coordinator_south_asia, south_asia, django_assert_num_queries
):
    AffiliateFactory.create_batch(60, region=south_asia)
    client.force_login(coordinator_south_asia)
    client.get(reverse("workspace:affiliate_list"))

    # session, user, regions for the filter's choices, count, the page (with regions)
    with django_assert_num_queries(5):
        response = client.get(reverse("workspace:affiliate_list"), {"page": 2})
    assert len(response.context["page"].object_list) == 10


def test_the_detail_shows_private_contacts_declarations_and_status_history(
    client, coordinator_south_asia, sewa
):
    sewa.declarations.create(year=2024, women=900, men=12, total=912)
    sewa.status_changes.create(from_status="", to_status="affiliated", comment="Welcome")
    client.force_login(coordinator_south_asia)

    html = client.get(reverse("workspace:affiliate_detail", args=[sewa.slug])).content.decode()

    assert "Asha&#x27;s Private Contact" in html
    assert "private.person@example.org" in html
    assert "912" in html
    assert "Welcome" in html


def test_another_regions_affiliate_is_not_found(client, coordinator_south_asia, kenya_union):
    client.force_login(coordinator_south_asia)

    for name in ("workspace:affiliate_detail", "workspace:affiliate_edit"):
        assert client.get(reverse(name, args=[kenya_union.slug])).status_code == 404
    response = client.post(
        reverse("workspace:affiliate_edit", args=[kenya_union.slug]), {"name": "Taken over"}
    )
    assert response.status_code == 404
    kenya_union.refresh_from_db()
    assert kenya_union.name == "Nairobi Home Workers Union"


def test_the_export_has_the_regions_affiliates_with_private_contacts(
    client, coordinator_south_asia, sewa, kenya_union
):
    client.force_login(coordinator_south_asia)

    response = client.get(reverse("workspace:export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["name"] for row in rows] == ["Sewa Bharat Home Workers"]
    assert rows[0]["contact_name"] == "Asha's Private Contact"


def test_the_export_cannot_run_a_formula_in_a_spreadsheet(client, coordinator_south_asia, sewa):
    sewa.contact_name = '=HYPERLINK("http://evil.example","click")'
    sewa.city = "+1 district"
    sewa.save()
    client.force_login(coordinator_south_asia)

    text = b"".join(client.get(reverse("workspace:export")).streaming_content).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))

    assert row["contact_name"].startswith("'=")
    assert row["city"] == "'+1 district"


def test_a_search_matching_more_than_the_list_shows_lists_the_first_and_says_so(
    client, coordinator_south_asia, south_asia, monkeypatch
):
    monkeypatch.setattr(workspace_views, "LISTED", 2)
    for city in ("Agra", "Patna", "Surat"):
        AffiliateFactory(region=south_asia, name=f"Weavers of {city}")
    client.force_login(coordinator_south_asia)
    url = reverse("workspace:affiliate_list")

    response = client.get(url, {"q": "weavers"})

    assert len(response.context["page"].object_list) == 2
    body = response.content.decode()
    assert "More than 2 organisations found" in body
    assert "Only the first 2 results are listed" in body
    # With a filter, the first matches among the records it keeps.
    AffiliateFactory(region=south_asia, name="Weavers of Pune", status="applied")
    applied = client.get(url, {"q": "weavers", "status": "applied"}).context["page"]
    assert [a.name for a in applied.object_list] == ["Weavers of Pune"]
    assert applied.paginator.count == 1
    # The CSV has them all.
    csv = b"".join(client.get(reverse("workspace:export"), {"q": "weavers"}).streaming_content)
    assert csv.decode().count("Weavers of") == 4
