"""The confirm button, the stale lists (workspace and /staff/stats/), the public profile's date."""

import datetime as dt

import pytest
from django.urls import reverse

from affiliates.choices import Status
from tests.clock import TODAY
from tests.factories import AffiliateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

LONG_AGO = dt.date(2025, 3, 1)


def confirm_url(affiliate) -> str:
    return reverse("workspace:affiliate_confirm", args=[affiliate.slug])


def test_the_coordinator_confirms_with_one_button(csrf_client, south_asia, coordinator_south_asia):
    affiliate = AffiliateFactory(region=south_asia, details_confirmed_on=LONG_AGO)
    page = reverse("workspace:affiliate_detail", args=[affiliate.slug])
    csrf_client.force_login(coordinator_south_asia)
    before = csrf_client.get(page).content.decode()
    assert f'action="{confirm_url(affiliate)}"' in before
    assert "More than 12 months ago" in before

    response = csrf_client.submit(confirm_url(affiliate), {}, page=page)

    assert response.status_code == 302
    assert response["Location"] == page
    affiliate.refresh_from_db()
    assert affiliate.details_confirmed_on == TODAY
    after = csrf_client.get(page).content.decode()
    assert "are confirmed as current" in after
    assert "More than 12 months ago" not in after


def test_confirming_another_regions_record_is_a_404(client, south_asia, coordinator_africa):
    affiliate = AffiliateFactory(region=south_asia, details_confirmed_on=LONG_AGO)
    client.force_login(coordinator_africa)

    assert client.post(confirm_url(affiliate)).status_code == 404
    affiliate.refresh_from_db()
    assert affiliate.details_confirmed_on == LONG_AGO


def test_a_get_confirms_nothing(client, south_asia, coordinator_south_asia):
    affiliate = AffiliateFactory(region=south_asia, details_confirmed_on=LONG_AGO)
    client.force_login(coordinator_south_asia)

    assert client.get(confirm_url(affiliate)).status_code == 405
    affiliate.refresh_from_db()
    assert affiliate.details_confirmed_on == LONG_AGO


def test_the_dashboard_lists_its_regions_stale_records_only(
    client, south_asia, africa, coordinator_south_asia
):
    AffiliateFactory(region=south_asia, name="Stale Weavers", details_confirmed_on=LONG_AGO)
    AffiliateFactory(region=south_asia, name="Never Checked", details_confirmed_on=None)
    AffiliateFactory(region=south_asia, name="Fresh Weavers")
    AffiliateFactory(region=africa, country="KE", name="Stale Kenya", details_confirmed_on=None)
    client.force_login(coordinator_south_asia)

    body = client.get(reverse("workspace:dashboard")).content.decode()

    section = body[body.index('id="stale-heading"') : body.index('id="changes-heading"')]
    assert "2 affiliates' details have not been confirmed" in section
    assert section.index("Never Checked") < section.index("Stale Weavers")  # never, then oldest
    assert "Fresh Weavers" not in section
    assert "Stale Kenya" not in body


def test_staff_stats_list_every_stale_record(client, south_asia, africa, staff_user):
    AffiliateFactory(region=south_asia, name="Stale Weavers", details_confirmed_on=LONG_AGO)
    AffiliateFactory(region=africa, country="KE", name="Stale Kenya", details_confirmed_on=None)
    AffiliateFactory(region=africa, country="KE", name="Fresh Kenya")
    client.force_login(staff_user)

    body = client.get(reverse("staff:dashboard")).content.decode()

    section = body[body.index('id="stale-heading"') : body.index('id="figures-heading"')]
    assert "Stale Weavers" in section and "Stale Kenya" in section
    assert "Fresh Kenya" not in section


def test_the_public_profile_says_when_details_were_confirmed(client, south_asia):
    affiliate = AffiliateFactory(region=south_asia, details_confirmed_on=dt.date(2026, 6, 2))
    url = reverse("affiliates:profile", args=[affiliate.slug])

    assert "Details confirmed in June 2026" in client.get(url).content.decode()
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "juin 2026" in french


def test_a_profile_never_confirmed_says_nothing_of_it(client, south_asia):
    affiliate = AffiliateFactory(region=south_asia, details_confirmed_on=None)
    body = client.get(reverse("affiliates:profile", args=[affiliate.slug])).content.decode()

    assert "Details confirmed" not in body


def test_the_workspace_list_filters_the_records_to_confirm(
    client, south_asia, africa, coordinator_south_asia
):
    AffiliateFactory(region=south_asia, name="Stale Weavers", details_confirmed_on=LONG_AGO)
    AffiliateFactory(region=south_asia, name="Never Checked", details_confirmed_on=None)
    AffiliateFactory(region=south_asia, name="Fresh Weavers")
    AffiliateFactory(
        region=south_asia,
        name="Withdrawn Weavers",
        status=Status.WITHDRAWN,
        details_confirmed_on=None,
    )
    AffiliateFactory(region=africa, country="KE", name="Stale Kenya", details_confirmed_on=None)
    client.force_login(coordinator_south_asia)

    body = client.get(reverse("workspace:affiliate_list"), {"details": "stale"}).content.decode()

    assert "Stale Weavers" in body and "Never Checked" in body
    assert "Fresh Weavers" not in body
    assert "Withdrawn Weavers" not in body  # no longer a member: nothing to keep current
    assert "Stale Kenya" not in body


def test_the_dashboard_links_every_record_to_confirm_when_it_shows_a_few(
    client, south_asia, coordinator_south_asia
):
    for n in range(11):
        AffiliateFactory(region=south_asia, name=f"Stale {n:02}", details_confirmed_on=LONG_AGO)
    client.force_login(coordinator_south_asia)

    body = client.get(reverse("workspace:dashboard")).content.decode()

    section = body[body.index('id="stale-heading"') : body.index('id="changes-heading"')]
    assert section.count("<tr>") == 1 + 10  # the header, then the first ten
    assert f'href="{reverse("workspace:affiliate_list")}?details=stale"' in section
    assert "See all 11 records to confirm" in section
