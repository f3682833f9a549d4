"""Reads of affiliates shared by pages, exports and the API."""

import hashlib
import time
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .history import (
    Action,
    Change,
    acting_users,
    events_of,
    history_changes,
    object_actions,
    read_actions,
)
from .models import Affiliate, AffiliateQuerySet, MembershipDeclaration, Status

# A number changed after every committed write that public pages show; cached entries carry
# the number they were computed under, so a write makes them all stale at once.
GENERATION_KEY = "public:generation"


def public_cache_bump() -> None:
    """Make every cached public read stale. Call it after commit (transaction.on_commit)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (never set, evicted): a fresh number that no entry still in the cache carries.
        cache.set(GENERATION_KEY, time.time_ns(), None)


def cached(kind: str, key, compute):
    """`compute()`, kept in the cache for DIRECTORY_CACHE_SECONDS (0: not cached).

    For public pages' counts and ids over the whole registry, which cost a pass over many
    rows. What carries translated labels (the statistics) has the language in its key.
    An entry serves only while no write has bumped the generation (public_cache_bump) since
    it was computed, so a change shows on the next request, not after the timeout.
    """
    seconds = settings.DIRECTORY_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    # v2: entries carry their generation; the version keeps older entries from being read.
    cache_key = f"public:v2:{kind}:{digest}"
    found = cache.get_many([GENERATION_KEY, cache_key])  # one round trip for both
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = cache.get_or_set(GENERATION_KEY, time.time_ns, None)
    entry = found.get(cache_key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    # The generation was read before computing: a write committed meanwhile bumps it, so this
    # entry, perhaps computed from the old rows, is never served.
    value = compute()
    cache.set(cache_key, (generation, value), seconds)
    return value


@dataclass(frozen=True)
class Figures:
    organisations: int
    countries: int
    women: int
    men: int
    total: int


def public_figures(queryset=None) -> Figures:
    """Headline figures of the public registry, computed in one query."""
    queryset = Affiliate.objects.public() if queryset is None else queryset
    row = queryset.aggregate(countries=Count("country", distinct=True), **membership_sums())
    return Figures(**row)


def membership_sums(condition: Q | None = None) -> dict:
    """The aggregates every figure is made of: organisations, and members women, men, total.

    `condition` counts only the affiliates matching it (one pass, several figures).
    """
    return {
        "organisations": Count("pk", filter=condition),
        "women": Coalesce(Sum("members_women", filter=condition), 0),
        "men": Coalesce(Sum("members_men", filter=condition), 0),
        "total": Coalesce(Sum("members_total", filter=condition), 0),
    }


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: object
    kind: str  # "+" created, "~" changed, "-" deleted, "=" the earliest state on record
    changes: list[Change]


def affiliate_change_history(affiliate: Affiliate, *, limit: int = 50) -> list[HistoryEntry]:
    """Who changed which field of an affiliate, when: newest first, at most `limit` entries.

    A fixed number of queries whatever the length of the history (see affiliates.history): the
    events, the acting users, and the names of what changed references point to.
    """
    actions, previous = object_actions(Affiliate, affiliate.pk, limit)
    changes = history_changes({Affiliate: actions}, previous={Affiliate: previous}, initial=False)
    users = acting_users(actions)
    entries = []
    for action in actions:
        kind = action.kind
        has_previous = previous[action.last.pgh_id] is not None
        if not has_previous and kind == "~":
            kind = "="  # a baseline: the record existed before its history began
        recorded = changes[action.key]
        if has_previous and not recorded and kind == "~":
            continue  # a save that changed nothing a reader cares about
        entries.append(
            HistoryEntry(
                when=action.when,
                who=users.get(action.user_id) if kind != "=" else None,
                kind=kind,
                changes=recorded,
            )
        )
    return entries


def affiliate_last_changed_by(affiliate: Affiliate):
    """Who last changed the affiliate, as its history says (None when nobody is named)."""
    event = events_of(Affiliate).objects.filter(pgh_obj_id=affiliate.pk).order_by("-pgh_id")[:1]
    actions = [Action(Affiliate, first=e, last=e) for e in event]
    return acting_users(actions).get(actions[0].user_id) if actions else None


def declaration_due_year() -> int:
    """The year whose declarations are due now: last year, in the site's time zone."""
    return timezone.localdate().year - 1


def declaring_affiliates(user, region) -> AffiliateQuerySet:
    """The region's members that declare their membership, as this user may see them."""
    return Affiliate.objects.visible_to(user).in_region(region).declaring().order_by("name", "pk")


def declared_figures(year: int, affiliates) -> dict[int, tuple[int, int, int]]:
    """(women, men, total) declared for `year`, by affiliate id; `affiliates`: ids or a queryset."""
    rows = MembershipDeclaration.objects.filter(year=year, affiliate__in=affiliates)
    return {
        pk: (w, m, t) for pk, w, m, t in rows.values_list("affiliate_id", "women", "men", "total")
    }


@dataclass(frozen=True)
class LatestChange:
    when: object
    kind: str  # "+" created, "~" changed, "-" deleted
    who: object
    name: str
    slug: str


@dataclass(frozen=True)
class Overview:
    by_status: list[tuple[str, str, int]]  # (status, label, count) in workflow order
    waiting: int
    waiting_status: str
    missing_year: int
    missing_count: int
    missing: list[Affiliate]
    latest_changes: list[LatestChange]


def workspace_overview(
    user, affiliates: AffiliateQuerySet, *, region_ids: list[int], missing_shown: int = 10
) -> Overview:
    """What a coordinator (or staff) needs first: counts, work waiting, gaps, recent changes.

    `affiliates` is already scoped to the user (visible_to) and the chosen region(s).
    """
    counts = dict(affiliates.order_by().values_list("status").annotate(n=Count("pk")))
    by_status = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    # Staff decide on what regions recommend; coordinators review fresh applications.
    waiting_status = Status.RECOMMENDED if user.is_staff else Status.APPLIED
    missing_year = declaration_due_year()
    missing_qs = affiliates.missing_declaration(missing_year)
    missing = list(missing_qs.order_by("name")[: missing_shown + 1])
    missing_count = len(missing) if len(missing) <= missing_shown else missing_qs.count()
    latest = events_of(Affiliate).objects.filter(region_id__in=region_ids)
    actions = read_actions(Affiliate, latest, 30)[0][:10]
    users = acting_users(actions)
    return Overview(
        by_status=by_status,
        waiting=counts.get(waiting_status, 0),
        waiting_status=waiting_status,
        missing_year=missing_year,
        missing_count=missing_count,
        missing=missing[:missing_shown],
        latest_changes=[
            LatestChange(
                when=a.when,
                kind=a.kind,
                who=users.get(a.user_id),
                name=a.last.name,
                slug=a.last.slug,
            )
            for a in actions
        ],
    )


def figures_by(queryset, field: str) -> tuple[Figures, dict]:
    """The queryset's figures in all and for each value of `field`, from one query.

    The one grouping behind the figures by region and by type on the home page, the regions'
    pages and /stats/. Rows are grouped by value and country, so that a country is counted
    once in all even when its affiliates fall in two groups (an affiliate stays in the region
    it joined through when its country moves to another): the figures in all are those of
    `public_figures()` on the same queryset.
    """
    rows = queryset.order_by().values_list(field, "country").annotate(**membership_sums())
    sums: dict = {}
    countries: dict = {}
    for value, country, *numbers in rows:
        sums[value] = [a + b for a, b in zip(sums.get(value, (0, 0, 0, 0)), numbers, strict=True)]
        countries.setdefault(value, set()).add(country)

    def figures(numbers, country_set) -> Figures:
        organisations, women, men, total = numbers
        return Figures(organisations, len(country_set), women, men, total)

    groups = {value: figures(sums[value], countries[value]) for value in sums}
    overall = figures(
        [sum(column) for column in zip(*sums.values(), strict=True)] if sums else (0, 0, 0, 0),
        set().union(*countries.values()),
    )
    return overall, groups


def public_figures_by_region() -> tuple[Figures, dict[int, Figures]]:
    """The network's figures and each region's, from one pass over public affiliates."""
    return figures_by(Affiliate.objects.public(), "region")


def public_figures_by_type(queryset) -> list[dict]:
    """Organisations and members per type of organisation, largest first."""
    rows = [
        {"organisation_type": value, **asdict(figures)}
        for value, figures in figures_by(queryset, "organisation_type")[1].items()
    ]
    return sorted(rows, key=lambda row: (-row["organisations"], row["organisation_type"]))


def public_countries(queryset) -> dict[str, int]:
    """Number of public affiliates per country code."""
    rows = queryset.order_by().values("country").annotate(organisations=Count("pk"))
    return {row["country"]: row["organisations"] for row in rows}
