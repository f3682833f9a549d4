"""Django's authentication views, pointed at this app's URL names and templates."""

import hashlib
import logging
import math
import time
from datetime import datetime
from typing import Any

from axes.helpers import get_client_parameters, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.forms import LanguageForm
from accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from accounts.models import User
from accounts.services import QueuedPasswordResetForm, user_language_set, user_time_zone_set
from core import ratelimit

logger = logging.getLogger(__name__)


def _use_language(response: HttpResponse, language: str) -> None:
    """Show the next pages in `language`: the cookie Django's own language switch sets."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # A fresh sign-in starts a fresh 12-hour lifetime, even on a reused session.
        now = int(time.time())
        self.request.session[SESSION_STARTED_KEY] = now
        self.request.session[SESSION_SEEN_KEY] = now
        # A person who chose a language reads the registry in it from sign-in on.
        user = form.get_user()
        if isinstance(user, User) and user.language:
            _use_language(response, user.language)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You are signed out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link: the same answer whether the address is known, or over a limit.

    At most PASSWORD_RESET_EMAIL_LIMIT requests an hour for one address and
    PASSWORD_RESET_IP_LIMIT from one client address send mail; the others are answered
    exactly the same way, so the page tells nothing about accounts or limits.
    """

    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"].strip().casefold()
        # The address asked for is kept in the cache only as a hash.
        email_key = hashlib.sha256(email.encode()).hexdigest()
        ip = ratelimit.client_ip(self.request)
        by_email = ratelimit.record_for("password-reset-email", email_key)
        by_ip = ratelimit.record_for("password-reset-ip", ip)
        if (
            by_email > settings.PASSWORD_RESET_EMAIL_LIMIT
            or by_ip > settings.PASSWORD_RESET_IP_LIMIT
        ):
            logger.warning(
                "Password reset over the limit from %s (%d this hour for the address asked "
                "for, %d from this client): no mail sent",
                ip,
                by_email,
                by_ip,
            )
            return HttpResponseRedirect(self.get_success_url())
        logger.info("Password reset requested from %s", ip)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


def signin_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page django-axes shows instead of a sign-in form after too many failures (429).

    It says when the person may try again and nothing about whether the account exists: a
    name nobody has is locked out, and answered, exactly as a real one.
    """
    retry_at = _signin_retry_at(request, credentials)
    minutes = max(1, math.ceil((retry_at - timezone.now()).total_seconds() / 60))
    return render(
        request,
        "registration/locked_out.html",
        {"retry_at": retry_at, "minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def _signin_retry_at(request: HttpRequest, credentials: dict[str, Any] | None) -> datetime:
    """When every lock on this request ends: cool-off after the last failure that locks it."""
    cool_off = get_cool_off(request)
    assert cool_off is not None  # AXES_COOLOFF_TIME is set: no permanent lockout
    now = timezone.now()
    retry_at = now + cool_off  # if the attempts were cleared meanwhile: the longest wait
    ends = []
    for filters in get_client_parameters(
        get_client_username(request, credentials),
        getattr(request, "axes_ip_address", ""),
        getattr(request, "axes_user_agent", ""),
        request,
        credentials,
    ):
        counted = AccessAttempt.objects.filter(**filters, attempt_time__gte=now - cool_off)
        totals = counted.aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        if totals["last"] is not None and totals["failures"] >= settings.AXES_FAILURE_LIMIT:
            ends.append(totals["last"] + cool_off)
    return max(ends, default=retry_at)


@login_required
def language(request: HttpRequest) -> HttpResponse:
    """The signed-in person's language (of the registry's emails to them, and of its pages)
    and time zone."""
    user = request.user
    assert isinstance(user, User)  # login_required
    form = LanguageForm(
        request.POST or None, initial={"language": user.language, "time_zone": user.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        user_language_set(user=user, language=chosen)
        user_time_zone_set(user=user, time_zone=form.cleaned_data["time_zone"])
        response = redirect("accounts:language")
        if chosen:  # none: the pages stay in the language the browser or the switch asks for
            _use_language(response, chosen)
        with translation.override(chosen or translation.get_language()):
            messages.success(request, _("Your language is saved."))
        return response
    return render(request, "registration/language.html", {"form": form})
