"""Dues, good standing and congresses: what a federation computes from the declarations.

Money is `Decimal` from the form to the database (NUMERIC columns) and back, never a float.
"""

from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from affiliates.models import Affiliate
from affiliates.rules import EARLIEST_DECLARATION_YEAR
from core.history import tracked
from governance.choices import Gender, OutOfStanding, PaymentMethod

MAX_DIGITS, PLACES = 14, 2
ZERO = Decimal("0.00")


@tracked()
class DuesRule(models.Model):
    """How much each affiliate owes for one year, computed from a year's declared members."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    amount_per_member = models.DecimalField(
        _("amount per declared member"),
        max_digits=12,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0))],
    )
    minimum = models.DecimalField(
        _("minimum per affiliate"),
        max_digits=MAX_DIGITS,
        decimal_places=PLACES,
        validators=[MinValueValidator(ZERO)],
    )
    cap = models.DecimalField(
        _("cap per affiliate"),
        max_digits=MAX_DIGITS,
        decimal_places=PLACES,
        null=True,
        blank=True,
        help_text=_("Leave empty for no cap."),
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="USD", help_text=_("ISO 4217 code, e.g. USD.")
    )
    due_on = models.DateField(_("due date"))
    declaration_year = models.PositiveSmallIntegerField(
        _("computed from the declaration of"),
        help_text=_("The year of the membership declaration the dues are computed from."),
    )
    arrears_months = models.PositiveSmallIntegerField(
        _("months of grace"),
        default=6,
        help_text=_(
            "An affiliate whose dues for this year are still unpaid this many months after the "
            "due date is out of good standing."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("dues rule")
        verbose_name_plural = _("dues rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_per_member__gte=0) & Q(minimum__gte=0),
                name="dues_rule_amounts_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gte=F("minimum")),
                name="dues_rule_cap_covers_minimum",
                violation_error_message=_("The cap cannot be less than the minimum."),
            ),
            models.CheckConstraint(
                condition=Q(declaration_year__gte=EARLIEST_DECLARATION_YEAR)
                & Q(year__gte=EARLIEST_DECLARATION_YEAR),
                name="dues_rule_years_plausible",
                violation_error_message=_("The year is too early to be right."),
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"),
                name="dues_rule_currency_code",
                violation_error_message=_("Give the currency as three capital letters, e.g. USD."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Dues for %(year)s") % {"year": self.year})


@tracked()
class DuesAdjustment(models.Model):
    """Staff waive (amount 0) or reduce an affiliate's dues for a year, with a reason."""

    affiliate = models.ForeignKey(
        Affiliate,
        on_delete=models.PROTECT,
        related_name="dues_adjustments",
        verbose_name=_("affiliate"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount_due = models.DecimalField(
        _("amount due instead"),
        max_digits=MAX_DIGITS,
        decimal_places=PLACES,
        validators=[MinValueValidator(ZERO)],
        help_text=_("0 waives the year's dues."),
    )
    reason = models.TextField(_("reason"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year", "affiliate"]
        verbose_name = _("dues waiver or reduction")
        verbose_name_plural = _("dues waivers and reductions")
        constraints = [
            models.UniqueConstraint(
                fields=["affiliate", "year"],
                name="one_dues_adjustment_per_year",
                violation_error_message=_(
                    "This affiliate's dues for that year are already adjusted: change that entry."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount_due__gte=0),
                name="dues_adjustment_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="dues_adjustment_has_reason",
                violation_error_message=_("Say why the dues are waived or reduced."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.affiliate} {self.year}"

    @property
    def is_waiver(self) -> bool:
        return self.amount_due == 0


@tracked()
class DuesPayment(models.Model):
    """Money received for one year's dues, or the reversal of such a payment.

    An entry is never changed nor deleted (the database refuses both): a mistake is undone by
    a reversal, a second entry of the opposite amount that names the one it reverses.
    """

    affiliate = models.ForeignKey(
        Affiliate,
        on_delete=models.PROTECT,
        related_name="dues_payments",
        verbose_name=_("affiliate"),
    )
    year = models.PositiveSmallIntegerField(_("for the dues of"))
    paid_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), max_digits=MAX_DIGITS, decimal_places=PLACES)
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("Bank reference, receipt number.")
    )
    note = models.TextField(_("note"), blank=True)
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversal",
        verbose_name=_("reverses"),
    )
    # PROTECT, not SET_NULL: an entry is never updated (the trigger below refuses it).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-paid_on", "-pk"]
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        indexes = [models.Index(fields=["affiliate", "year"], name="dues_payment_affiliate_year")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(reverses__isnull=True, amount__gt=0) & ~Q(method=PaymentMethod.REVERSAL)
                )
                | Q(reverses__isnull=False, amount__lt=0, method=PaymentMethod.REVERSAL),
                name="dues_payment_positive_or_reversal",
                violation_error_message=_(
                    "A payment is a positive amount; only a reversal is negative."
                ),
            ),
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethod.values),
                name="dues_payment_method_valid",
                violation_error_message=_("Choose a method from the list."),
            ),
        ]
        triggers = [
            # The ledger's promise, kept by the database whatever writes to it.
            pgtrigger.Protect(name="dues_payment_never_deleted", operation=pgtrigger.Delete),
            pgtrigger.Protect(name="dues_payment_never_changed", operation=pgtrigger.Update),
        ]

    def __str__(self) -> str:
        return f"{self.affiliate} {self.year}: {self.amount}"

    def clean(self) -> None:
        super().clean()
        if self.year and not DuesRule.objects.filter(year=self.year).exists():
            raise ValidationError(
                {"year": _("There is no dues rule for %(year)s.") % {"year": self.year}}
            )
        if self.method == PaymentMethod.REVERSAL and self.reverses_id is None:
            raise ValidationError({"method": _("Reverse a payment with its own action.")})


@tracked()
class Congress(models.Model):
    """A congress and its allocation rule (bands in DelegateBand)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200)
    standing_on = models.DateField(
        _("good standing on"),
        help_text=_("Affiliates must be in good standing on this date to take part."),
    )
    declarations_on = models.DateField(
        _("declarations recorded by"),
        help_text=_("Each affiliate's latest declaration recorded on or before this date counts."),
    )
    out_of_standing = models.CharField(
        _("affiliates out of good standing"),
        max_length=10,
        choices=OutOfStanding.choices,
        default=OutOfStanding.EXCLUDED,
    )
    women_rule_from = models.PositiveSmallIntegerField(
        _("at least one woman in delegations of"),
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Delegations of this many delegates or more include at least one woman."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("congress")
        verbose_name_plural = _("congresses")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="congress_ends_after_it_starts",
                violation_error_message=_("The last day cannot be before the first."),
            ),
            models.CheckConstraint(
                condition=Q(out_of_standing__in=OutOfStanding.values),
                name="congress_out_of_standing_valid",
                violation_error_message=_("Choose from the list."),
            ),
            models.CheckConstraint(
                condition=Q(women_rule_from__gte=1),
                name="congress_women_rule_from_positive",
                violation_error_message=_("A delegation has at least one delegate."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


@tracked()
class DelegateBand(models.Model):
    """A step of the scale: affiliates with at least `from_members` members send `delegates`."""

    congress = models.ForeignKey(
        Congress, on_delete=models.CASCADE, related_name="bands", verbose_name=_("congress")
    )
    from_members = models.PositiveIntegerField(_("from (members)"))
    delegates = models.PositiveSmallIntegerField(_("delegates"))

    class Meta:
        ordering = ["congress", "from_members"]
        verbose_name = _("delegate band")
        verbose_name_plural = _("delegate bands")
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "from_members"],
                name="one_band_per_threshold",
                violation_error_message=_("Two bands start at the same membership."),
            ),
            models.CheckConstraint(
                condition=Q(from_members__gte=1),
                name="band_from_at_least_one_member",
                violation_error_message=_("A band starts at one member or more."),
            ),
        ]

    def __str__(self) -> str:
        return f"≥ {self.from_members}: {self.delegates}"


@tracked()
class Delegate(models.Model):
    """A person an affiliate sends to a congress, as its coordinator names them. Never public."""

    congress = models.ForeignKey(
        Congress, on_delete=models.CASCADE, related_name="delegates", verbose_name=_("congress")
    )
    affiliate = models.ForeignKey(
        Affiliate,
        on_delete=models.CASCADE,
        related_name="congress_delegates",
        verbose_name=_("affiliate"),
    )
    name = models.CharField(_("name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("named by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["congress", "affiliate", "pk"]
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        indexes = [models.Index(fields=["congress", "affiliate"], name="delegate_congress_aff")]
        constraints = [
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values),
                name="delegate_gender_valid",
                violation_error_message=_("Choose from the list."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="delegate_has_name",
                violation_error_message=_("Give the delegate's name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
