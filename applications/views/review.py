"""Reviewers' screens: the queue, one application with its decisions, its document, registration."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_POST

from affiliates.access import (
    affiliate_for,
    affiliates_visible_to,
    reviewer_required,
    signed_in_required,
)
from affiliates.models import Affiliate
from affiliates.selectors import OPEN_STATUSES
from affiliates.services.lifecycle import affiliate_transition, available_transitions
from applications.forms import DecisionForm, QueueFilterForm, RegistrationForm
from applications.services import application_submit


@reviewer_required
def queue(request):
    form = QueueFilterForm(request.GET or None, user=request.user)
    applications = affiliates_visible_to(request.user).select_related("region")
    status, region = QueueFilterForm.OPEN, None
    if form.is_bound and form.is_valid():
        status = form.cleaned_data["status"] or QueueFilterForm.OPEN
        region = form.cleaned_data["region"]
    if status == QueueFilterForm.OPEN:
        applications = applications.filter(status__in=OPEN_STATUSES)
    elif status != "all":
        applications = applications.filter(status=status)
    if region:
        applications = applications.in_region(region)
    page = Paginator(applications.order_by("status_changed_at", "pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "applications/queue.html",
        {"form": form, "page": page},
    )


def _detail(request, affiliate: Affiliate, failed: DecisionForm | None = None, status=200):
    decisions = []
    for transition in available_transitions(request.user, affiliate):
        if failed is not None and failed.transition == transition:
            decisions.append(failed)
        else:
            decisions.append(
                DecisionForm(
                    transition=transition,
                    initial={"action": transition.action, "from_status": affiliate.status},
                    prefix=transition.action,
                )
            )
    return render(
        request,
        "applications/detail.html",
        {
            "affiliate": affiliate,
            "history": affiliate.status_changes.select_related("actor"),
            "sectors": affiliate.sectors.all(),
            "decisions": decisions,
        },
        status=status,
    )


@signed_in_required
def detail(request, reference):
    return _detail(request, affiliate_for(request.user, reference=reference))


@signed_in_required
@require_POST
def decide(request, reference):
    affiliate = affiliate_for(request.user, reference=reference)
    # Each decision's form is prefixed by its action (unique ids on the page); an unprefixed
    # "action" says which one was sent.
    action = request.POST.get("action", "")
    form = DecisionForm(request.POST, prefix=action or None)
    if form.transition is None:
        messages.error(
            request, translation.gettext("This is not a step in the affiliation process.")
        )
        return redirect("applications:detail", reference=reference)
    if not form.is_valid():
        return _detail(request, affiliate, failed=form, status=400)
    try:
        affiliate_transition(
            affiliate=affiliate,
            action=form.cleaned_data["action"],
            actor=request.user,
            comment=form.cleaned_data["comment"],
            comment_is_public=form.cleaned_data["comment_is_public"],
            withdrawal_kind=form.cleaned_data.get("withdrawal_kind", ""),
            expected_status=form.cleaned_data["from_status"],
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            form.add_error(None, error)
        else:
            messages.error(request, " ".join(error.messages))
            return redirect("applications:detail", reference=reference)
        return _detail(request, affiliate, failed=form, status=400)
    messages.success(
        request,
        translation.gettext("%(name)s: %(done)s.")
        % {"name": affiliate.name, "done": form.transition.done},
    )
    return redirect("applications:detail", reference=reference)


@signed_in_required
def document(request, reference):
    """The supporting document, only to those who may see the application; never a media URL."""
    affiliate = affiliate_for(request.user, reference=reference)
    if not affiliate.document:
        raise Http404
    response = FileResponse(
        affiliate.document.open("rb"),
        as_attachment=True,
        filename=f"{affiliate.reference}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@reviewer_required
def register(request):
    """A coordinator registers an organisation they know: recorded as recommended."""
    form = RegistrationForm(user=request.user)
    if request.method == "POST":
        form = RegistrationForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                affiliate = application_submit(
                    language=translation.get_language(),
                    registered_by=request.user,
                    comment=form.cleaned_data["comment"],
                    **form.affiliate_details(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    translation.gettext("%(name)s is registered and recommended.")
                    % {"name": affiliate.name},
                )
                return redirect("applications:detail", reference=affiliate.reference)
    return render(request, "applications/register.html", {"form": form})
