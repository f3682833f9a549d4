"""The coordinators' monthly reminder: records to confirm and declarations missing.

`manage.py remind_coordinators` runs every day (cron); each coordinator gets at most one
reminder a month, in the language of their account, and none when nothing is waiting. Each
sent reminder is recorded (CoordinatorReminder, one per coordinator and month, a unique
constraint), so a second run the same month, or two runs at once, send nothing again.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from affiliates.access import affiliates_visible_to
from affiliates.models import Affiliate, CoordinatorReminder
from affiliates.rules import declaration_due_year, stale_before
from core import mail

# Organisations named in one mail for each list; the rest are counted and wait in the workspace.
LISTED = 20


@dataclass(frozen=True)
class Reminder:
    user: User
    stale: list[Affiliate]
    stale_count: int
    missing: list[Affiliate]
    missing_count: int
    missing_year: int


def reminder_for(user: User) -> Reminder | None:
    """What `user` should hear about in their regions this month; None when nothing waits."""
    # The regions they coordinate, as the access rules let them see them (staff who are also
    # coordinators hear about their own regions, not the whole registry).
    mine = affiliates_visible_to(user).filter(region__coordinator_assignments__user=user)
    stale = mine.stale(stale_before()).order_by(
        F("details_confirmed_on").asc(nulls_first=True), "name", "pk"
    )
    year = declaration_due_year()
    missing = mine.missing_declaration(year).order_by("name", "pk")
    stale_count, missing_count = stale.count(), missing.count()
    if not stale_count and not missing_count:
        return None
    return Reminder(
        user,
        list(stale[:LISTED]),
        stale_count,
        list(missing[:LISTED]),
        missing_count,
        year,
    )


def _message(reminder: Reminder) -> EmailMessage:
    site = settings.SITE_URL.rstrip("/")
    context = {
        "reminder": reminder,
        "stale": [
            (a, site + reverse("workspace:affiliate_detail", args=[a.slug])) for a in reminder.stale
        ],
        # The workspace's list filtered to them: the dashboard shows only the first few.
        "workspace_url": site + reverse("workspace:affiliate_list") + "?details=stale",
        "declarations_url": site + reverse("workspace:declarations", args=[reminder.missing_year]),
    }
    subject = " ".join(render_to_string("emails/coordinator_reminder_subject.txt", context).split())
    message = EmailMessage(
        subject,
        render_to_string("emails/coordinator_reminder.txt", context),
        to=[reminder.user.email],
    )
    message.extra_headers["Content-Language"] = translation.get_language()
    return message


def coordinators() -> list[User]:
    """Active coordinators with an address, each once."""
    return list(
        User.objects.filter(is_active=True, coordinator_assignments__isnull=False)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def coordinator_reminders_send(*, today: dt.date | None = None) -> int:
    """Mail this month's reminder to every coordinator who has not had it and has something
    waiting; returns how many were queued."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    sent = 0
    already = set(CoordinatorReminder.objects.filter(month=month).values_list("user_id", flat=True))
    for user in coordinators():
        if user.pk in already:
            continue
        with translation.override(user.preferred_language):
            reminder = reminder_for(user)
            if reminder is None:
                continue  # nothing to say: nothing sent, nor recorded
            message = _message(reminder)
        try:
            with transaction.atomic():
                CoordinatorReminder.objects.create(
                    user=user,
                    month=month,
                    stale=reminder.stale_count,
                    missing=reminder.missing_count,
                )
                mail.queue(message)  # after the row commits: never mailed unrecorded
        except IntegrityError:
            continue  # another run recorded this month's reminder meanwhile
        sent += 1
    return sent
