from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group, Permission
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.template import loader
from django.utils import translation

from accounts.models import User
from core import mail

STAFF_GROUP_NAME = "International staff"
STAFF_APPS = ["auth", "accounts", "regions", "affiliates", "governance"]


def staff_membership_sync(user: User) -> None:
    """International staff (`is_staff`) are in the staff group, and nobody else is.

    `is_staff` is the role (affiliates.access); the group carries its permissions in the
    admin. Every place that sets `is_staff` calls this, so the two never disagree.
    """
    if user.is_staff:
        group = Group.objects.filter(name=STAFF_GROUP_NAME).first() or staff_group_ensure()
        user.groups.add(group)  # the group's permissions as a superuser left them
    else:
        user.groups.remove(*Group.objects.filter(name=STAFF_GROUP_NAME))


@transaction.atomic
def staff_group_ensure() -> Group:
    """The group that gives international staff every permission on the registry's records."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=STAFF_APPS))
    return group


def user_language_set(*, user: User, language: str) -> User:
    """Record the language a person reads the registry in ("" for the site's default)."""
    user.language = language
    user.full_clean(validate_unique=False, validate_constraints=False)
    user.save(update_fields=["language"])
    return user


def user_time_zone_set(*, user: User, time_zone: str) -> User:
    """Record the time zone a person reads times in ("" for UTC), e.g. "Asia/Kathmandu"."""
    user.time_zone = time_zone
    user.full_clean(validate_unique=False, validate_constraints=False)
    user.save(update_fields=["time_zone"])
    return user


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, its mail sent through the mail queue (core.mail), not in the request.

    A hung or down mail server then neither holds the request nor loses the link.
    """

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        # As Django's own send_mail, but queued.
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        # Nothing is written for a reset link: no commit to wait for.
        mail.queue(message, after_commit=False)


class _OneAccountResetForm(QueuedPasswordResetForm):
    """Django's reset mail, for one chosen account rather than every account with an address."""

    def __init__(self, user: User) -> None:
        super().__init__({"email": user.email})
        self.user = user

    def get_users(self, email: str) -> Iterator[User]:
        # Unlike the public form, an account with no password yet gets a link: that is how
        # staff bring in a new coordinator.
        if self.user.is_active and self.user.email:
            yield self.user


def user_password_reset_send(*, user: User, request: HttpRequest) -> bool:
    """Mail `user` a link to choose a new password, in their language; False if it cannot.

    The same mail as "Forgotten your password?" sends, to the address on the account only.
    """
    form = _OneAccountResetForm(user)
    if not (user.is_active and user.email and form.is_valid()):
        return False
    with translation.override(user.language or settings.LANGUAGE_CODE):
        form.save(
            request=request,
            use_https=request.is_secure(),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        )
    return True
