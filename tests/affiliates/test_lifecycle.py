"""The state machine: every step from every status for every role, what must accompany it."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from affiliates.choices import Status, WithdrawalKind
from affiliates.models import Affiliate, StatusChange
from affiliates.services.lifecycle import (
    TRANSITIONS,
    AlreadyDecided,
    TransitionRefused,
    affiliate_transition,
    available_transitions,
)
from tests.clock import TODAY
from tests.factories import AffiliateFactory
from tests.history import latest, reason

pytestmark = pytest.mark.django_db

# Who may take each step, and from which statuses: the table the issue describes.
REGION_ROLES = {"coordinator_of_region", "staff"}
STAFF_ROLES = {"staff"}
EXPECTED = {
    "recommend": ({Status.APPLIED}, REGION_ROLES, Status.RECOMMENDED),
    "region_reject": ({Status.APPLIED}, REGION_ROLES, Status.REJECTED),
    "approve": ({Status.RECOMMENDED}, STAFF_ROLES, Status.AFFILIATED),
    "reject": ({Status.RECOMMENDED}, STAFF_ROLES, Status.REJECTED),
    "suspend": ({Status.AFFILIATED}, STAFF_ROLES, Status.SUSPENDED),
    "reinstate": ({Status.SUSPENDED}, STAFF_ROLES, Status.AFFILIATED),
    "withdraw": ({Status.AFFILIATED, Status.SUSPENDED}, STAFF_ROLES, Status.WITHDRAWN),
}
ROLES = ["anonymous", "coordinator_of_region", "coordinator_of_other_region", "staff"]


@pytest.fixture
def people(coordinator_south_asia, coordinator_africa, staff_user):
    return {
        "anonymous": AnonymousUser(),
        "coordinator_of_region": coordinator_south_asia,
        "coordinator_of_other_region": coordinator_africa,
        "staff": staff_user,
    }


def test_the_table_covers_every_step_the_issue_names():
    assert set(TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", Status.values)
@pytest.mark.parametrize("action", list(EXPECTED))
def test_each_step_is_allowed_only_from_its_statuses_and_to_its_roles(
    action, status, role, people, south_asia, django_capture_on_commit_callbacks
):
    sources, roles, target = EXPECTED[action]
    affiliate = AffiliateFactory(region=south_asia, status=status)
    allowed = status in sources and role in roles
    # The decision buttons offer exactly the allowed steps.
    offered = {t.action for t in available_transitions(people[role], affiliate)}
    assert (action in offered) == allowed

    attempt = {
        "affiliate": affiliate,
        "action": action,
        "actor": people[role],
        "comment": "Known to us for years",
        "withdrawal_kind": WithdrawalKind.LEFT,
    }
    if allowed:
        with django_capture_on_commit_callbacks(execute=True):
            change = affiliate_transition(**attempt)
        affiliate.refresh_from_db()
        assert affiliate.status == target
        assert (change.from_status, change.to_status, change.actor) == (
            status,
            target,
            people[role],
        )
    else:
        with pytest.raises(TransitionRefused):
            affiliate_transition(**attempt)
        affiliate.refresh_from_db()
        assert affiliate.status == status
        assert not StatusChange.objects.filter(affiliate=affiliate).exists()


def test_a_refusal_says_why(south_asia, staff_user, coordinator_south_asia):
    affiliate = AffiliateFactory(region=south_asia, status=Status.REJECTED)

    with pytest.raises(TransitionRefused) as refused:
        affiliate_transition(affiliate=affiliate, action="approve", actor=staff_user)
    assert "not possible for an organisation that is rejected" in refused.value.messages[0]

    with pytest.raises(TransitionRefused) as refused:
        affiliate_transition(affiliate=affiliate, action="approve", actor=coordinator_south_asia)
    assert "Only international staff" in refused.value.messages[0]

    with pytest.raises(TransitionRefused) as refused:
        affiliate_transition(affiliate=affiliate, action="fly", actor=staff_user)
    assert "not a step" in refused.value.messages[0]


@pytest.mark.parametrize("action", ["recommend", "region_reject"])
def test_a_region_step_needs_a_comment(action, south_asia, coordinator_south_asia):
    affiliate = AffiliateFactory(region=south_asia, status=Status.APPLIED)

    with pytest.raises(TransitionRefused) as refused:
        affiliate_transition(
            affiliate=affiliate, action=action, actor=coordinator_south_asia, comment="   "
        )
    assert "comment" in refused.value.message_dict


@pytest.mark.parametrize(
    "status, action", [(Status.AFFILIATED, "suspend"), (Status.RECOMMENDED, "reject")]
)
def test_suspending_and_rejecting_need_a_reason(status, action, south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia, status=status)

    with pytest.raises(TransitionRefused) as refused:
        affiliate_transition(affiliate=affiliate, action=action, actor=staff_user)
    assert "comment" in refused.value.message_dict


def test_withdrawal_says_whether_it_left_merged_or_was_expelled(south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia, status=Status.AFFILIATED)

    with pytest.raises(TransitionRefused) as refused:
        affiliate_transition(
            affiliate=affiliate, action="withdraw", actor=staff_user, comment="Merged"
        )
    assert "withdrawal_kind" in refused.value.message_dict

    change = affiliate_transition(
        affiliate=affiliate,
        action="withdraw",
        actor=staff_user,
        comment="Merged with the national federation",
        withdrawal_kind=WithdrawalKind.MERGED,
    )
    assert change.withdrawal_kind == WithdrawalKind.MERGED


def test_approval_sets_the_affiliation_date_and_records_the_step(
    clock, south_asia, staff_user, django_capture_on_commit_callbacks
):
    affiliate = AffiliateFactory(region=south_asia, status=Status.RECOMMENDED, affiliated_on=None)
    before = affiliate.status_changed_at

    change = affiliate_transition(
        affiliate=affiliate,
        action="approve",
        actor=staff_user,
        comment="Welcome",
        comment_is_public=True,
    )

    affiliate.refresh_from_db()
    assert affiliate.affiliated_on == TODAY
    assert affiliate.status_changed_at > before
    assert change.comment_is_public and change.comment == "Welcome"
    assert reason(latest(affiliate)) == "approve"
    assert Affiliate.objects.public().filter(pk=affiliate.pk).exists()


def test_a_stale_page_is_told_it_was_already_decided(clock, south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia, status=Status.RECOMMENDED)
    stale = Affiliate.objects.get(pk=affiliate.pk)
    affiliate_transition(affiliate=affiliate, action="approve", actor=staff_user)

    with pytest.raises(AlreadyDecided) as refused:
        affiliate_transition(
            affiliate=stale, action="reject", actor=staff_user, comment="Not membership-based"
        )
    assert "Somebody decided first" in refused.value.messages[0]
    # When, in the reader's date format, naming the zone (UTC for everyone without one).
    assert "(since 15/06/2026 12:00 UTC)" in refused.value.messages[0]
    assert StatusChange.objects.filter(affiliate=affiliate).count() == 1


def test_emails_wait_for_the_commit(south_asia, coordinator_south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia, status=Status.RECOMMENDED)

    # The test's transaction never commits: nothing may have been sent.
    affiliate_transition(affiliate=affiliate, action="approve", actor=staff_user)

    assert mail.outbox == []
