"""The whole journey through the screens: apply, the region recommends, staff decide."""

import pytest
from django.core import mail
from django.urls import reverse

from affiliates.choices import Status
from affiliates.models import Affiliate
from tests.clock import TODAY

# Applying counts against the hour's rate limit; approval dates the affiliation today.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def decide(client, affiliate, action, comment=""):
    return client.post(
        reverse("applications:decide", args=[affiliate.reference]),
        {
            "action": action,
            f"{action}-action": action,
            f"{action}-from_status": affiliate.status,
            f"{action}-comment": comment,
            f"{action}-comment_is_public": "on",
        },
    )


def apply(client, application, capture):
    with capture(execute=True):
        response = client.post("/apply/", application)
    assert response.status_code == 302
    return Affiliate.objects.get(name=application["name"])


def test_apply_recommend_approve_then_public(
    client,
    application,
    coordinator_south_asia,
    staff_user,
    django_capture_on_commit_callbacks,
):
    affiliate = apply(client, application, django_capture_on_commit_callbacks)
    assert not Affiliate.objects.public().filter(pk=affiliate.pk).exists()

    client.force_login(coordinator_south_asia)
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, affiliate, "recommend", "A strong union we know well")
    affiliate.refresh_from_db()
    assert affiliate.status == Status.RECOMMENDED

    client.force_login(staff_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, affiliate, "approve", "Welcome to HomeNet")
    affiliate.refresh_from_db()
    assert affiliate.status == Status.AFFILIATED
    assert affiliate.affiliated_on == TODAY
    assert Affiliate.objects.public().filter(pk=affiliate.pk).exists()

    # The decision reached the applicant (with the public comment) and the region.
    applicant = next(m for m in mail.outbox if m.to == [application["contact_email"]])
    assert "Affiliated" in applicant.subject
    assert "approved" in applicant.body
    assert "Welcome to HomeNet" in applicant.body
    assert any(m.to == ["asha@example.org"] for m in mail.outbox)

    client.logout()
    status = client.post(
        "/apply/status/",
        {"reference": affiliate.reference, "email": application["contact_email"]},
    ).content.decode()
    for step in ["Applied", "Recommended by the region", "Affiliated"]:
        assert step in status
    assert "A strong union we know well" in status


def test_apply_then_the_region_rejects(
    client, application, coordinator_south_asia, django_capture_on_commit_callbacks
):
    affiliate = apply(client, application, django_capture_on_commit_callbacks)
    client.force_login(coordinator_south_asia)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        decide(client, affiliate, "region_reject", "A company, not a members' organisation")

    affiliate.refresh_from_db()
    assert affiliate.status == Status.REJECTED
    assert not Affiliate.objects.public().filter(pk=affiliate.pk).exists()
    applicant = next(m for m in mail.outbox if m.to == [application["contact_email"]])
    assert "A company, not a members' organisation" in applicant.body
    assert "Status now: Rejected" in applicant.body


def test_staff_reject_a_recommended_application_in_the_applicants_language(
    client,
    application,
    coordinator_south_asia,
    staff_user,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/apply/", application, headers={"accept-language": "es"})
    affiliate = Affiliate.objects.get()
    client.force_login(coordinator_south_asia)
    decide(client, affiliate, "recommend", "Yes")
    affiliate.refresh_from_db()
    client.force_login(staff_user)
    mail.outbox.clear()

    # The reviewer works in English; the applicant reads Spanish.
    with django_capture_on_commit_callbacks(execute=True):
        decide(client, affiliate, "reject", "Not home-based workers")

    applicant = next(m for m in mail.outbox if m.to == [application["contact_email"]])
    assert applicant.extra_headers["Content-Language"] == "es"
    assert "Rechazada" in applicant.body  # the status, from the Spanish catalogue
