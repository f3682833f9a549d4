"""Pages for international staff: recent changes across the registry, and the dashboard."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from affiliates import stats
from affiliates.access import staff_required
from affiliates.models import Affiliate
from affiliates.rules import declaration_due_year
from affiliates.selectors import public_figures, stale_records
from audit.changes import recent_changes
from staff.forms import ChangesFilterForm, StatusFilterForm
from staff.governance import stats_context

MISSING_SHOWN = 50


@staff_required
def changes(request: HttpRequest) -> HttpResponse:
    form = ChangesFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    try:
        number = int(request.GET.get("page", 1))
    except ValueError:
        number = 1
    page = recent_changes(page=number, **{k: v for k, v in filters.items() if v})
    return render(
        request,
        "staff/changes.html",
        {"form": form, "page": page},
    )


@staff_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    queryset = Affiliate.objects.filter(status=status) if status else Affiliate.objects.all()
    last_year = declaration_due_year()
    missing = stats.missing_declarations(last_year)
    stale, stale_count = stale_records(Affiliate.objects.all(), MISSING_SHOWN)
    return render(
        request,
        "staff/dashboard.html",
        {
            "form": form,
            "headline": public_figures(queryset),
            "statuses": stats.by_status(),
            "decision_times": stats.decision_times(),
            "figures": stats.all_figures(queryset),
            "missing_count": missing.count(),
            "missing": missing[:MISSING_SHOWN],
            "last_year": last_year,
            "stale": stale,
            "stale_count": stale_count,
            **stats_context(timezone.localdate()),
        },
    )
