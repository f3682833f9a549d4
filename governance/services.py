"""Writes of dues and congresses. The admin, the workspace, the demo and commands call these.

Each write is checked (full_clean) and saved inside a transaction, naming who acted and why
(core.history.acting), so the history triggers record it.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from affiliates.models import Affiliate
from core.history import acting
from governance.choices import PaymentMethod
from governance.models import (
    Congress,
    Delegate,
    DelegateBand,
    DuesAdjustment,
    DuesPayment,
    DuesRule,
)
from governance.rules import ITF_BANDS
from governance.selectors import entitlement_of

Actor = AbstractBaseUser | AnonymousUser | None


def _user_or_none(user: Actor) -> User | None:
    return user if isinstance(user, User) and user.is_authenticated else None


@transaction.atomic
def dues_rule_save(rule: DuesRule, *, saved_by: Actor) -> DuesRule:
    """Create or change a year's dues rule."""
    rule.full_clean()
    with acting(saved_by):
        rule.save()
    return rule


@transaction.atomic
def dues_adjustment_save(adjustment: DuesAdjustment, *, saved_by: Actor) -> DuesAdjustment:
    """Waive (amount 0) or reduce an affiliate's dues for a year; the reason goes in history."""
    if adjustment.recorded_by_id is None:
        adjustment.recorded_by = _user_or_none(saved_by)
    adjustment.full_clean()
    with acting(saved_by, reason=adjustment.reason):
        adjustment.save()
    return adjustment


@transaction.atomic
def dues_adjustment_delete(adjustment: DuesAdjustment, *, deleted_by: Actor) -> None:
    """Take a waiver or reduction back: the computed dues apply again (history keeps it)."""
    with acting(deleted_by, reason=_("Waiver or reduction taken back")):
        adjustment.delete()


@transaction.atomic
def dues_payment_record(
    *,
    affiliate: Affiliate,
    year: int,
    amount: Decimal,
    paid_on: dt.date,
    method: str,
    reference: str = "",
    note: str = "",
    recorded_by: Actor,
) -> DuesPayment:
    """Record money received for a year's dues (part of them or more: any positive amount)."""
    payment = DuesPayment(
        affiliate=affiliate,
        year=year,
        amount=amount,
        paid_on=paid_on,
        method=method,
        reference=reference,
        note=note,
        recorded_by=_user_or_none(recorded_by),
    )
    payment.full_clean()
    with acting(recorded_by):
        payment.save()
    return payment


@transaction.atomic
def dues_payment_reverse(
    payment: DuesPayment, *, reason: str, reversed_by: Actor, on: dt.date | None = None
) -> DuesPayment:
    """Undo a payment with an entry of the opposite amount (the original is never deleted)."""
    if not reason.strip():
        raise ValidationError(_("Say why the payment is reversed."))
    locked = DuesPayment.objects.select_for_update().get(pk=payment.pk)
    if locked.reverses_id is not None:
        raise ValidationError(_("A reversal cannot itself be reversed: record a payment."))
    if DuesPayment.objects.filter(reverses=locked).exists():
        raise ValidationError(_("This payment is already reversed."))
    reversal = DuesPayment(
        affiliate_id=locked.affiliate_id,
        year=locked.year,
        amount=-locked.amount,
        paid_on=on or timezone.localdate(),
        method=PaymentMethod.REVERSAL,
        reference=locked.reference,
        note=reason,
        reverses=locked,
        recorded_by=_user_or_none(reversed_by),
    )
    reversal.full_clean()
    with acting(reversed_by, reason=reason):
        reversal.save()
    return reversal


@transaction.atomic
def congress_save(congress: Congress, *, saved_by: Actor, default_bands: bool = True) -> Congress:
    """Create or change a congress; a new one gets the default (ITF) scale unless told not to."""
    congress.full_clean()
    created = congress.pk is None
    with acting(saved_by):
        congress.save()
    if created and default_bands:
        congress_bands_default(congress)
    return congress


def congress_bands_default(congress: Congress) -> None:
    """Give a congress without bands the default scale (governance.rules.ITF_BANDS)."""
    if not congress.bands.exists():
        DelegateBand.objects.bulk_create(
            DelegateBand(congress=congress, from_members=start, delegates=count)
            for start, count in ITF_BANDS
        )


@transaction.atomic
def delegate_add(
    *, congress: Congress, affiliate: Affiliate, name: str, gender: str, added_by: Actor
) -> Delegate:
    """Name a delegate, within the affiliate's entitlement (observers' seats included)."""
    # One naming at a time per affiliate, so two people cannot both take the last seat.
    Affiliate.objects.select_for_update().filter(pk=affiliate.pk).first()
    entitlement = entitlement_of(congress, affiliate)
    if entitlement is None or entitlement.delegates == 0:
        raise ValidationError(_("This organisation sends no delegates to this congress."))
    if entitlement.places_left == 0:
        raise ValidationError(_("Every place is taken: remove a delegate before naming another."))
    delegate = Delegate(
        congress=congress,
        affiliate=affiliate,
        name=name.strip(),
        gender=gender,
        created_by=_user_or_none(added_by),
    )
    delegate.full_clean()
    with acting(added_by):
        delegate.save()
    return delegate


@transaction.atomic
def delegate_remove(delegate: Delegate, *, removed_by: Actor) -> None:
    with acting(removed_by):
        delegate.delete()
