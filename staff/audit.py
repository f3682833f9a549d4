"""Reads of the audit trail: recent changes across the registry, with field-by-field diffs.

The history lives in django-simple-history's tables, one per audited model. A page of recent
changes merges the newest rows of each table (a bounded number of queries per page, whatever
the page size), then diffs them with affiliates.history, as the workspace's affiliate page does.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from affiliates.history import Change, history_changes
from affiliates.models import Affiliate, MembershipDeclaration
from regions.models import CoordinatorAssignment, Region, RegionCountry

AUDITED = [Affiliate, MembershipDeclaration, Region, RegionCountry, CoordinatorAssignment]
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
PAGE_SIZE = 50
MAX_PAGES = 200


@dataclass
class Entry:
    when: dt.datetime
    who: object
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


def _filtered(model, *, user=None, region=None, since=None, until=None):
    history = model.history.model.objects.select_related("history_user")
    if model is MembershipDeclaration:
        history = history.select_related("affiliate")
    if model is CoordinatorAssignment:
        history = history.select_related("user", "region")
    if model is RegionCountry:
        history = history.select_related("region")
    if user is not None:
        history = history.filter(history_user=user)
    if region is not None:
        if model is Affiliate:
            history = history.filter(region_id=region.pk)
        elif model is MembershipDeclaration:
            history = history.filter(
                affiliate_id__in=Affiliate.objects.filter(region=region).values("pk")
            )
        elif model is Region:
            history = history.filter(id=region.pk)
        else:
            history = history.filter(region_id=region.pk)
    if since is not None:
        history = history.filter(history_date__date__gte=since)
    if until is not None:
        history = history.filter(history_date__date__lte=until)
    return history


def _label(model, record) -> str:
    if model is MembershipDeclaration:
        name = record.affiliate.name if record.affiliate else f"#{record.affiliate_id}"
        return f"{name} {record.year}"
    if model is RegionCountry:
        return f"{record.country.name} – {record.region}"
    if model is CoordinatorAssignment:
        return f"{record.user} – {record.region}"
    return str(record.name)


def _history_url(model, record) -> str:
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[record.id])
    except NoReverseMatch:  # RegionCountry is edited inline, under its region
        return reverse("admin:regions_region_history", args=[record.region_id])


def recent_changes(*, page: int = 1, user=None, region=None, since=None, until=None) -> ChangesPage:
    page = max(1, min(page, MAX_PAGES))
    wanted = page * PAGE_SIZE
    rows = []
    total = 0
    for model in AUDITED:
        history = _filtered(model, user=user, region=region, since=since, until=until)
        total += history.count()
        newest = history.order_by("-history_date", "-history_id")[:wanted]
        rows.extend((record.history_date, model, record) for record in newest)
    rows.sort(key=lambda item: item[0], reverse=True)
    shown = rows[(page - 1) * PAGE_SIZE : wanted]
    changes = history_changes(
        {model: [record for _, m, record in shown if m is model] for model in AUDITED}
    )
    entries = [
        Entry(
            when=record.history_date,
            who=record.history_user,
            kind=str(model._meta.verbose_name),
            label=_label(model, record),
            action=str(ACTIONS.get(record.history_type, record.history_type)),
            reason=record.history_change_reason or "",
            history_url=_history_url(model, record),
            changes=changes[(model, record.history_id)],
        )
        for _, model, record in shown
    ]
    return ChangesPage(
        entries=entries,
        number=page,
        total=total,
        has_next=total > wanted and page < MAX_PAGES,
    )
