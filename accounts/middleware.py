"""Signed-in sessions end after a spell of inactivity and after a fixed lifetime.

The timestamps live in the session itself (database-backed), so any app server can check them:
no state is kept in the process.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import two_factor
from accounts.resume import keep_posted_form

SESSION_STARTED_KEY = "_hn_started"
SESSION_SEEN_KEY = "_hn_seen"
# Refresh the last-seen time at most this often: saves a session write on every request.
SEEN_RESOLUTION_SECONDS = 60


class SessionExpiryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        expired_user_id = None
        if request.user.is_authenticated:
            user_id = request.user.pk
            if self._check(request):
                expired_user_id = user_id
        response = self.get_response(request)
        if expired_user_id is not None:
            # A form posted just as the session ended is given back after signing in again.
            keep_posted_form(request, response, expired_user_id)
        return response

    def _check(self, request: HttpRequest) -> bool:
        """Whether the session has just been ended."""
        session = request.session
        now = int(time.time())
        started = session.get(SESSION_STARTED_KEY)
        seen = session.get(SESSION_SEEN_KEY)
        if started is None or seen is None:
            session[SESSION_STARTED_KEY] = started or now
            session[SESSION_SEEN_KEY] = now
            return False
        idle = now - seen >= settings.SESSION_IDLE_TIMEOUT
        too_old = now - started >= settings.SESSION_ABSOLUTE_TIMEOUT
        if idle or too_old:
            logout(request)  # flushes the session and makes request.user anonymous
            messages.info(request, _("Your session has expired. Please sign in again."))
            return True
        if now - seen >= SEEN_RESOLUTION_SECONDS:
            session[SESSION_SEEN_KEY] = now
        return False


class SecondFactorMiddleware:
    """Until a signed-in person with a second factor gives their code, every page sends them
    to the code page; staff who must have one (STAFF_REQUIRE_OTP) and have none are sent to
    set it up. Both sign-ins, the site's and the admin's, are covered, whatever the URL.
    Reads only the session (accounts.two_factor): no query on a signed-in request."""

    # Paths a person between password and code may reach (besides the pages below).
    OPEN_PREFIXES = ("/static/", "/i18n/", "/healthz", "/readyz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(self.OPEN_PREFIXES):
            if two_factor.needs_code(request):
                target = reverse("accounts:two_factor_verify")
            elif two_factor.needs_setup(request):
                target = reverse("accounts:two_factor")
            else:
                return self.get_response(request)
            if request.path not in (target, reverse("accounts:logout")):
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
