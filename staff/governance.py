"""Staff pages of dues and congresses: the dues of a year (page and CSV) and the credentials
list of a congress (page, print-ready page and CSV). Reads only: every write is in the admin."""

import datetime as dt

import django_filters
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from affiliates.access import staff_required
from affiliates.models import Affiliate
from core.csv_writing import csv_lines
from governance.choices import Standing
from governance.models import Congress, Delegate, DuesRule
from governance.selectors import (
    congress_affiliates,
    congress_figures,
    credentials_rows,
    dues_of_year,
    dues_totals_by_region,
    entitlements,
)
from regions.models import Region

PAGE_SIZE = 100
CONGRESSES_ON_STATS = 3


class DuesFilter(django_filters.FilterSet):
    """The dues page's filters (and its CSV's): region and standing."""

    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(),
        to_field_name="slug",
        label=_("Regional network"),
        empty_label=_("All"),
    )
    standing = django_filters.ChoiceFilter(
        choices=Standing.choices, label=_("Standing"), empty_label=_("All"), method="by_standing"
    )

    class Meta:
        model = Affiliate
        fields = ["region", "standing"]

    def by_standing(self, queryset: QuerySet[Affiliate], name: str, value: str):
        return queryset.filter(**{"in_good_standing": value == Standing.GOOD})


def _dues(request: HttpRequest, year: int) -> tuple[DuesRule, DuesFilter]:
    rule = get_object_or_404(DuesRule, year=year)
    rows = dues_of_year(rule, as_of=timezone.localdate())
    return rule, DuesFilter(request.GET, queryset=rows)


@staff_required
def dues(request: HttpRequest, year: int) -> HttpResponse:
    rule, filterset = _dues(request, year)
    rows = filterset.qs
    page = Paginator(rows.order_by("region__short_name", "name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    totals = dues_totals_by_region(rule, rows, as_of=timezone.localdate())
    return render(
        request,
        "staff/dues.html",
        {
            "rule": rule,
            "rules": DuesRule.objects.order_by("-year"),
            "filter": filterset,
            "page": page,
            "totals": totals,
            "grand": {
                "affiliates": sum(t.affiliates for t in totals),
                "due": sum(t.due for t in totals),
                "paid": sum(t.paid for t in totals),
                "balance": sum(t.balance for t in totals),
                "in_arrears": sum(t.in_arrears for t in totals),
            },
            "query": _without_page(request),
            "today": timezone.localdate(),
        },
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


DUES_COLUMNS = (
    "region",
    "affiliate",
    "reference",
    "country",
    "declared_members",
    "currency",
    "due",
    "paid",
    "balance",
    "balance_all_years",
    "standing",
)


def _dues_rows(rule: DuesRule, rows: QuerySet[Affiliate]):
    yield list(DUES_COLUMNS)
    rows = rows.only("name", "reference", "country", "region__short_name")
    for a in rows.order_by("region__short_name", "name", "pk").iterator(chunk_size=2000):
        yield [
            a.region.short_name,
            a.name,
            a.reference,
            a.country.code,  # type: ignore[attr-defined]
            a.declared,  # type: ignore[attr-defined]
            rule.currency,
            a.due,  # type: ignore[attr-defined]
            a.paid,  # type: ignore[attr-defined]
            a.balance,  # type: ignore[attr-defined]
            a.balance_all,  # type: ignore[attr-defined]
            Standing.GOOD if a.in_good_standing else Standing.ARREARS,  # type: ignore[attr-defined]
        ]


def _csv(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def dues_csv(request, year):  # untyped: staff_required types views as HttpResponse
    rule, filterset = _dues(request, year)
    return _csv(_dues_rows(rule, filterset.qs), f"dues-{year}.csv")


@staff_required
def congresses(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "staff/congresses.html",
        {"congresses": Congress.objects.all(), "rules": DuesRule.objects.order_by("-year")},
    )


CREDENTIALS_PAGE_SIZE = 200


def _credentials_page(request: HttpRequest, slug: str, template: str, *, paged: bool):
    """The list (of one region with ?region=<slug>), its totals, and the names entered."""
    congress = get_object_or_404(Congress, slug=slug)
    regions = list(Region.objects.all())
    chosen = next((r for r in regions if r.slug == request.GET.get("region")), None)
    scope = Affiliate.objects.filter(region=chosen) if chosen else None
    rows = congress_affiliates(congress, scope).order_by(
        "region__display_order", "region__name", "name", "pk"
    )
    lines = list(entitlements(congress, rows.iterator(chunk_size=2000)))
    shown = (
        Paginator(lines, CREDENTIALS_PAGE_SIZE).get_page(request.GET.get("page"))
        if paged
        else lines
    )
    names: dict[int, list[Delegate]] = {}
    listed = [line.affiliate.pk for line in shown]
    for delegate in congress.delegates.filter(affiliate__in=listed).order_by("affiliate", "pk"):
        names.setdefault(delegate.affiliate_id, []).append(delegate)
    return render(
        request,
        template,
        {
            "congress": congress,
            "regions": regions,
            "chosen": chosen,
            "page": shown if paged else None,
            "lines": [(line, names.get(line.affiliate.pk, [])) for line in shown],
            "delegates": sum(line.delegates for line in lines),
            "named": sum(line.delegates_named for line in lines),
            "printed_on": timezone.localdate(),
        },
    )


@staff_required
def credentials(request: HttpRequest, slug: str) -> HttpResponse:
    return _credentials_page(request, slug, "staff/credentials.html", paged=True)


@staff_required
def credentials_print(request: HttpRequest, slug: str) -> HttpResponse:
    return _credentials_page(request, slug, "staff/credentials_print.html", paged=False)


@staff_required
def credentials_csv(request, slug):
    congress = get_object_or_404(Congress, slug=slug)
    return _csv(credentials_rows(congress), f"credentials-{congress.slug}.csv")


def stats_context(today: dt.date) -> dict:
    """What /staff/stats/ shows of congresses: delegates by region and gender."""
    # The coming congresses; when none is coming, the latest one.
    shown = list(Congress.objects.filter(ends_on__gte=today).order_by("starts_on"))
    shown = shown[:CONGRESSES_ON_STATS] or list(Congress.objects.order_by("-starts_on")[:1])
    return {
        "congress_figures": [(congress, congress_figures(congress)) for congress in shown],
    }
