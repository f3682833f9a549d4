"""Reads of the audit trail: recent changes across the registry, with field-by-field diffs.

The history lives in django-simple-history's tables, one per audited model. A page of recent
changes merges the newest rows of each table (a bounded number of queries per page, whatever
the page size), then finds each row's predecessor in one query per table to diff against.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from affiliates.models import Affiliate, MembershipDeclaration
from regions.models import CoordinatorAssignment, Region, RegionCountry

AUDITED = [Affiliate, MembershipDeclaration, Region, RegionCountry, CoordinatorAssignment]
# Bookkeeping that changes with every save and says nothing by itself.
NOT_DIFFED = {"updated_at", "name_key", "history_id", "history_date", "history_type"}
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
PAGE_SIZE = 50
MAX_PAGES = 200


@dataclass
class Change:
    field: str
    old: str
    new: str


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


def _display(record, model_field, region_names) -> str:
    value = getattr(record, model_field.attname)
    if value is None or value == "":
        return "–"
    if model_field.attname == "region_id":
        return region_names.get(value, str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _sectors_of(records) -> dict[int, list[str]]:
    """Sector names kept with each historical affiliate row: one query for a page."""
    m2m_history = apps.get_model("affiliates", "HistoricalAffiliate_sectors")
    names: dict[int, list[str]] = {}
    rows = m2m_history.objects.filter(history_id__in=[r.history_id for r in records if r])
    for history_id, name in rows.values_list("history_id", "sector__name"):
        names.setdefault(history_id, []).append(name)
    return {key: sorted(value) for key, value in names.items()}


def _diff(model, record, previous, region_names, sectors_of) -> list[Change]:
    changes = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in NOT_DIFFED or model_field.attname not in record.__dict__:
            continue
        old = _display(previous, model_field, region_names) if previous else "–"
        new = _display(record, model_field, region_names)
        if previous is not None and getattr(previous, model_field.attname) == getattr(
            record, model_field.attname
        ):
            continue
        if previous is None and new == "–":
            continue
        changes.append(Change(str(model_field.verbose_name), old, new))
    if model is Affiliate:
        new = sectors_of.get(record.history_id, [])
        old = sectors_of.get(previous.history_id, []) if previous else []
        if new != old:
            changes.append(Change(str(_("sectors")), ", ".join(old) or "–", ", ".join(new)))
    return changes


def _previous_records(model, records) -> dict[int, object]:
    """Each record's predecessor in its object's history: one query for the whole page."""
    if not records:
        return {}
    history = model.history.model.objects.filter(
        id__in={r.id for r in records},
        history_date__lte=max(r.history_date for r in records),
    ).order_by("id", "history_date", "history_id")
    by_object: dict[int, list] = {}
    for row in history:
        by_object.setdefault(row.id, []).append(row)
    previous = {}
    for record in records:
        before = None
        for row in by_object.get(record.id, []):
            if row.history_id == record.history_id:
                break
            before = row
        previous[record.history_id] = before
    return previous


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
    region_names = dict(Region.objects.values_list("pk", "name"))
    entries = []
    for model in AUDITED:
        records = [record for _, m, record in shown if m is model]
        previous = _previous_records(model, records)
        sectors_of = (
            _sectors_of(records + list(previous.values())) if model is Affiliate and records else {}
        )
        for record in records:
            entries.append(
                Entry(
                    when=record.history_date,
                    who=record.history_user,
                    kind=str(model._meta.verbose_name),
                    label=_label(model, record),
                    action=str(ACTIONS.get(record.history_type, record.history_type)),
                    reason=record.history_change_reason or "",
                    history_url=_history_url(model, record),
                    changes=_diff(
                        model, record, previous[record.history_id], region_names, sectors_of
                    ),
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return ChangesPage(
        entries=entries,
        number=page,
        total=total,
        has_next=total > wanted and page < MAX_PAGES,
    )
