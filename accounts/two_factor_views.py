"""The second factor's pages: the code after the password, and setting up the app."""

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import two_factor
from core.ratelimit import client_ip
from core.zoned import zoned

logger = logging.getLogger("accounts.signin")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return "/workspace/"


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app, or a backup code."""
    next_url = _next_url(request)
    if not two_factor.needs_code(request):
        return redirect(next_url)
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device, locked_until = two_factor.code_check(request, form.cleaned_data["code"])
        if device is not None:
            logger.info("Second factor given: user %s from %s", request.user.pk, client_ip(request))
            return redirect(next_url)
        logger.warning(
            "Wrong second-factor code: user %s from %s", request.user.pk, client_ip(request)
        )
        if locked_until is not None:
            seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
            form.add_error(
                "code",
                _("Too many wrong codes. Try again after %(time)s (in %(seconds)d s).")
                % {
                    "time": zoned(locked_until, "TIME_FORMAT"),
                    "seconds": seconds,
                },
            )
            status = 429
        else:
            form.add_error("code", _("That code is not right. Try the current one."))
    context = {"form": form, "next": next_url}
    return render(request, "registration/two_factor_verify.html", context, status=status)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Staff set up an authenticator app: a QR code and the secret, confirmed with a code."""
    if not request.user.is_staff:
        raise PermissionDenied
    next_url = _next_url(request)
    enabled = two_factor.is_verified(request)
    if not enabled and two_factor.has_device(request.user):
        # Set up in another session since this one signed in: its code first.
        request.session[two_factor.SESSION_REQUIRED] = True
        return redirect(f"{reverse('accounts:two_factor_verify')}?next={request.path}")
    context: dict[str, object] = {"next": next_url, "enabled": enabled}
    if enabled:
        # Backup codes just made are shown this once.
        context["new_codes"] = request.session.pop(two_factor.SESSION_NEW_CODES, None)
        return render(request, "registration/two_factor_setup.html", context)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.two_factor_enable(request=request, code=form.cleaned_data["code"])
        if codes is not None:
            logger.info("Second factor set up: user %s", request.user.pk)
            request.session[two_factor.SESSION_NEW_CODES] = codes
            messages.success(request, _("Two-step sign-in is on."))
            return redirect(f"{request.path}?{urlencode({'next': next_url})}")
        form.add_error("code", _("That code is not right. Check the app's clock and try again."))
    key = two_factor.setup_key(request)
    context |= {
        "form": form,
        "qr_code": two_factor.qr_code_svg(request.user, key),
        "secret": two_factor.secret_for_typing(key),
    }
    return render(request, "registration/two_factor_setup.html", context)


@login_required
@require_POST
def backup_codes(request: HttpRequest) -> HttpResponse:
    """A new set of backup codes (the earlier ones stop working), for a verified session."""
    if not request.user.is_staff:
        raise PermissionDenied
    if not two_factor.is_verified(request):
        return redirect("accounts:two_factor")
    request.session[two_factor.SESSION_NEW_CODES] = two_factor.backup_codes_renew(user=request.user)
    logger.info("Backup codes renewed: user %s", request.user.pk)
    return redirect("accounts:two_factor")
