import datetime as dt

import pytest
from django.urls import reverse

from affiliates.choices import Status
from tests.clock import TODAY, YEAR
from tests.factories import AffiliateFactory, DeclarationFactory

# "Missing a declaration" means none for last year: which year that is depends on the date.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
LAST_YEAR = YEAR - 1


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("workspace:dashboard"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login") + "?next=/workspace/"


def test_a_coordinator_sees_their_regions_figures_only(
    client, coordinator_south_asia, south_asia, africa
):
    AffiliateFactory.create_batch(2, region=south_asia, status=Status.APPLIED)
    DeclarationFactory(affiliate=AffiliateFactory(region=south_asia), year=LAST_YEAR)
    AffiliateFactory(region=south_asia, name="Undeclared Group")
    AffiliateFactory.create_batch(3, region=africa, country="KE", status=Status.APPLIED)
    client.force_login(coordinator_south_asia)

    response = client.get(reverse("workspace:dashboard"))

    overview = response.context["overview"]
    assert {s: n for s, _label, n in overview.by_status}[Status.APPLIED] == 2
    assert overview.waiting == 2  # applications waiting for the coordinator
    assert overview.missing_count == 1
    assert [a.name for a in overview.missing] == ["Undeclared Group"]
    html = response.content.decode()
    assert "2 applications wait for your review." in html
    assert "Undeclared Group" in html


def test_staff_see_recommended_applications_and_can_pick_a_region(
    client, staff_user, south_asia, africa
):
    AffiliateFactory(region=south_asia, status=Status.RECOMMENDED)
    AffiliateFactory(region=africa, country="KE", status=Status.RECOMMENDED)
    AffiliateFactory(region=africa, country="KE", status=Status.APPLIED)
    client.force_login(staff_user)

    everywhere = client.get(reverse("workspace:dashboard")).context["overview"]
    africa_only = client.get(reverse("workspace:dashboard"), {"region": "africa"}).context[
        "overview"
    ]

    assert everywhere.waiting == 2
    assert africa_only.waiting == 1


def test_the_latest_changes_list_the_regions_edits(
    client, coordinator_south_asia, south_asia, africa
):
    AffiliateFactory(region=south_asia, name="Seen Here")
    AffiliateFactory(region=africa, country="KE", name="Not Seen Here")
    client.force_login(coordinator_south_asia)

    html = client.get(reverse("workspace:dashboard")).content.decode()

    assert "Seen Here" in html
    assert "Not Seen Here" not in html


def test_the_dashboard_takes_a_fixed_number_of_queries(
    client, coordinator_south_asia, south_asia, django_assert_num_queries
):
    AffiliateFactory.create_batch(15, region=south_asia)
    client.force_login(coordinator_south_asia)
    client.get(reverse("workspace:dashboard"))  # warm the session

    # session, user, (session expiry middleware has no query), regions, counts by status,
    # missing declarations (list), its count, records to confirm (the list: no count while
    # they are few), latest changes with their users
    with django_assert_num_queries(8):
        client.get(reverse("workspace:dashboard"))


def test_the_declarations_button_opens_the_due_year_while_some_affiliate_owes_it(
    client, coordinator_south_asia, south_asia
):
    AffiliateFactory(region=south_asia, name="Owes Last Year", affiliated_on=dt.date(2024, 5, 1))
    client.force_login(coordinator_south_asia)

    html = client.get(reverse("workspace:dashboard")).content.decode()

    due = reverse("workspace:declarations", args=[LAST_YEAR])
    button = f'class="btn btn-primary" href="{due}">Record the declarations for {LAST_YEAR}</a>'
    assert button in html
    assert f"Declaration for {LAST_YEAR} missing" in html
    assert "Record this year's declarations" not in html


def test_the_declarations_button_opens_this_year_once_nobody_owes_the_due_year(
    client, coordinator_south_asia, south_asia
):
    DeclarationFactory(
        affiliate=AffiliateFactory(region=south_asia, affiliated_on=dt.date(2024, 5, 1)),
        year=LAST_YEAR,
    )
    # Affiliated this year: owes nothing for last year, so nothing is missing.
    AffiliateFactory(region=south_asia, name="Approved Today", affiliated_on=TODAY)
    client.force_login(coordinator_south_asia)

    response = client.get(reverse("workspace:dashboard"), {"region": "south-asia"})

    assert response.context["overview"].missing_count == 0
    assert f"No affiliate owes a declaration for {LAST_YEAR}." in response.content.decode()
    this_year = reverse("workspace:declarations", args=[YEAR])
    assert (
        f'class="btn btn-primary" href="{this_year}?region=south-asia">'
        "Record this year's declarations</a>" in response.content.decode()
    )


def test_one_application_reads_as_one_latest_change(
    client, coordinator_south_asia, south_asia, django_capture_on_commit_callbacks
):
    """Sent outside a request (as a command would), with sectors and this year's figures."""
    from affiliates.services import affiliate_update
    from applications.services import application_submit
    from tests.factories import SectorFactory

    with django_capture_on_commit_callbacks(execute=True):
        affiliate = application_submit(
            name="Pune Weavers",
            country="IN",
            organisation_type="union",
            members_women=40,
            members_men=2,
            language="en",
            city="Pune",
            sectors=[SectorFactory(name="Weaving")],
            has_piece_rate_workers=True,
            contact_name="Asha",
            contact_email="asha@example.org",
            description="Weavers working at home.",
        )
    affiliate_update(affiliate=affiliate, updated_by=coordinator_south_asia, city="Pimpri")
    client.force_login(coordinator_south_asia)

    response = client.get(reverse("workspace:dashboard"))

    changes = [(c.name, c.kind, c.who) for c in response.context["overview"].latest_changes]
    assert changes == [
        ("Pune Weavers", "~", coordinator_south_asia),  # a later action stays apart
        ("Pune Weavers", "+", None),
    ]
    section = response.content.decode().split('id="changes-heading"')[1]
    assert section.count("Pune Weavers") == 2
