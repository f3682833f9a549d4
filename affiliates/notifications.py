"""Emails about an affiliate's application and lifecycle, sent after the transaction commits.

Each person reads their mail in their own language: the applicant's contact email in the
language they applied in (Affiliate.language), each coordinator of the affiliate's region in the
language of their account (User.language; the site's default when they chose none). Each
message goes through the mail queue (core.mail): a mail server that is down or hung neither undoes
a decision already committed nor delays the answer; the worker sends the mail when it returns.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from affiliates.models import Affiliate, StatusChange
from core import mail


def coordinator_emails_by_language(affiliate: Affiliate) -> dict[str, list[str]]:
    """The region's active coordinators' addresses, by the language each reads mail in."""
    people = (
        get_user_model()
        .objects.filter(coordinator_assignments__region=affiliate.region_id, is_active=True)
        .exclude(email="")
        .order_by("email", "pk")
        .values_list("email", "language")
    )
    by_language: dict[str, list[str]] = {}
    seen: set[str] = set()
    for email, language in people:
        if email not in seen:  # one message per address, even for two accounts sharing it
            seen.add(email)
            by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    return by_language


def _links(affiliate: Affiliate) -> dict[str, str]:
    site = settings.SITE_URL.rstrip("/")
    return {
        "status_url": site + reverse("applications:status"),
        "review_url": site + reverse("applications:detail", args=[affiliate.reference]),
    }


def _message(template: str, context: dict[str, Any], to: list[str], language: str) -> EmailMessage:
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body = render_to_string(f"emails/{template}.txt", context)
    message = EmailMessage(subject, body, to=to)
    message.extra_headers["Content-Language"] = language
    return message


def _send(affiliate: Affiliate, applicant: str, coordinators: str, context: dict[str, Any]) -> None:
    context = {"affiliate": affiliate, **_links(affiliate), **context}
    messages = []
    if affiliate.contact_email:
        language = affiliate.language or settings.LANGUAGE_CODE
        with translation.override(language):
            messages.append(_message(applicant, context, [affiliate.contact_email], language))
    for language, emails in coordinator_emails_by_language(affiliate).items():
        with translation.override(language):
            # One message each: coordinators need not see each other's addresses.
            messages += [_message(coordinators, context, [email], language) for email in emails]
    for message in messages:
        mail.queue(message)


def notify_application_received(affiliate: Affiliate) -> None:
    """Confirm an application (or a direct registration) to the applicant and tell the region."""
    change = affiliate.status_changes.select_related("actor").last()
    _send(
        affiliate,
        "application_received",
        "application_new",
        {"change": change},
    )


def notify_transition(change: StatusChange, done: str | Promise) -> None:
    """Tell the applicant and the region's coordinators what was decided."""
    affiliate = Affiliate.objects.select_related("region").get(pk=change.affiliate_id)
    _send(affiliate, "decision", "decision_coordinators", {"change": change, "done": done})
