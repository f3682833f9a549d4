"""The affiliation lifecycle: one table of allowed transitions and the one service that makes them.

Every screen, admin action, command and API goes through `affiliate_transition`, so the rules
(which step from which status, who may take it, what must accompany it) live here only.

Roles: a *region* step may be taken by a coordinator of the affiliate's region, and by staff
standing in for a region; a *staff* step only by international staff (affiliates.access says
who holds which role).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from affiliates.access import REGION, STAFF, roles_over, roles_over_each
from affiliates.choices import Status, WithdrawalKind
from affiliates.models import Affiliate, StatusChange
from affiliates.notifications import notify_transition
from core.history import acting
from core.public_cache import public_cache_bump
from core.zoned import zoned


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    role: str
    comment_required: bool
    label: Promise  # the button
    done: Promise  # what happened, for messages and emails
    needs_withdrawal_kind: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(
            "recommend",
            frozenset({Status.APPLIED}),
            Status.RECOMMENDED,
            REGION,
            comment_required=True,
            label=gettext_lazy("Recommend"),
            done=gettext_lazy("recommended for affiliation by the regional network"),
        ),
        Transition(
            "region_reject",
            frozenset({Status.APPLIED}),
            Status.REJECTED,
            REGION,
            comment_required=True,
            label=gettext_lazy("Reject"),
            done=gettext_lazy("not recommended by the regional network: the application is closed"),
        ),
        Transition(
            "approve",
            frozenset({Status.RECOMMENDED}),
            Status.AFFILIATED,
            STAFF,
            comment_required=False,
            label=gettext_lazy("Approve"),
            done=gettext_lazy("approved: the organisation is now affiliated to HomeNet"),
        ),
        Transition(
            "reject",
            frozenset({Status.RECOMMENDED}),
            Status.REJECTED,
            STAFF,
            comment_required=True,
            label=gettext_lazy("Reject"),
            done=gettext_lazy("rejected by the international network"),
        ),
        Transition(
            "suspend",
            frozenset({Status.AFFILIATED}),
            Status.SUSPENDED,
            STAFF,
            comment_required=True,
            label=gettext_lazy("Suspend"),
            done=gettext_lazy("suspended"),
        ),
        Transition(
            "reinstate",
            frozenset({Status.SUSPENDED}),
            Status.AFFILIATED,
            STAFF,
            comment_required=False,
            label=gettext_lazy("Reinstate"),
            done=gettext_lazy("reinstated: the organisation is affiliated again"),
        ),
        Transition(
            "withdraw",
            frozenset({Status.AFFILIATED, Status.SUSPENDED}),
            Status.WITHDRAWN,
            STAFF,
            comment_required=True,
            label=gettext_lazy("Withdraw"),
            done=gettext_lazy("withdrawn from the network"),
            needs_withdrawal_kind=True,
        ),
    ]
}


class TransitionRefused(ValidationError):
    """The step cannot be taken: not allowed from this status, not by this person, or incomplete."""


class AlreadyDecided(TransitionRefused):
    """Somebody else changed the status between the moment the page was read and now."""


def may_take(
    user: AbstractBaseUser | AnonymousUser, transition: Transition, affiliate: Affiliate
) -> bool:
    """Whether this person's role allows this step on this affiliate (whatever its status)."""
    return transition.role in roles_over(user, affiliate)


def available_transitions(
    user: AbstractBaseUser | AnonymousUser, affiliate: Affiliate
) -> list[Transition]:
    """The steps this person may take now: what the decision buttons offer."""
    roles = roles_over(user, affiliate)
    return [t for t in TRANSITIONS.values() if affiliate.status in t.sources and t.role in roles]


def available_transitions_each(
    user: AbstractBaseUser | AnonymousUser, affiliates: Sequence[Affiliate]
) -> dict[int, list[Transition]]:
    """`available_transitions` for each of a list's affiliates, by pk, in one query."""
    roles = roles_over_each(user, affiliates)
    return {
        a.pk: [t for t in TRANSITIONS.values() if a.status in t.sources and t.role in roles[a.pk]]
        for a in affiliates
    }


def _refusal(transition: Transition, status: str) -> TransitionRefused:
    return TransitionRefused(
        _("“%(action)s” is not possible for an organisation that is %(status)s.")
        % {"action": transition.label, "status": Status(status).label.lower()}
    )


def affiliate_transition(
    *,
    affiliate: Affiliate,
    action: str,
    actor: User,
    comment: str = "",
    comment_is_public: bool = False,
    withdrawal_kind: str = "",
    expected_status: str | None = None,
) -> StatusChange:
    """Take one lifecycle step and record it; emails go out once the transaction commits.

    `expected_status` is the status the actor saw (by default that of the `affiliate` passed
    in). The row is locked and its status read again, so of two people deciding at once the
    second is told the application was already decided instead of deciding it twice.
    """
    transition = _allowed_transition(action, actor, affiliate)
    comment = comment.strip()
    withdrawal_kind = _checked_details(transition, comment, withdrawal_kind)
    expected_status = expected_status or affiliate.status

    # The history names who took the step, also for commands and jobs outside a request.
    with transaction.atomic(), acting(actor, reason=transition.action):
        locked = Affiliate.objects.select_for_update().get(pk=affiliate.pk)
        _check_still(locked, expected_status, transition)
        now = timezone.now()
        from_status = locked.status
        locked.status = transition.target
        locked.status_changed_at = now
        fields = ["status", "status_changed_at", "updated_at"]
        if transition.action == "approve":
            locked.affiliated_on = timezone.localdate()
            fields.append("affiliated_on")
        locked.save(update_fields=fields)
        change = StatusChange.objects.create(
            affiliate=locked,
            from_status=from_status,
            to_status=transition.target,
            actor=actor,
            comment=comment,
            comment_is_public=comment_is_public,
            withdrawal_kind=withdrawal_kind,
            created_at=now,
        )
        transaction.on_commit(public_cache_bump)
        transaction.on_commit(lambda: notify_transition(change, transition.done))

    for field in fields:
        setattr(affiliate, field, getattr(locked, field))
    return change


def _allowed_transition(action: str, actor: User, affiliate: Affiliate) -> Transition:
    """The step named `action`, if this person's role allows it on this affiliate."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(_("This is not a step in the affiliation process."))
    if not may_take(actor, transition, affiliate):
        if transition.role == STAFF:
            raise TransitionRefused(
                _("Only international staff can %(action)s.")
                % {"action": str(transition.label).lower()}
            )
        raise TransitionRefused(
            _("Only a coordinator of the organisation's regional network can %(action)s.")
            % {"action": str(transition.label).lower()}
        )
    return transition


def _checked_details(transition: Transition, comment: str, withdrawal_kind: str) -> str:
    """What must accompany the step is there; returns the withdrawal kind it keeps ("" if none)."""
    errors = {}
    if transition.comment_required and not comment:
        errors["comment"] = _("Give a reason or comment: this step must be accounted for.")
    if transition.needs_withdrawal_kind:
        if withdrawal_kind not in WithdrawalKind.values:
            errors["withdrawal_kind"] = _("Say whether it left, merged or was expelled.")
    else:
        withdrawal_kind = ""
    if errors:
        raise TransitionRefused(errors)
    return withdrawal_kind


def _check_still(locked: Affiliate, expected_status: str, transition: Transition) -> None:
    """The status is still the one the actor saw, and the step may start from it."""
    if locked.status != expected_status:
        raise AlreadyDecided(
            _(
                "Somebody decided first: this organisation is now %(status)s "
                "(since %(when)s). Nothing was changed."
            )
            % {
                "status": locked.get_status_display().lower(),
                "when": zoned(locked.status_changed_at),
            }
        )
    if locked.status not in transition.sources:
        raise _refusal(transition, locked.status)
