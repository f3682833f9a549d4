"""The staff dashboard: every status, the applications pipeline, missing declarations."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from affiliates import stats
from affiliates.choices import Status
from affiliates.models import Affiliate, StatusChange
from affiliates.services import declaration_record
from tests.clock import TODAY, YEAR
from tests.factories import AffiliateFactory, DeclarationFactory

# Decision times are counted back from now, missing declarations from last year.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def step(affiliate, to_status, days_ago):
    StatusChange.objects.create(
        affiliate=affiliate,
        to_status=to_status,
        created_at=timezone.now() - dt.timedelta(days=days_ago),
    )


def test_decision_times_come_from_the_status_log(south_asia):
    fast = AffiliateFactory(region=south_asia)
    slow = AffiliateFactory(region=south_asia)
    step(fast, Status.APPLIED, 30)
    step(fast, Status.AFFILIATED, 20)
    step(slow, Status.APPLIED, 100)
    step(slow, Status.RECOMMENDED, 70)
    step(slow, Status.REJECTED, 40)

    recommended, decided = stats.decision_times()

    assert (recommended.decisions, recommended.median_days) == (1, 30.0)
    assert (decided.decisions, decided.median_days, decided.mean_days) == (2, 35.0, 35.0)


def test_the_dashboard_counts_every_status_and_lists_missing_declarations(
    client, staff_user, south_asia
):
    last_year = YEAR - 1
    DeclarationFactory(
        affiliate=AffiliateFactory(region=south_asia, name="Up To Date"), year=last_year
    )
    DeclarationFactory(
        affiliate=AffiliateFactory(region=south_asia, name="Behind"), year=last_year - 2
    )
    AffiliateFactory(region=south_asia, name="Applicant", status=Status.APPLIED)
    client.force_login(staff_user)

    response = client.get(reverse("staff:dashboard"))

    lines = {line.label: line.organisations for line in response.context["statuses"]}
    assert lines["Affiliated"] == Affiliate.objects.filter(status=Status.AFFILIATED).count() == 2
    assert lines["Applied"] == 1 and sum(lines.values()) == Affiliate.objects.count()
    assert [a.name for a in response.context["missing"]] == ["Behind"]


def test_the_dashboard_figures_follow_the_chosen_status(client, staff_user, south_asia):
    AffiliateFactory(region=south_asia, status=Status.APPLIED, members_total=7)
    AffiliateFactory(region=south_asia, status=Status.AFFILIATED, members_total=5)
    client.force_login(staff_user)

    response = client.get(reverse("staff:dashboard"), {"status": "applied"})

    regions = response.context["figures"][0]
    assert [(line.organisations, line.total) for line in regions.lines] == [(1, 7)]


def test_the_staff_and_workspace_dashboards_agree_on_missing_declarations(
    client, staff_user, south_asia, africa
):
    last_year = YEAR - 1
    # Declared for last year: not missing, whatever came after.
    DeclarationFactory(
        affiliate=AffiliateFactory(region=south_asia, name="On Time"), year=last_year
    )
    # Declared only for last year's predecessor: last year's is missing.
    DeclarationFactory(
        affiliate=AffiliateFactory(region=south_asia, name="Skipped A Year"), year=last_year - 1
    )
    AffiliateFactory(region=africa, country="KE", name="Never Declared")
    AffiliateFactory(region=africa, country="KE", name="Suspended", status=Status.SUSPENDED)
    AffiliateFactory(region=africa, country="KE", name="Applicant", status=Status.APPLIED)
    AffiliateFactory(region=africa, country="KE", name="Gone", status=Status.WITHDRAWN)
    client.force_login(staff_user)

    staff = client.get(reverse("staff:dashboard")).context
    workspace = client.get(reverse("workspace:dashboard")).context["overview"]

    expected = {"Never Declared", "Skipped A Year", "Suspended"}
    assert {a.name for a in staff["missing"]} == expected == {a.name for a in workspace.missing}
    assert staff["missing_count"] == workspace.missing_count == 3
    assert staff["last_year"] == workspace.missing_year == last_year


def test_only_members_affiliated_by_the_end_of_the_due_year_owe_it(client, staff_user, south_asia):
    """The due year is last year; a member owes it if it was affiliated by its last day."""
    last_year = YEAR - 1
    AffiliateFactory(region=south_asia, name="Old Member", affiliated_on=dt.date(2019, 3, 1))
    AffiliateFactory(
        region=south_asia, name="Joined 31 December", affiliated_on=dt.date(2025, 12, 31)
    )
    AffiliateFactory(region=south_asia, name="No Date On Record", affiliated_on=None)
    AffiliateFactory(region=south_asia, name="Joined 1 January", affiliated_on=dt.date(2026, 1, 1))
    AffiliateFactory(region=south_asia, name="Approved Today", affiliated_on=TODAY)
    client.force_login(staff_user)

    response = client.get(reverse("staff:dashboard"))

    assert response.context["last_year"] == last_year == 2025
    assert {a.name for a in response.context["missing"]} == {
        "Old Member",
        "Joined 31 December",
        "No Date On Record",
    }
    html = response.content.decode()
    assert "Affiliates without a declaration for 2025" in html
    assert "Approved Today" not in html and "Joined 1 January" not in html


def test_an_approved_application_that_declared_this_year_is_not_missing_last_year(
    client, staff_user, coordinator_south_asia, south_asia
):
    """As on the demo site: applied with this year's figures, approved today."""
    from affiliates.services.lifecycle import affiliate_transition
    from applications.services import application_submit

    affiliate = application_submit(
        name="Pune Weavers",
        country="IN",
        organisation_type="union",
        members_women=40,
        members_men=2,
        language="en",
        city="Pune",
        has_piece_rate_workers=True,
        contact_name="Asha",
        contact_email="asha@example.org",
        description="Weavers working at home.",
    )
    affiliate_transition(
        affiliate=affiliate, action="recommend", actor=coordinator_south_asia, comment="Known"
    )
    affiliate_transition(affiliate=affiliate, action="approve", actor=staff_user, comment="Yes")
    affiliate.refresh_from_db()
    assert affiliate.status == Status.AFFILIATED and affiliate.affiliated_on == TODAY
    client.force_login(staff_user)

    response = client.get(reverse("staff:dashboard"))

    assert response.context["missing_count"] == 0
    html = response.content.decode()
    assert "Pune Weavers" not in html
    assert f"No affiliate owes a declaration for {YEAR - 1}." in html


def test_a_member_that_declared_a_later_year_is_not_listed_as_missing_the_due_year(
    client, staff_user, south_asia
):
    """The choice made (see AffiliateQuerySet.missing_declaration): a later declaration is
    newer than the figures due, so the member is up to date; a member that declared only an
    earlier year is listed with that year."""
    last_year = YEAR - 1
    DeclarationFactory(
        affiliate=AffiliateFactory(
            region=south_asia, name="Declared This Year", affiliated_on=dt.date(2020, 1, 1)
        ),
        year=YEAR,
    )
    declaration_record(
        affiliate=AffiliateFactory(
            region=south_asia, name="Declared Long Ago", affiliated_on=dt.date(2020, 1, 1)
        ),
        year=last_year - 3,
        women=30,
        men=1,
    )
    client.force_login(staff_user)

    response = client.get(reverse("staff:dashboard"))

    assert [a.name for a in response.context["missing"]] == ["Declared Long Ago"]
    html = response.content.decode()
    assert "Declared This Year" not in html
    assert f"<td>{last_year - 3}</td>" in html  # its latest declaration, shown beside it
