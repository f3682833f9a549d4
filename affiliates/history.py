"""What changed, field by field, between the historical versions of audited records.

The one implementation behind every page that shows changes: an affiliate's page in the
workspace and the staff's recent changes across the registry. django-simple-history keeps one
table per audited model (and one per many-to-many field); a page of records is diffed in a
bounded number of queries whatever its length: one for the records' predecessors (none when
the caller has them), one per many-to-many field, and one per kind of object the changed
references point to, to name them.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries.fields import CountryField

# Bookkeeping that changes with every save, or never, and says nothing by itself.
NOT_DIFFED = {"id", "updated_at", "name_key"}


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def predecessors(model: type[Model], records: Sequence) -> dict[int, object | None]:
    """Each historical record's predecessor in its object's history, by history_id.

    One query for all the records, whatever objects they belong to.
    """
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


def _m2m_values(model: type[Model], records: Sequence) -> dict[Field, dict[int, tuple]]:
    """For each many-to-many field kept in the history: the related ids of each record."""
    historical = model.history.model
    values: dict[Field, dict[int, tuple]] = {}
    for field in getattr(historical, "_history_m2m_fields", []):
        rows = apps.get_model(historical._meta.app_label, f"{historical.__name__}_{field.name}")
        target = f"{field.m2m_reverse_field_name()}_id"
        by_record: dict[int, list] = defaultdict(list)
        for history_id, pk in rows.objects.filter(
            history_id__in={r.history_id for r in records}
        ).values_list("history_id", target):
            by_record[history_id].append(pk)
        values[field] = {key: tuple(sorted(pks)) for key, pks in by_record.items()}
    return values


def _is_empty(value) -> bool:
    return value is None or value == "" or value == ()


def history_changes(
    groups: Mapping[type[Model], Sequence],
    *,
    previous: Mapping[type[Model], Mapping[int, object | None]] | None = None,
    initial: bool = True,
) -> dict[tuple[type[Model], int], list[Change]]:
    """The changes each historical record made, keyed by (model, history_id).

    `groups` holds each model's records. `previous`, when the caller already has them, gives
    each record's predecessor (by history_id) and saves the query that finds them. A record
    with no predecessor lists the values it started with, or nothing if `initial` is False.
    """
    pending: dict[tuple[type[Model], int], list[tuple[Field, object, object]]] = {}
    referenced: dict[type[Model], set] = defaultdict(set)
    for model, records in groups.items():
        if not records:
            continue
        before = (previous or {}).get(model)
        if before is None:
            before = predecessors(model, records)
        compared = [r for r in records if initial or before.get(r.history_id) is not None]
        priors = [before[r.history_id] for r in compared if before.get(r.history_id)]
        related = _m2m_values(model, [*compared, *priors])
        # Fields left out of the history (derived ones) are not on the historical model.
        kept = {f.attname for f in model.history.model._meta.concrete_fields}
        fields = [
            f for f in model._meta.concrete_fields if f.name not in NOT_DIFFED and f.attname in kept
        ]
        compared_ids = {r.history_id for r in compared}
        for record in records:
            prior = before.get(record.history_id)
            diffs: list[tuple[Field, object, object]] = []
            pending[(model, record.history_id)] = diffs
            if record.history_id not in compared_ids:
                continue
            pairs = [
                (f, getattr(prior, f.attname) if prior else None, getattr(record, f.attname))
                for f in fields
            ]
            pairs += [
                (
                    f,
                    values.get(prior.history_id, ()) if prior else (),
                    values.get(record.history_id, ()),
                )
                for f, values in related.items()
            ]
            for field, old, new in pairs:
                if old == new or (prior is None and _is_empty(new)):
                    continue
                if field.is_relation:
                    ids = (*old, *new) if field.many_to_many else (old, new)
                    referenced[field.related_model].update(pk for pk in ids if pk is not None)
                diffs.append((field, old, new))
    names = {
        related: {pk: str(obj) for pk, obj in related._base_manager.in_bulk(ids).items()}
        for related, ids in referenced.items()
    }
    return {
        key: [
            Change(
                str(field.verbose_name), _display(field, old, names), _display(field, new, names)
            )
            for field, old, new in diffs
        ]
        for key, diffs in pending.items()
    }


def _display(field: Field, value, names: Mapping[type[Model], Mapping]) -> str:
    if field.many_to_many:
        known = names.get(field.related_model, {})
        labels = sorted(known.get(pk) or _("deleted (#%(id)s)") % {"id": pk} for pk in value)
        return ", ".join(labels) or "–"
    if _is_empty(value):
        return "–"
    if field.is_relation:
        return names.get(field.related_model, {}).get(value) or f"#{value}"
    if isinstance(field, CountryField):
        return str(getattr(value, "name", value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)
