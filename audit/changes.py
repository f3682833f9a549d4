"""Reads of the audit trail: recent changes across the registry, with field-by-field diffs.

The history lives in pghistory's event tables, one per audited model. A page of recent
changes merges the newest events of each table (a bounded number of queries per page, whatever
the page size), then diffs them with audit.history, as the workspace's affiliate page does.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from affiliates.models import Affiliate, MembershipDeclaration
from audit.history import (
    Action,
    Change,
    Event,
    acting_users,
    events_of,
    history_changes,
    predecessors,
    read_actions,
    shown_kind,
)
from regions.models import CoordinatorAssignment, Region, RegionCountry

AUDITED: list[type[Model]] = [
    Affiliate,
    MembershipDeclaration,
    Region,
    RegionCountry,
    CoordinatorAssignment,
]
ACTIONS = {
    "+": _("created"),
    "~": _("changed"),
    "-": _("deleted"),
    "=": _("recorded as it was when its history began"),
}
PAGE_SIZE = 50
MAX_PAGES = 200


@dataclass
class Entry:
    when: dt.datetime
    who: User | None
    kind: str
    label: str
    action: str
    reason: str
    history_url: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class ChangesPage:
    entries: list[Entry]
    number: int
    total: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _filtered(
    model: type[Model],
    *,
    user: User | None = None,
    region: Region | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Model]:
    events = events_of(model)._default_manager.all()
    if user is not None:
        events = events.filter(pgh_context__user=user.pk)
    if region is not None:
        if model is Affiliate:
            events = events.filter(region_id=region.pk)
        elif model is MembershipDeclaration:
            events = events.filter(
                affiliate_id__in=Affiliate.objects.filter(region=region).values("pk")
            )
        elif model is Region:
            events = events.filter(pgh_obj_id=region.pk)
        else:
            events = events.filter(region_id=region.pk)
    if since is not None:
        events = events.filter(pgh_created_at__date__gte=since)
    if until is not None:
        events = events.filter(pgh_created_at__date__lte=until)
    return events


def _named(shown: list[Action]) -> dict[type[Model], dict[int, str]]:
    """Names of the records the shown events point to, by model: one query per kind.

    Looked up, not joined: the event of a declaration, a country or an assignment outlives
    the affiliate, region or user it named.
    """
    wanted: dict[type[Model], set[int]] = defaultdict(set)
    for action in shown:
        for attname, related in RELATED.get(action.model, ()):
            wanted[related].add(getattr(action.last, attname))
    return {
        related: {pk: str(obj) for pk, obj in related._base_manager.in_bulk(ids).items()}
        for related, ids in wanted.items()
    }


# The references each audited model's label shows: (attribute, model).
RELATED: dict[type[Model], list[tuple[str, type[Model]]]] = {
    MembershipDeclaration: [("affiliate_id", Affiliate)],
    RegionCountry: [("region_id", Region)],
    CoordinatorAssignment: [("user_id", get_user_model()), ("region_id", Region)],
}


def _label(model: type[Model], record: Event, names: dict[type[Model], dict[int, str]]) -> str:
    def name(attname: str, related: type[Model]) -> str:
        pk = getattr(record, attname)
        return names.get(related, {}).get(pk) or f"#{pk}"

    if model is MembershipDeclaration:
        return f"{name('affiliate_id', Affiliate)} {record.year}"
    if model is RegionCountry:
        return f"{record.country.name} – {name('region_id', Region)}"
    if model is CoordinatorAssignment:
        return f"{name('user_id', get_user_model())} – {name('region_id', Region)}"
    return str(record.name)


def _history_url(model: type[Model], record: Event) -> str:
    opts = model._meta
    try:
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.pgh_obj_id]
        )
    except NoReverseMatch:  # RegionCountry is edited inline, under its region
        return reverse("admin:regions_region_history", args=[record.region_id])


def recent_changes(
    *,
    page: int = 1,
    user: User | None = None,
    region: Region | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> ChangesPage:
    page = max(1, min(page, MAX_PAGES))
    wanted = page * PAGE_SIZE
    actions: list[Action] = []
    total, more = 0, False
    for model in AUDITED:
        events = _filtered(model, user=user, region=region, since=since, until=until)
        total += events.count()
        # An action writes one event or a few: twice as many events as actions wanted.
        read, _rows, cut = read_actions(model, events, 2 * wanted)
        actions.extend(read)
        more = more or cut
    actions.sort(key=lambda action: action.when, reverse=True)
    shown = actions[(page - 1) * PAGE_SIZE : wanted]
    groups = {model: [a for a in shown if a.model is model] for model in AUDITED}
    previous = {model: predecessors(model, groups[model]) for model in AUDITED}
    # Only what changed: a creation or a first recorded state reads as one line (its values
    # are on the record's history page), the change after it as what it changed.
    changes = history_changes(groups, previous=previous, initial=False)
    users = acting_users(shown)
    names = _named(shown)
    entries = [
        Entry(
            when=action.when,
            who=action.who(users),
            kind=str(action.model._meta.verbose_name),
            label=_label(action.model, action.last, names),
            action=str(ACTIONS[shown_kind(action, previous[action.model][action.last.pgh_id])]),
            reason=action.reason,
            history_url=_history_url(action.model, action.last),
            changes=changes[action.key],
        )
        for action in shown
    ]
    return ChangesPage(
        entries=entries,
        number=page,
        total=total,
        has_next=(len(actions) > wanted or more) and page < MAX_PAGES,
    )
