"""The coordinators' workspace. Every read is scoped by affiliates.access (the user's regions)
and every write goes through a service: another region's record is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.resume import restored_form_data
from affiliates.access import (
    affiliate_for,
    affiliates_visible_to,
    regions_coordinated_by,
    signed_in_required,
)
from affiliates.models import Affiliate
from affiliates.rules import declaration_years, is_stale
from affiliates.selectors import declared_figures, declaring_affiliates
from affiliates.services import (
    AffiliateEditConflict,
    affiliate_confirm_details,
    affiliate_update,
)
from audit.selectors import affiliate_change_history, affiliate_last_changed_by
from core.csv_writing import csv_lines
from core.pagination import EstimatedCountPaginator
from core.zoned import zoned
from regions.models import Region
from spreadsheets.declarations import declarations_template_rows
from spreadsheets.exports import affiliates_private_rows
from workspace.declaring import (
    declaration_table,
    declarations_changed_meanwhile,
    declarations_table_submit,
    declarations_upload,
)
from workspace.filters import LISTED, WorkspaceAffiliateFilter
from workspace.forms import (
    AffiliateEditForm,
    DeclarationFormSet,
    DeclarationUploadForm,
)
from workspace.selectors import workspace_overview

PAGE_SIZE = 50


def _regions(request) -> tuple[list[Region], Region | None]:
    """The user's regions, and the one chosen with ?region=<slug> (None: all of them)."""
    regions = list(regions_coordinated_by(request.user))
    slug = request.GET.get("region")
    chosen = next((r for r in regions if r.slug == slug), None) if slug else None
    return regions, chosen


@signed_in_required
def dashboard(request):
    regions, chosen = _regions(request)
    shown = [chosen] if chosen else regions
    affiliates = affiliates_visible_to(request.user).filter(region__in=shown)
    overview = workspace_overview(
        request.user, affiliates, region_ids=[region.pk for region in shown]
    )
    return render(
        request,
        "workspace/dashboard.html",
        {"regions": regions, "chosen": chosen, "overview": overview},
    )


@signed_in_required
def affiliate_list(request):
    base = affiliates_visible_to(request.user).select_related("region")
    filterset = WorkspaceAffiliateFilter(
        request.GET, queryset=base, user=request.user, listed=LISTED
    )
    # A region of 200,000 records: counted exactly up to 10,000, estimated beyond.
    paginator = EstimatedCountPaginator(filterset.qs.order_by("name", "pk"), PAGE_SIZE)
    if filterset.matched is not None:
        # The search (the last filter) counted its matches already.
        paginator.count = min(filterset.matched, LISTED)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "workspace/affiliate_list.html",
        # A search matching more than LISTED records lists the first LISTED (and says so).
        {"filter": filterset, "page": page, "listed": LISTED},
    )


@signed_in_required
def affiliate_detail(request, slug):
    affiliate = affiliate_for(request.user, slug=slug)
    return render(
        request,
        "workspace/affiliate_detail.html",
        {
            "affiliate": affiliate,
            "stale": affiliate.is_declaring and is_stale(affiliate.details_confirmed_on),
            "declarations": affiliate.declarations.select_related("recorded_by"),
            "status_changes": affiliate.status_changes.select_related("actor"),
            "history": affiliate_change_history(affiliate),
            "sectors": affiliate.sectors.all(),
        },
    )


@signed_in_required
@require_http_methods(["GET", "HEAD", "POST"])
def affiliate_edit(request, slug):
    affiliate = affiliate_for(request.user, edit=True, slug=slug)
    # On a GET: what was typed before the session expired, if anything (accounts.resume).
    data = request.POST or restored_form_data(request)
    form = AffiliateEditForm(data, affiliate=affiliate, user=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            affiliate_update(
                affiliate=affiliate,
                updated_by=request.user,
                seen_updated_at=form.cleaned_data["version"],
                sectors=form.cleaned_data["sectors"],
                **form.changes(),
            )
        except AffiliateEditConflict as conflict:
            who = affiliate_last_changed_by(conflict.current)
            form.add_error(
                None,
                _(
                    "Someone else (%(who)s) saved this record at %(when)s, after you opened it. "
                    "Your changes were NOT saved, so as not to overwrite theirs. Open the record "
                    "again to see their changes, then make yours."
                )
                % {
                    "who": who or _("unknown"),
                    "when": zoned(conflict.current.updated_at),
                },
            )
            status = 409
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The changes to %(name)s are saved.") % {"name": affiliate})
            return redirect("workspace:affiliate_detail", slug=affiliate.slug)
    return render(
        request,
        "workspace/affiliate_edit.html",
        {"affiliate": affiliate, "form": form},
        status=status,
    )


@signed_in_required
@require_POST
def affiliate_confirm(request, slug):
    """One button on the affiliate's page: its details were checked and are current."""
    affiliate = affiliate_for(request.user, edit=True, slug=slug)
    affiliate_confirm_details(affiliate=affiliate, confirmed_by=request.user)
    messages.success(
        request, _("The details of %(name)s are confirmed as current.") % {"name": affiliate}
    )
    return redirect("workspace:affiliate_detail", slug=affiliate.slug)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@signed_in_required
def export_csv(request):
    base = affiliates_visible_to(request.user)
    filterset = WorkspaceAffiliateFilter(request.GET, queryset=base, user=request.user)
    response = StreamingHttpResponse(
        csv_lines(affiliates_private_rows(filterset.qs.order_by("name", "pk"))),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="affiliates-{stamp}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# Declarations -------------------------------------------------------------------------------


def _declaration_region(request, year: int):
    """The user's regions and the one whose declarations are shown (chosen, or the first)."""
    if year not in declaration_years():
        raise Http404(_("Declarations are recorded for past and current years only."))
    regions, chosen = _regions(request)
    return regions, chosen or (regions[0] if regions else None)


@signed_in_required
def declarations_current(request):
    url = reverse("workspace:declarations", args=[declaration_years()[-1]])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@signed_in_required
@require_http_methods(["GET", "HEAD", "POST"])
def declarations(request, year):
    regions, region = _declaration_region(request, year)
    table = declaration_table(request.user, region, year)
    # On a GET: what was typed before the session expired, if anything (accounts.resume).
    restored = restored_form_data(request)
    formset = DeclarationFormSet(restored, initial=table.initial, prefix="rows")
    upload = DeclarationUploadForm()
    upload_errors: list[str] = []
    written = None
    if request.method == "POST" and "upload" in request.POST:
        upload = DeclarationUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            count, upload_errors = declarations_upload(
                request.user, region, year, upload.cleaned_data["file"]
            )
            written = None if upload_errors else count
    elif request.method == "POST":
        formset = DeclarationFormSet(request.POST, initial=table.initial, prefix="rows")
        if formset.is_valid():
            written = declarations_table_submit(request.user, year, formset, table)
    if written is not None:
        return _declarations_saved(request, year, region, written)
    by_reference = table.by_reference
    return render(
        request,
        "workspace/declarations.html",
        {
            "year": year,
            "years": declaration_years()[:-6:-1],
            "regions": regions,
            "region": region,
            "formset": formset,
            "rows": [(form, by_reference.get(form.reference)) for form in formset],
            "too_many": table.too_many,
            "upload": upload,
            "upload_errors": upload_errors,
        },
        status=_declarations_status(formset, upload, upload_errors),
    )


def _declarations_status(formset, upload, upload_errors) -> int:
    # 400 tells tests and tools the submission was refused; browsers show the page as usual.
    # 409: a row someone else saved after the table was opened (nothing was written).
    if formset.is_bound and declarations_changed_meanwhile(formset):
        return 409
    return 400 if upload_errors or upload.errors or formset.total_error_count() else 200


def _declarations_saved(request, year, region, written):
    messages.success(
        request,
        ngettext(
            "%(count)s declaration for %(year)s saved.",
            "%(count)s declarations for %(year)s saved.",
            written,
        )
        % {"count": written, "year": year},
    )
    url = f"{request.path}?region={region.slug}" if region else request.path
    return redirect(url)


@signed_in_required
def declarations_template(request, year):
    region = _declaration_region(request, year)[1]
    affiliates = declaring_affiliates(request.user, region) if region else Affiliate.objects.none()
    declared = declared_figures(year, affiliates.values("pk"))
    response = StreamingHttpResponse(
        csv_lines(declarations_template_rows(affiliates.iterator(), year=year, declared=declared)),
        content_type="text/csv; charset=utf-8",
    )
    name = f"declarations-{region.slug if region else 'none'}-{year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
