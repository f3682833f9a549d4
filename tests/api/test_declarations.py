"""POST /api/v1/declarations/: many affiliates' figures for a year, all or none."""

import pytest

from affiliates.choices import Status
from affiliates.models import MembershipDeclaration
from tests.clock import YEAR
from tests.factories import AffiliateFactory, DeclarationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def members(south_asia, africa):
    return {
        "a": AffiliateFactory(region=south_asia, name="Alpha Union"),
        "b": AffiliateFactory(region=south_asia, name="Beta Union", status=Status.SUSPENDED),
        "other": AffiliateFactory(region=africa, name="Kenya Union"),
        "applied": AffiliateFactory(region=south_asia, name="Applicant", status=Status.APPLIED),
    }


def send(client, rows, year=YEAR - 1):
    return client.post(
        "/api/v1/declarations/", {"year": year, "rows": rows}, content_type="application/json"
    )


def test_a_years_declarations_are_recorded(as_user, members, coordinator_south_asia):
    response = send(
        as_user(coordinator_south_asia),
        [
            {"reference": members["a"].reference, "women": 100, "men": 5, "total": 110},
            {"reference": members["b"].reference.lower().replace("-", ""), "women": 7, "men": 1},
        ],
    )
    assert response.status_code == 200, response.json()
    assert response.json() == {"year": YEAR - 1, "written": 2}
    declared = {d.affiliate_id: d.total for d in MembershipDeclaration.objects.all()}
    assert declared == {members["a"].pk: 110, members["b"].pk: 8}
    members["a"].refresh_from_db()
    assert members["a"].members_total == 110


def test_one_bad_row_saves_nothing_and_every_refused_row_is_named(
    as_user, members, coordinator_south_asia
):
    response = send(
        as_user(coordinator_south_asia),
        [
            {"reference": members["a"].reference, "women": 100, "men": 5},
            {"reference": members["other"].reference, "women": 1, "men": 1},
            {"reference": members["b"].reference, "women": 10, "men": 5, "total": 3},
            {"reference": members["applied"].reference, "women": 1, "men": 1},
        ],
    )
    assert response.status_code == 400
    body = response.json()
    assert body["type"] and body["title"] and body["status"] == 400
    rows = body["errors"]["rows"]
    assert len(rows) == 3
    assert rows[0].startswith("Row 2:") and members["other"].reference in rows[0]
    assert rows[1].startswith("Row 3:")
    assert rows[2].startswith("Row 4:")
    assert not MembershipDeclaration.objects.exists()


def test_a_declared_year_is_declared_again(as_user, members, coordinator_south_asia):
    DeclarationFactory(affiliate=members["b"], year=YEAR - 1, women=1, men=1)
    response = send(
        as_user(coordinator_south_asia),
        [{"reference": members["b"].reference, "women": 4, "men": 0}],
    )
    assert response.status_code == 200
    assert MembershipDeclaration.objects.get(affiliate=members["b"]).total == 4


def test_a_future_year_is_refused(as_user, members, coordinator_south_asia):
    response = send(
        as_user(coordinator_south_asia),
        [{"reference": members["a"].reference, "women": 1, "men": 1}],
        year=YEAR + 1,
    )
    assert response.status_code == 400
    assert "year" in response.json()["errors"]


def test_field_errors_name_the_row_and_field(as_user, members, coordinator_south_asia):
    response = send(
        as_user(coordinator_south_asia), [{"reference": members["a"].reference, "women": -1}]
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"rows.0.women", "rows.0.men"}


def test_anonymous_clients_cannot_declare(api, members):
    assert (
        send(api, [{"reference": members["a"].reference, "women": 1, "men": 1}]).status_code == 401
    )
