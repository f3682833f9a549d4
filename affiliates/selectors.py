"""Reads of affiliates shared by pages, exports and the API."""

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Aggregate, Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from affiliates.access import affiliates_visible_to
from affiliates.choices import Status
from affiliates.models import Affiliate, AffiliateQuerySet, FacetCount, MembershipDeclaration
from affiliates.rules import stale_before
from regions.models import Region


@dataclass(frozen=True)
class Figures:
    organisations: int
    countries: int
    women: int
    men: int
    total: int


def public_figures(queryset: QuerySet[Affiliate] | None = None) -> Figures:
    """Headline figures of the public registry (of `queryset`), computed in one query."""
    if queryset is None:
        return kept_figures_by("region_id")[0]
    row = queryset.aggregate(countries=Count("country", distinct=True), **membership_sums())
    return Figures(**row)


def membership_sums(condition: Q | None = None) -> dict[str, Aggregate | Coalesce]:
    """The aggregates every figure is made of: organisations, and members women, men, total.

    `condition` counts only the affiliates matching it (one pass, several figures).
    """
    return {
        "organisations": Count("pk", filter=condition),
        "women": Coalesce(Sum("members_women", filter=condition), 0),
        "men": Coalesce(Sum("members_men", filter=condition), 0),
        "total": Coalesce(Sum("members_total", filter=condition), 0),
    }


def declaring_affiliates(
    user: AbstractBaseUser | AnonymousUser, region: Region
) -> AffiliateQuerySet:
    """The region's members that declare their membership, as this user may see them."""
    return affiliates_visible_to(user).in_region(region).declaring().order_by("name", "pk")


def declared_figures(
    year: int, affiliates: Iterable[int] | QuerySet[Affiliate, Any]
) -> dict[int, tuple[int, int, int]]:
    """(women, men, total) declared for `year`, by affiliate id; `affiliates`: ids or a queryset."""
    rows = MembershipDeclaration.objects.filter(year=year, affiliate__in=affiliates)
    return {
        pk: (w, m, t) for pk, w, m, t in rows.values_list("affiliate_id", "women", "men", "total")
    }


def figures_by(queryset: QuerySet[Affiliate], field: str) -> tuple[Figures, dict[Any, Figures]]:
    """The queryset's figures in all and for each value of `field`, from one query.

    The one grouping behind the figures by region and by type on the home page, the regions'
    pages and /stats/. Rows are grouped by value and country, so that a country is counted
    once in all even when its affiliates fall in two groups (an affiliate stays in the region
    it joined through when its country moves to another): the figures in all are those of
    `public_figures()` on the same queryset.
    """
    rows = queryset.order_by().values_list(field, "country").annotate(**membership_sums())
    return _figures_of_rows(rows)


def kept_figures_by(field: str, **filters: Any) -> tuple[Figures, dict[Any, Figures]]:
    """`figures_by(Affiliate.objects.public().filter(**filters), field)`, from the counts the
    database keeps (FacetCount: a few thousand rows, however many affiliates there are).

    `field` and `filters` name FacetCount's columns: region_id, country, organisation_type,
    has_piece_rate_workers, has_self_employed_workers.
    """
    rows = (
        FacetCount.objects.filter(sector_id=0, organisations__gt=0, **filters)
        .order_by()
        .values_list(field, "country")
        .annotate(
            organisations=Sum("organisations"),
            women=Sum("women"),
            men=Sum("men"),
            total=Sum("total"),
        )
    )
    return _figures_of_rows(rows)


def _figures_of_rows(rows: Iterable[Sequence[Any]]) -> tuple[Figures, dict[Any, Figures]]:
    """Rows of (value, country, organisations, women, men, total) summed by value and in all."""
    sums: dict[Any, Sequence[int]] = {}
    countries: dict[Any, set[str]] = {}
    for value, country, *numbers in rows:
        numbers = [int(n) for n in numbers]
        sums[value] = [a + b for a, b in zip(sums.get(value, (0, 0, 0, 0)), numbers, strict=True)]
        countries.setdefault(value, set()).add(country)

    def figures(numbers: Sequence[int], country_set: set[str]) -> Figures:
        organisations, women, men, total = numbers
        return Figures(organisations, len(country_set), women, men, total)

    groups = {value: figures(sums[value], countries[value]) for value in sums}
    overall = figures(
        [sum(column) for column in zip(*sums.values(), strict=True)] if sums else (0, 0, 0, 0),
        set().union(*countries.values()),
    )
    return overall, groups


def public_figures_by_region() -> tuple[Figures, dict[int, Figures]]:
    """The network's figures and each region's, from the counts the database keeps."""
    return kept_figures_by("region_id")


def public_figures_by_type(queryset: QuerySet[Affiliate]) -> list[dict[str, Any]]:
    """Organisations and members per type of organisation, largest first."""
    rows = [
        {"organisation_type": value, **asdict(figures)}
        for value, figures in figures_by(queryset, "organisation_type")[1].items()
    ]
    return sorted(rows, key=lambda row: (-row["organisations"], row["organisation_type"]))


def public_countries() -> dict[str, int]:
    """Number of public affiliates per country code, from the counts the database keeps (the
    home page's map: counting 100,000 affiliates took 40 ms, these few thousand rows 1 ms)."""
    return {code: figures.organisations for code, figures in kept_figures_by("country")[1].items()}


def stale_records(affiliates: AffiliateQuerySet, shown: int) -> tuple[list[Affiliate], int]:
    """The first `shown` stale records of `affiliates` (never confirmed, then the oldest), and
    how many there are in all: one query when they are few, two otherwise."""
    stale = affiliates.stale(stale_before()).select_related("region")
    first = list(
        stale.order_by(F("details_confirmed_on").asc(nulls_first=True), "name", "pk")[: shown + 1]
    )
    count = len(first) if len(first) <= shown else stale.count()
    return first[:shown], count


# Applications still to be decided: a region recommends an applied one, staff decide a
# recommended one.
OPEN_STATUSES = (Status.APPLIED, Status.RECOMMENDED)


def open_applications(user: AbstractBaseUser | AnonymousUser) -> AffiliateQuerySet:
    """The applications waiting for a decision that this reviewer may see, oldest step first.

    What the reviewers' queue shows by default and the API's /applications/ lists.
    """
    return (
        affiliates_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("region")
        .order_by("status_changed_at", "pk")
    )


def region_figures(
    region_id: int,
) -> tuple[Figures, dict[str, int], list[dict[str, Any]]]:
    """A region's public figures, its affiliates by country, and its figures by type (as
    public_figures_by_type), from the counts the database keeps."""
    overall, by_type = kept_figures_by("organisation_type", region_id=region_id)
    by_country = kept_figures_by("country", region_id=region_id)[1]
    rows = [{"organisation_type": value, **asdict(f)} for value, f in by_type.items()]
    return (
        overall,
        {code: f.organisations for code, f in by_country.items()},
        sorted(rows, key=lambda row: (-row["organisations"], row["organisation_type"])),
    )
