"""The applicant's pages: apply, the confirmation, and where the application stands."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from affiliates.models import Affiliate
from applications.forms import ApplicationForm, StatusLookupForm
from applications.services import application_submit
from core import ratelimit

logger = logging.getLogger(__name__)
SESSION_KEY = "applied_reference"


def _too_many(request, what: str):
    return render(request, "applications/too_many.html", {"what": what}, status=429)


def apply(request):
    form = ApplicationForm()
    if request.method == "POST":
        if ratelimit.is_limited("apply", request, settings.APPLY_RATE_LIMIT):
            return _too_many(request, "apply")
        form = ApplicationForm(request.POST, request.FILES)
        valid = form.is_valid()
        if form.name_checked:
            # Every answer to "is this name taken?" counts (a sent application included):
            # otherwise the form tells anyone, without limit, which organisations exist.
            ratelimit.record("apply", request)
        if valid:
            if form.is_spam:
                logger.info(
                    "Honeypot filled in an application from %s", ratelimit.client_ip(request)
                )
                form.add_error(
                    None,
                    _(
                        "This form could not be accepted. Leave the field marked "
                        "“Leave this field empty” empty and send it again."
                    ),
                )
                return render(request, "applications/apply.html", {"form": form}, status=400)
            try:
                affiliate = application_submit(
                    language=translation.get_language(), **form.affiliate_details()
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                request.session[SESSION_KEY] = affiliate.reference
                return redirect("applications:thanks")
    return render(request, "applications/apply.html", {"form": form})


def thanks(request):
    reference = request.session.get(SESSION_KEY)
    affiliate = (
        Affiliate.objects.select_related("region").filter(reference=reference).first()
        if reference
        else None
    )
    if affiliate is None:
        return redirect("applications:apply")
    return render(request, "applications/thanks.html", {"affiliate": affiliate})


def status(request):
    """The status and public history, for whoever has both the reference and the email."""
    form = StatusLookupForm()
    affiliate = None
    not_found = False
    if request.method == "POST":
        if ratelimit.is_limited("status", request, settings.STATUS_RATE_LIMIT):
            return _too_many(request, "status")
        form = StatusLookupForm(request.POST)
        if form.is_valid():
            # One query for both: an unknown reference and a wrong email read the same.
            affiliate = (
                Affiliate.objects.select_related("region")
                .filter(
                    reference=form.cleaned_data["reference"],
                    contact_email__iexact=form.cleaned_data["email"],
                )
                .first()
            )
            if affiliate is None:
                ratelimit.record("status", request)
                not_found = True
    history = affiliate.status_changes.all() if affiliate else []
    return render(
        request,
        "applications/status.html",
        {"form": form, "affiliate": affiliate, "history": history, "not_found": not_found},
    )
