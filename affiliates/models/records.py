"""What happens to an affiliate over time: its yearly declarations, its lifecycle steps, and the
reminders its coordinators were sent."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from affiliates.choices import (
    Status,
    WithdrawalKind,
)
from affiliates.models.affiliate import Affiliate
from affiliates.rules import (
    EARLIEST_DECLARATION_YEAR,
    TOTAL_TOO_SMALL,
    declaration_years,
)
from core.history import tracked


@tracked()
class MembershipDeclaration(models.Model):
    """An affiliate's declared membership for one year."""

    affiliate = models.ForeignKey(
        Affiliate,
        on_delete=models.CASCADE,
        related_name="declarations",
        verbose_name=_("affiliate"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    women = models.PositiveIntegerField(_("women"))
    men = models.PositiveIntegerField(_("men"))
    total = models.PositiveIntegerField(_("total"))
    declared_on = models.DateField(_("declared on"), default=timezone.localdate)
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Where the figures come from.")
    )
    notes = models.TextField(_("notes"), blank=True)
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
        ordering = ["affiliate", "-year"]
        verbose_name = _("membership declaration")
        verbose_name_plural = _("membership declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["affiliate", "year"],
                name="unique_declaration_per_year",
                violation_error_message=_(
                    "This affiliate already has a declaration for that year."
                ),
            ),
            models.CheckConstraint(
                condition=Q(total__gte=F("women") + F("men")),
                name="declaration_total_covers_women_and_men",
                violation_error_message=TOTAL_TOO_SMALL,
            ),
            models.CheckConstraint(
                condition=Q(year__gte=EARLIEST_DECLARATION_YEAR),
                name="declaration_year_plausible",
                violation_error_message=_("The year is too early to be right."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.affiliate} {self.year}"

    def clean(self) -> None:
        super().clean()
        if self.year and self.year > declaration_years()[-1]:
            raise ValidationError({"year": _("A declaration cannot be for a future year.")})


class StatusChange(models.Model):
    """One step of an affiliate's lifecycle: who moved it from which status to which, and why."""

    affiliate = models.ForeignKey(
        Affiliate,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=_("affiliate"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    comment = models.TextField(_("comment"), blank=True)
    comment_is_public = models.BooleanField(_("shown to the applicant"), default=False)
    withdrawal_kind = models.CharField(
        _("kind of withdrawal"),
        max_length=10,
        choices=WithdrawalKind.choices,
        blank=True,
        db_default="",  # rows inserted in bulk (seed_demo's COPY) need not name it
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        ordering = ["affiliate", "created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.affiliate}: {self.from_status or '–'} → {self.to_status}"


class CoordinatorReminder(models.Model):
    """The monthly reminder mailed to a coordinator (stale records, missing declarations).

    One row per coordinator and month, written with the mail: the daily command sends a month's
    reminder only where no row exists, so running it again sends nothing twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("coordinator"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month it is for."))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    stale = models.PositiveIntegerField(_("records to confirm"))
    missing = models.PositiveIntegerField(_("declarations missing"))

    class Meta:
        ordering = ["-month", "user"]
        verbose_name = _("coordinator reminder")
        verbose_name_plural = _("coordinator reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "month"], name="one_reminder_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="reminder_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.month:%Y-%m}"
