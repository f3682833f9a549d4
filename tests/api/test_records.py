"""With a token: a coordinator's records, edits with the edit page's rules, lifecycle steps."""

import pytest

from affiliates.choices import Status
from affiliates.models import Affiliate
from tests.factories import AffiliateFactory, SectorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def records(south_asia, africa):
    return {
        "own": AffiliateFactory(region=south_asia, name="Lucknow Chikan Union"),
        "other": AffiliateFactory(region=africa, name="Kisumu Baskets"),
        "applied": AffiliateFactory(
            region=south_asia, name="New Applicants", status=Status.APPLIED
        ),
    }


def test_a_coordinator_reads_their_regions_records_with_contacts(
    as_user, records, coordinator_south_asia
):
    response = as_user(coordinator_south_asia).get("/api/v1/records/")
    assert response.status_code == 200
    assert (
        response["Cache-Control"] == "private, no-store" or "no-store" in response["Cache-Control"]
    )
    rows = {row["name"]: row for row in response.json()["results"]}
    assert set(rows) == {"Lucknow Chikan Union", "New Applicants"}
    assert rows["Lucknow Chikan Union"]["contact_name"] == "Private Person"


def test_the_workspace_filters_apply_and_a_bad_value_is_a_400(
    as_user, records, coordinator_south_asia
):
    client = as_user(coordinator_south_asia)
    applied = client.get("/api/v1/records/", {"status": "applied"}).json()["results"]
    assert [row["name"] for row in applied] == ["New Applicants"]
    refused = client.get("/api/v1/records/", {"region": "africa"})
    assert refused.status_code == 400
    assert "region" in refused.json()["errors"]


def test_another_regions_record_is_a_404(as_user, records, coordinator_south_asia):
    client = as_user(coordinator_south_asia)
    slug = records["other"].slug
    assert client.get(f"/api/v1/records/{slug}/").status_code == 404
    response = client.patch(
        f"/api/v1/records/{slug}/",
        {"updated_at": records["other"].updated_at.isoformat(), "city": "X"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert (
        client.post(
            f"/api/v1/records/{slug}/transitions/",
            {"action": "suspend"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_a_coordinator_changes_a_record(as_user, records, coordinator_south_asia):
    client = as_user(coordinator_south_asia)
    slug = records["own"].slug
    read = client.get(f"/api/v1/records/{slug}/").json()
    sector = SectorFactory(slug="garments", name="Garments")
    response = client.patch(
        f"/api/v1/records/{slug}/",
        {"updated_at": read["updated_at"], "city": "Agra", "sectors": ["garments"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    affiliate = Affiliate.objects.get(slug=slug)
    assert affiliate.city == "Agra"
    assert list(affiliate.sectors.all()) == [sector]
    assert response.json()["updated_at"] != read["updated_at"]


def test_a_stale_updated_at_is_a_409_and_writes_nothing(as_user, records, coordinator_south_asia):
    client = as_user(coordinator_south_asia)
    slug = records["own"].slug
    read = client.get(f"/api/v1/records/{slug}/").json()
    first = client.patch(
        f"/api/v1/records/{slug}/",
        {"updated_at": read["updated_at"], "city": "Agra"},
        content_type="application/json",
    )
    assert first.status_code == 200
    second = client.patch(
        f"/api/v1/records/{slug}/",
        {"updated_at": read["updated_at"], "city": "Kanpur"},
        content_type="application/json",
    )
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert Affiliate.objects.get(slug=slug).city == "Agra"


def test_the_edit_pages_rules_apply(as_user, records, coordinator_south_asia):
    client = as_user(coordinator_south_asia)
    slug = records["own"].slug
    read = client.get(f"/api/v1/records/{slug}/").json()
    response = client.patch(
        f"/api/v1/records/{slug}/",
        {"updated_at": read["updated_at"], "country": "KE", "sectors": ["nope"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "sectors" in response.json()["errors"]
    response = client.patch(
        f"/api/v1/records/{slug}/",
        {"updated_at": read["updated_at"], "country": "KE"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "country" in response.json()["errors"]
    assert Affiliate.objects.get(slug=slug).country == "IN"


def test_applications_waiting_for_a_coordinator(as_user, records, coordinator_south_asia, africa):
    AffiliateFactory(region=africa, name="Far Applicants", status=Status.APPLIED)
    response = as_user(coordinator_south_asia).get("/api/v1/applications/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["name"] for row in rows] == ["New Applicants"]
    assert rows[0]["next_steps"] == ["recommend", "region_reject"]


@pytest.mark.parametrize("who", ["coordinator_south_asia", "staff_user"])
def test_applications_steps_match_the_pages_and_cost_no_query_per_row(
    as_user, records, south_asia, africa, who, request
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from affiliates.services.lifecycle import available_transitions

    user = request.getfixturevalue(who)
    client = as_user(user)

    def read():
        with CaptureQueriesContext(connection) as queries:
            rows = client.get("/api/v1/applications/").json()["results"]
        return rows, len(queries)

    read()  # the token's first use writes its last-used time
    _rows, few = read()
    for n in range(4):
        AffiliateFactory(region=south_asia, status=Status.RECOMMENDED, name=f"Recommended {n}")
        AffiliateFactory(region=africa, status=Status.APPLIED, name=f"Far {n}")
    rows, many = read()
    assert many == few
    for row in rows:
        affiliate = Affiliate.objects.get(slug=row["slug"])
        assert row["next_steps"] == [t.action for t in available_transitions(user, affiliate)]


def test_lifecycle_steps_go_through_the_service(
    as_user, records, coordinator_south_asia, staff_user, mailoutbox
):
    slug = records["applied"].slug
    coordinator = as_user(coordinator_south_asia)
    no_comment = coordinator.post(
        f"/api/v1/records/{slug}/transitions/",
        {"action": "recommend"},
        content_type="application/json",
    )
    assert no_comment.status_code == 400
    assert "comment" in no_comment.json()["errors"]
    recommended = coordinator.post(
        f"/api/v1/records/{slug}/transitions/",
        {"action": "recommend", "comment": "We know them", "expected_status": "applied"},
        content_type="application/json",
    )
    assert recommended.status_code == 200
    assert recommended.json()["status"] == "recommended"
    # Approving is staff's step.
    refused = coordinator.post(
        f"/api/v1/records/{slug}/transitions/",
        {"action": "approve"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    staff = as_user(staff_user)
    stale = staff.post(
        f"/api/v1/records/{slug}/transitions/",
        {"action": "approve", "expected_status": "applied"},
        content_type="application/json",
    )
    assert stale.status_code == 409
    approved = staff.post(
        f"/api/v1/records/{slug}/transitions/",
        {"action": "approve"},
        content_type="application/json",
    )
    assert approved.status_code == 200
    assert Affiliate.objects.get(slug=slug).status == Status.AFFILIATED


def test_a_body_over_the_cap_is_a_413(as_user, records, coordinator_south_asia, settings):
    settings.API_MAX_BODY_BYTES = 100
    response = as_user(coordinator_south_asia).post(
        "/api/v1/declarations/",
        {"year": 2025, "rows": [{"reference": "x" * 200}]},
        content_type="application/json",
    )
    assert response.status_code == 413


def test_a_token_is_throttled_on_its_own(as_user, records, coordinator_south_asia, settings):
    settings.API_THROTTLE_RATES = {"anon": "1/minute", "token": "2/minute"}
    client = as_user(coordinator_south_asia)
    assert [client.get("/api/v1/records/").status_code for _ in range(3)] == [200, 200, 429]
    assert int(client.get("/api/v1/records/")["Retry-After"]) > 0
    # Another token of the same person counts apart.
    assert as_user(coordinator_south_asia).get("/api/v1/records/").status_code == 200


def test_somebody_who_reviews_nothing_gets_a_403_for_applications(as_user, db):
    from tests.factories import UserFactory

    response = as_user(UserFactory(username="nobody")).get("/api/v1/applications/")
    assert response.status_code == 403
    assert response.json()["status"] == 403
