"""Django's authentication views, pointed at this app's URL names and templates."""

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.forms import LanguageForm
from accounts.middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from accounts.models import User
from accounts.services import user_language_set


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
    success_url = reverse_lazy("accounts:password_reset_done")
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def language(request: HttpRequest) -> HttpResponse:
    """The signed-in person's language: of the registry's emails to them, and of its pages."""
    user = request.user
    assert isinstance(user, User)  # login_required
    form = LanguageForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["language"]
        user_language_set(user=user, language=chosen)
        response = redirect("accounts:language")
        if chosen:  # none: the pages stay in the language the browser or the switch asks for
            _use_language(response, chosen)
        with translation.override(chosen or translation.get_language()):
            messages.success(request, _("Your language is saved."))
        return response
    return render(request, "registration/language.html", {"form": form})
