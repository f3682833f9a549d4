"""Dues standing and congress delegates in the coordinators' workspace.

A coordinator sees their regions' affiliates only (affiliates.access): their standing, and at
each congress their entitlement and the delegates named, whom they name and remove here.
Names of delegates are never public.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from affiliates.access import affiliate_for, affiliates_visible_to, signed_in_required
from affiliates.choices import DECLARING_STATUSES
from governance.choices import Gender
from governance.models import Congress
from governance.selectors import congress_affiliates, entitlement_of, entitlements, with_standing
from governance.services import delegate_add, delegate_remove
from workspace.views import _regions  # the workspace's one reading of ?region=

PAGE_SIZE = 50


class DelegateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    gender = forms.ChoiceField(label=gettext_lazy("Gender"), choices=Gender.choices)


def _scoped(request):
    """The user's affiliates, in the region chosen with ?region=<slug> if any."""
    regions, chosen = _regions(request)
    affiliates = affiliates_visible_to(request.user).filter(
        region__in=[chosen] if chosen else regions
    )
    return regions, chosen, affiliates


@signed_in_required
def standing(request):
    regions, chosen, affiliates = _scoped(request)
    rows = with_standing(
        affiliates.filter(status__in=DECLARING_STATUSES).select_related("region"),
        timezone.localdate(),
        arrears=True,
    ).order_by(F("in_good_standing").asc(), "name", "pk")  # in arrears first
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "workspace/standing.html",
        {
            "regions": regions,
            "chosen": chosen,
            "page": page,
            "in_arrears": rows.filter(**{"in_good_standing": False}).count(),
            "today": timezone.localdate(),
            "congresses": Congress.objects.all(),
        },
    )


@signed_in_required
def congress(request, slug):
    event = get_object_or_404(Congress, slug=slug)
    regions, chosen, affiliates = _scoped(request)
    rows = congress_affiliates(event, affiliates).order_by("region__name", "name", "pk")
    return render(
        request,
        "workspace/congress.html",
        {
            "congress": event,
            "regions": regions,
            "chosen": chosen,
            "lines": list(entitlements(event, rows)),
        },
    )


@signed_in_required
@require_http_methods(["GET", "HEAD", "POST"])
def congress_delegates(request, slug, affiliate_slug):
    event = get_object_or_404(Congress, slug=slug)
    affiliate = affiliate_for(request.user, edit=request.method == "POST", slug=affiliate_slug)
    form = DelegateForm(request.POST if "add" in request.POST else None)
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                delegate = get_object_or_404(
                    event.delegates, affiliate=affiliate, pk=request.POST.get("remove") or 0
                )
                delegate_remove(delegate, removed_by=request.user)
                messages.success(request, _("%(name)s removed.") % {"name": delegate.name})
                return redirect(request.path)
            if form.is_valid():
                delegate = delegate_add(
                    congress=event, affiliate=affiliate, added_by=request.user, **form.cleaned_data
                )
                messages.success(request, _("%(name)s named.") % {"name": delegate.name})
                return redirect(request.path)
        except ValidationError as refused:
            form.add_error(None, refused.messages)
    entitlement = entitlement_of(event, affiliate)
    if entitlement is None:
        raise Http404(_("This organisation has no place at this congress."))
    return render(
        request,
        "workspace/congress_delegates.html",
        {
            "congress": event,
            "affiliate": affiliate,
            "entitlement": entitlement,
            "delegates": event.delegates.filter(affiliate=affiliate),
            "form": form,
        },
        status=400 if form.errors else 200,
    )
