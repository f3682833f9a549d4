"""/workspace/affiliates/new/: a coordinator registers an organisation they vouch for."""

import pytest
from django.core import mail
from django.urls import reverse

from affiliates.choices import Status
from affiliates.models import Affiliate

pytestmark = pytest.mark.django_db
URL = "/workspace/affiliates/new/"


def test_the_address_is_the_registration_form():
    assert reverse("applications:register") == URL


def test_a_coordinator_registers_a_recommended_organisation(
    csrf_client, application, coordinator_south_asia, django_capture_on_commit_callbacks
):
    csrf_client.force_login(coordinator_south_asia)
    data = {**application, "comment": "Our member for ten years"}

    with django_capture_on_commit_callbacks(execute=True):
        response = csrf_client.submit(URL, data)

    affiliate = Affiliate.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("applications:detail", args=[affiliate.reference])
    assert affiliate.status == Status.RECOMMENDED
    assert affiliate.created_by == coordinator_south_asia
    change = affiliate.status_changes.get()
    assert (change.from_status, change.to_status, change.actor, change.comment) == (
        "",
        Status.RECOMMENDED,
        coordinator_south_asia,
        "Our member for ten years",
    )
    assert affiliate.declarations.get().recorded_by == coordinator_south_asia
    applicant = next(m for m in mail.outbox if m.to == [application["contact_email"]])
    assert "recommended it for affiliation" in applicant.body


def test_the_recommendation_is_required(client, application, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    response = client.post(URL, application)

    assert response.status_code == 200
    assert not Affiliate.objects.exists()


def test_a_coordinator_registers_only_in_their_region(
    client, application, coordinator_africa, south_asia
):
    client.force_login(coordinator_africa)

    response = client.post(URL, {**application, "comment": "Vouch"})

    assert "only in the countries of your region" in response.content.decode()
    assert not Affiliate.objects.exists()


def test_the_registration_form_has_no_honeypot(client, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    assert "hn-trap" not in client.get(URL).content.decode()


def test_a_coordinator_is_offered_only_the_countries_of_their_region(
    client, coordinator_south_asia, africa
):
    client.force_login(coordinator_south_asia)

    form = client.get(URL).context["form"]

    assert [code for code, _name in form.fields["country"].choices] == ["", "IN", "NP"]


def test_staff_are_offered_every_covered_country(client, staff_user, south_asia, africa):
    client.force_login(staff_user)

    form = client.get(URL).context["form"]

    assert {code for code, _name in form.fields["country"].choices} == {
        "",
        "IN",
        "KE",
        "NP",
        "ZA",
    }
