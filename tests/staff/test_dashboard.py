"""The staff dashboard: every status, the applications pipeline, missing declarations."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from affiliates import stats
from affiliates.choices import Status
from affiliates.models import Affiliate, StatusChange
from tests.clock import YEAR
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
    # Declared only for this year: last year's is still missing.
    DeclarationFactory(
        affiliate=AffiliateFactory(region=south_asia, name="Skipped A Year"), year=last_year + 1
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
