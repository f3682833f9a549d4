"""Aggregate figures of the registry for /stats/ (public) and the staff dashboard.

Every public figure starts from `Affiliate.objects.public()`, as the directory does, so the
totals here are those of `public_figures()`.
"""

import datetime as dt
import statistics
import textwrap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from affiliates.choices import OrganisationType, Status
from affiliates.models import Affiliate, MembershipDeclaration, StatusChange, YearCount
from affiliates.rules import declaration_due_year
from affiliates.selectors import Figures, figures_by, kept_figures_by, membership_sums
from regions.models import Region

FIGURES = ["regions", "types", "categories", "gender", "years"]


@dataclass(frozen=True)
class Line:
    label: str
    organisations: int
    women: int
    men: int
    total: int


@dataclass
class Figure:
    key: str
    title: str
    lines: list[Line]
    note: str = ""
    # Which measures the charts show: organisations and/or members (total).
    charts: list[str] = field(default_factory=lambda: ["organisations", "total"])

    def chart(self, measure: str) -> "Chart":
        return Chart(
            title=f"{self.title}: {MEASURES[measure]}",
            caption=str(MEASURES[measure]).capitalize(),
            bars=[(line.label, getattr(line, measure)) for line in self.lines],
        )


MEASURES = {
    "organisations": _("organisations"),
    "total": _("members"),
    "women": _("women members"),
    "men": _("men members"),
}


def _coordinate(value: float) -> str:
    """A number for an SVG attribute: always with a dot, whatever the page's language."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass
class Chart:
    """A horizontal bar chart, drawn by templates/public/stats/bar_chart.svg as inline SVG.

    Drawn for a phone: 340 units wide, shown at that many CSS pixels at most (narrower on a
    phone's 330 px column, never wider), so the 14 px labels stay about as large on screen.
    Each bar has its label above it, wrapped on two lines at most; a longer label is cut with
    an ellipsis and its whole text is in the bar's <title>.
    """

    title: str
    bars: list[tuple[str, int]]
    caption: str = ""
    width: int = 340
    bar_height: int = 14
    line_height: int = 17  # of a label line, with font-size 14px (static/css/site.css)
    gap: int = 10  # below each bar
    label_chars: int = 40  # characters on a label line (about 8 px each)
    label_lines: int = 2

    def _label_lines(self, label: str) -> list[str]:
        lines = textwrap.wrap(label, self.label_chars) or [""]
        if len(lines) > self.label_lines:
            lines = lines[: self.label_lines]
            lines[-1] = lines[-1][: self.label_chars - 1].rstrip() + "…"
        return lines

    @property
    def drawn(self) -> list[dict[str, Any]]:
        return self._layout[0]

    @property
    def height(self) -> int:
        return self._layout[1]

    @cached_property
    def _layout(self) -> tuple[list[dict[str, Any]], int]:
        """The bars with their coordinates, and the height they take."""
        top = max((value for _, value in self.bars), default=0) or 1
        # Room for the value right of the longest bar: digits and their group separators.
        digits = len(str(top))
        room = self.width - 12 - 8.5 * (digits + (digits - 1) // 3)
        rows: list[dict[str, Any]] = []
        y = 0.0
        for label, value in self.bars:
            lines = self._label_lines(label)
            texts = [
                {"text": text, "y": _coordinate(y + (n + 1) * self.line_height - 4)}
                for n, text in enumerate(lines)
            ]
            y += len(lines) * self.line_height + 2
            width = max(room * value / top, 1 if value else 0)
            rows.append(
                {
                    "label": label,
                    "value": value,
                    "lines": texts,
                    "y": _coordinate(y),
                    "width": _coordinate(width),
                    "value_x": _coordinate(width + 6),
                    "value_y": _coordinate(y + self.bar_height - 2),
                }
            )
            y += self.bar_height + self.gap
        return rows, max(1, round(y))


def _lines(
    rows: Iterable[Mapping[str, Any]], label_of: Callable[[Mapping[str, Any]], object]
) -> list[Line]:
    return [
        Line(
            label=str(label_of(row)),
            organisations=row["organisations"],
            women=row["women"],
            men=row["men"],
            total=row["total"],
        )
        for row in rows
    ]


def _figure_lines(
    figures: Mapping[Any, Figures], labels: Iterable[tuple[Any, object]]
) -> list[Line]:
    """Lines of `figures_by` groups, for the (value, label) pairs given, in their order."""
    return [
        Line(str(label), f.organisations, f.women, f.men, f.total)
        for value, label in labels
        if (f := figures.get(value)) is not None
    ]


def _by(queryset: QuerySet[Affiliate] | None, field: str) -> dict[Any, Figures]:
    """figures_by's groups; of all public affiliates (None) from the counts the database keeps."""
    if queryset is None:
        return kept_figures_by(f"{field}_id" if field == "region" else field)[1]
    return figures_by(queryset, field)[1]


def by_region(queryset: QuerySet[Affiliate] | None) -> Figure:
    figures = _by(queryset, "region")
    regions = Region.objects.values_list("pk", "name")  # in the regions' display order
    return Figure("regions", str(_("By regional network")), _figure_lines(figures, regions))


def by_type(queryset: QuerySet[Affiliate] | None) -> Figure:
    figures = _by(queryset, "organisation_type")
    return Figure(
        "types",
        str(_("By type of organisation")),
        _figure_lines(figures, OrganisationType.choices),
    )


def by_category(queryset: QuerySet[Affiliate] | None) -> Figure:
    if queryset is None:
        piece = kept_figures_by("has_piece_rate_workers")[1].get(True)
        self_employed = kept_figures_by("has_self_employed_workers")[1].get(True)
        row = {
            f"{prefix}_{measure}": getattr(figures, measure) if figures else 0
            for prefix, figures in (("piece", piece), ("self", self_employed))
            for measure in ("organisations", "women", "men", "total")
        }
    else:
        row = _category_row(queryset)
    lines = [
        Line(
            label=str(label),
            organisations=row[f"{prefix}_organisations"],
            women=row[f"{prefix}_women"],
            men=row[f"{prefix}_men"],
            total=row[f"{prefix}_total"],
        )
        for prefix, label in (
            ("piece", _("Sub-contracted (piece-rate) workers")),
            ("self", _("Self-employed workers")),
        )
    ]
    return Figure(
        "categories",
        str(_("By worker category")),
        lines,
        note=str(_("An organisation with both kinds of members counts in both rows.")),
    )


def _category_row(queryset: QuerySet[Affiliate]) -> dict[str, int]:
    return queryset.aggregate(
        **{
            f"{prefix}_{measure}": aggregate
            for prefix, condition in (
                ("piece", Q(has_piece_rate_workers=True)),
                ("self", Q(has_self_employed_workers=True)),
            )
            for measure, aggregate in membership_sums(condition).items()
        }
    )


def by_gender(queryset: QuerySet[Affiliate] | None) -> Figure:
    if queryset is None:
        row = asdict(kept_figures_by("region_id")[0])
    else:
        row = queryset.aggregate(**membership_sums())
    unspecified = row["total"] - row["women"] - row["men"]
    lines = [
        Line(str(_("Women")), row["organisations"], row["women"], 0, row["women"]),
        Line(str(_("Men")), row["organisations"], 0, row["men"], row["men"]),
        Line(str(_("Not specified")), row["organisations"], 0, 0, unspecified),
    ]
    return Figure(
        "gender",
        str(_("Members by gender")),
        lines,
        note=str(_("Totals may count members whose gender the organisation did not declare.")),
        charts=["total"],
    )


def by_year(queryset: QuerySet[Affiliate] | None) -> Figure:
    if queryset is None:
        # Of all public affiliates: the years the database keeps (a row a year).
        rows: Iterable[Mapping[str, Any]] = (
            YearCount.objects.filter(organisations__gt=0)
            .order_by("year")
            .values("year", "organisations", "women", "men", "total")
        )
    else:
        rows = _declared_by_year(queryset)
    return Figure(
        "years",
        str(_("Declared membership over the years")),
        _lines(rows, lambda r: r["year"]),
        note=str(
            _(
                "Each year sums the declarations made for it by today's organisations; "
                "an organisation that did not declare for a year is not counted in it."
            )
        ),
    )


def _declared_by_year(queryset: QuerySet[Affiliate]) -> QuerySet[MembershipDeclaration, Any]:
    return (
        MembershipDeclaration.objects.filter(affiliate__in=queryset.order_by().values("pk"))
        .order_by()
        .values("year")
        .annotate(
            organisations=Count("affiliate", distinct=True),
            women=Coalesce(Sum("women"), 0),
            men=Coalesce(Sum("men"), 0),
            total=Coalesce(Sum("total"), 0),
        )
        .order_by("year")
    )


_BUILDERS: dict[str, Callable[[QuerySet[Affiliate] | None], Figure]] = {
    "regions": by_region,
    "types": by_type,
    "categories": by_category,
    "gender": by_gender,
    "years": by_year,
}


def figure(key: str, queryset: QuerySet[Affiliate] | None = None) -> Figure:
    """The figure `key` of `queryset`; None: of all public affiliates (from the kept counts)."""
    return _BUILDERS[key](queryset)


def all_figures(queryset: QuerySet[Affiliate] | None = None) -> list[Figure]:
    return [figure(key, queryset) for key in FIGURES]


# Staff dashboard -------------------------------------------------------------------------------


def by_status() -> list[Line]:
    rows = Affiliate.objects.order_by().values("status").annotate(**membership_sums())
    by_value: dict[str, Mapping[str, Any]] = {row["status"]: row for row in rows}
    labels = dict(Status.choices)
    return [
        Line(
            label=str(labels[value]),
            organisations=by_value.get(value, {}).get("organisations", 0),
            women=by_value.get(value, {}).get("women", 0),
            men=by_value.get(value, {}).get("men", 0),
            total=by_value.get(value, {}).get("total", 0),
        )
        for value in Status.values
    ]


@dataclass(frozen=True)
class DecisionTimes:
    step: str
    decisions: int
    median_days: float | None
    mean_days: float | None


DECISION_WINDOW = dt.timedelta(days=730)


def decision_times(now: dt.datetime | None = None) -> list[DecisionTimes]:
    """How long the steps of an application took, for steps taken in the last two years.

    From the StatusChange log: application to the region's recommendation, and application
    to the decision (affiliated or rejected).
    """
    now = now or timezone.now()
    recent = StatusChange.objects.filter(
        affiliate__in=StatusChange.objects.filter(
            created_at__gte=now - DECISION_WINDOW,
            to_status__in=[Status.RECOMMENDED, Status.AFFILIATED, Status.REJECTED],
        ).values("affiliate")
    ).order_by("affiliate", "created_at", "pk")
    applied: dict[int, dt.datetime] = {}
    durations: dict[str, list[float]] = {"recommended": [], "decided": []}
    seen: set[tuple[int, str]] = set()
    for affiliate_id, to_status, at in recent.values_list("affiliate", "to_status", "created_at"):
        if to_status == Status.APPLIED:
            applied.setdefault(affiliate_id, at)
            continue
        step = "recommended" if to_status == Status.RECOMMENDED else "decided"
        if to_status not in (Status.RECOMMENDED, Status.AFFILIATED, Status.REJECTED):
            continue
        if affiliate_id in applied and (affiliate_id, step) not in seen:
            seen.add((affiliate_id, step))
            durations[step].append((at - applied[affiliate_id]).total_seconds() / 86400)
    labels = {
        "recommended": str(_("Application to the region's recommendation")),
        "decided": str(_("Application to the decision (affiliated or rejected)")),
    }
    return [
        DecisionTimes(
            step=labels[step],
            decisions=len(values),
            median_days=round(statistics.median(values), 1) if values else None,
            mean_days=round(statistics.fmean(values), 1) if values else None,
        )
        for step, values in durations.items()
    ]


def missing_declarations(year: int | None = None) -> QuerySet[Affiliate]:
    """The members that owe a declaration for `year` (by default the one due now), as the
    workspace counts them (AffiliateQuerySet.missing_declaration)."""
    year = year or declaration_due_year()
    return (
        Affiliate.objects.missing_declaration(year)
        .select_related("region")
        .order_by("region__display_order", "name")
    )
