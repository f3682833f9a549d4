"""Mail that is never lost: every message goes through the task queue, with retries.

`queue(message)` stores the message as a task once the current transaction commits (a row in
the database with the production backend, so a request never waits on the mail server);
`manage.py db_worker` sends it. When the server fails (refuses, hangs past EMAIL_TIMEOUT, is
down), the task is put back in the queue to run again later, each wait longer than the last,
up to MAIL_ATTEMPTS attempts; every failure is logged (with the subject, never the address). A
backend that cannot run a task later (the immediate one, in development and tests) sends at once
and only logs a failure.
"""

import logging
import smtplib
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# Waits before attempts 2, 3, ...: 1 minute, then doubling up to 6 hours (about 2 days in all).
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)


def retry_wait(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1 for the first)."""
    return min(FIRST_WAIT * 2 ** (attempt - 1), LONGEST_WAIT)


def _fields(message: EmailMessage) -> dict[str, Any]:
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


def _message(fields: dict[str, Any]) -> EmailMessage:
    message = EmailMultiAlternatives(
        fields["subject"],
        fields["body"],
        fields["from_email"],
        to=fields["to"],
        cc=fields["cc"],
        bcc=fields["bcc"],
        reply_to=fields["reply_to"],
        headers=fields["headers"],
    )
    for content, mimetype in fields["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


@task()
def send_email(fields: dict[str, Any], attempt: int = 1) -> int:
    """Send one message; on a mail server failure, queue the next attempt and raise."""
    message = _message(fields)
    try:
        return get_connection().send_messages([message]) or 0
    except (smtplib.SMTPException, OSError) as error:
        backend = send_email.get_backend()
        if attempt < settings.MAIL_ATTEMPTS and backend.supports_defer:
            wait = retry_wait(attempt)
            send_email.using(run_after=timezone.now() + wait).enqueue(fields, attempt + 1)
            logger.warning(
                "Mail %r failed (attempt %d of %d: %s); trying again in %s",
                message.subject,
                attempt,
                settings.MAIL_ATTEMPTS,
                error,
                wait,
            )
        else:
            logger.error(
                "Mail %r failed (attempt %d of %d: %s); giving up",
                message.subject,
                attempt,
                settings.MAIL_ATTEMPTS,
                error,
            )
        raise  # the task's result records the failure


def queue(message: EmailMessage, *, after_commit: bool = True) -> None:
    """Send `message` through the task queue, once the current transaction commits.

    With after_commit=False it is queued at once: for mail about nothing being written (with
    the database backend the queued row still goes with the current transaction, if any).
    """
    fields = _fields(message)
    if after_commit:
        transaction.on_commit(lambda: send_email.enqueue(fields))
    else:
        send_email.enqueue(fields)
