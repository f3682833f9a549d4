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
from core import errors, ratelimit

logger = logging.getLogger(__name__)
SESSION_KEY = "applied_reference"


def _too_many(request):
    return errors.too_many_requests(
        request,
        _(
            "Too many look-ups that found nothing have come from your connection in the last "
            "hour. Please try again in an hour, and check the reference and email address in "
            "the message we sent you."
        ),
    )


def _name_answer_allowed(request, name: str, country: str) -> bool:
    """Whether this address may learn whether (name, country) is taken: APPLY_RATE_LIMIT
    different names an hour.

    Every form that reaches the name check answers "is this name taken?" (a sent application
    included), so the limit counts the different (name, country) pairs answered, not the
    forms: a person correcting their own mistakes sends the same name again and again and
    uses one; someone probing which organisations exist needs a new one each time.
    """
    pair = f"{country}:{' '.join(name.casefold().split())}"
    return ratelimit.record_distinct("apply", request, pair, settings.APPLY_RATE_LIMIT)


def _apply_limited(request, form: ApplicationForm):
    """The form again, with what was typed and the limit's message but no answer about the name
    (nor any other error, which would say the name is free by its absence)."""
    typed = {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
        if name not in ("fax", "document")
    }
    return render(
        request,
        "applications/apply.html",
        {"form": ApplicationForm(initial=typed), "limited": True},
        status=429,
    )


def apply(request):
    form = ApplicationForm()
    if request.method == "POST":
        form = ApplicationForm(request.POST, request.FILES)
        valid = form.is_valid()
        if form.name_checked and not _name_answer_allowed(request, *form.name_checked):
            return _apply_limited(request, form)
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
            return _too_many(request)
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
