"""The lifecycle's decisions in the admin: a reason form, then the same service as the screens."""

import pytest
from django.contrib.admin import helpers
from django.urls import reverse

from affiliates.choices import Status
from affiliates.models import StatusChange
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:affiliates_affiliate_changelist")


def act(client, action, affiliates, **confirm):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [a.pk for a in affiliates]}
    if confirm:
        data.update(apply="Confirm", **confirm)
    else:
        data["index"] = 0
    return client.post(CHANGELIST, data, follow=bool(confirm))


def test_every_decision_is_offered_as_an_action(client, staff_user, south_asia):
    AffiliateFactory(region=south_asia)
    client.force_login(staff_user)

    choices = dict(client.get(CHANGELIST).context["action_form"].fields["action"].choices)

    for action in [
        "recommend",
        "region_reject",
        "approve",
        "reject",
        "suspend",
        "reinstate",
        "withdraw",
    ]:
        assert f"lifecycle_{action}" in choices


def test_an_action_asks_for_the_reason_first(client, staff_user, south_asia):
    affiliate = AffiliateFactory(region=south_asia, status=Status.AFFILIATED)
    client.force_login(staff_user)

    response = act(client, "lifecycle_suspend", [affiliate])

    assert response.status_code == 200
    assert b'name="comment"' in response.content
    affiliate.refresh_from_db()
    assert affiliate.status == Status.AFFILIATED


def test_a_missing_reason_is_asked_again(client, staff_user, south_asia):
    affiliate = AffiliateFactory(region=south_asia, status=Status.AFFILIATED)
    client.force_login(staff_user)

    response = act(client, "lifecycle_suspend", [affiliate], comment="")

    assert b"This field is required." in response.content
    affiliate.refresh_from_db()
    assert affiliate.status == Status.AFFILIATED


def test_approving_in_bulk_takes_the_allowed_and_explains_the_rest(client, staff_user, south_asia):
    ready = AffiliateFactory(region=south_asia, status=Status.RECOMMENDED, name="Ready")
    early = AffiliateFactory(region=south_asia, status=Status.APPLIED, name="Early")
    client.force_login(staff_user)

    response = act(client, "lifecycle_approve", [ready, early], comment="Welcome")

    ready.refresh_from_db()
    early.refresh_from_db()
    assert (ready.status, early.status) == (Status.AFFILIATED, Status.APPLIED)
    texts = [str(m) for m in response.context["messages"]]
    assert any(
        "Early" in t and "not possible for an organisation that is applied" in t for t in texts
    )
    change = StatusChange.objects.get(affiliate=ready)
    assert (change.actor, change.comment) == (staff_user, "Welcome")


def test_withdrawal_in_the_admin_records_its_kind(client, staff_user, south_asia):
    affiliate = AffiliateFactory(region=south_asia, status=Status.SUSPENDED)
    client.force_login(staff_user)

    act(
        client, "lifecycle_withdraw", [affiliate], comment="Dues unpaid", withdrawal_kind="expelled"
    )

    affiliate.refresh_from_db()
    assert affiliate.status == Status.WITHDRAWN
    assert StatusChange.objects.get(affiliate=affiliate).withdrawal_kind == "expelled"
