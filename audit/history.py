"""What changed, field by field, in the history of audited records.

The one implementation behind every page that shows changes: an affiliate's page in the
workspace, the staff's recent changes and the admin's history pages. The history itself is
written by the database (see core.history): one event table per audited model, one event per
row inserted, changed or deleted, each with the acting user and reason in its context.

Events of one record that one action wrote (the same context: a request, a command, a service)
read as one entry: creating an affiliate and setting its sectors is one "created". A page of
entries is diffed in a bounded number of queries whatever its length: one for the entries'
predecessors (none when the caller has them), one for the acting users, and one per kind of
object that changed references point to, to name them.
"""

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Field, Model, QuerySet
from django.utils.translation import gettext as _
from django_countries.fields import CountryField

from accounts.models import User
from core.zoned import zoned

# Bookkeeping that changes with every save, or never, and says nothing by itself.
NOT_DIFFED = {"id", "updated_at"}
# "baseline": a record's state when its history began (records that had none before).
KINDS = {"insert": "+", "update": "~", "delete": "-", "baseline": "="}


class Event(Protocol):
    """One event row of an audited model (see core.history.tracked).

    pghistory's Event declares only the fields every event has; the tracker adds the tracked
    row's id and the JSON context, and copies the tracked model's fields, which vary by model.
    """

    pgh_id: int
    pgh_created_at: dt.datetime
    pgh_label: str
    pgh_obj_id: int
    pgh_context_id: uuid.UUID | None
    pgh_context: dict[str, Any] | None

    def __getattr__(self, name: str) -> Any: ...  # the tracked model's fields


def as_events(rows: Iterable[Model]) -> list[Event]:
    """Rows of an event model, typed with the fields its tracker added."""
    return cast(list[Event], list(rows))


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class Action:
    """What one action did to one record: one event, or several written in the same context."""

    model: type[Model]
    first: Event  # the earliest event of the action
    last: Event  # the latest: the record as the action left it

    @property
    def key(self) -> tuple[type[Model], int]:
        return (self.model, self.last.pgh_id)

    @property
    def obj_id(self) -> int:
        return self.last.pgh_obj_id

    @property
    def when(self) -> dt.datetime:
        return self.last.pgh_created_at

    @property
    def kind(self) -> str:
        """ "+" created, "-" deleted, "~" changed."""
        if self.last.pgh_label == "delete":
            return "-"
        return KINDS.get(self.first.pgh_label, "~")

    @property
    def user_id(self) -> int | None:
        user: int | None = (self.last.pgh_context or {}).get("user")
        return user

    def who(self, users: Mapping[int, User]) -> User | None:
        """The user the action names, among `users` (see acting_users)."""
        return users.get(self.user_id) if self.user_id is not None else None

    @property
    def reason(self) -> str:
        return str((self.last.pgh_context or {}).get("reason") or "")


def shown_kind(action: Action, prior: Event | None) -> str:
    """The action's kind as pages show it, knowing its predecessor (None: nothing before it).

    A change with nothing on record before it is the record's first recorded state (a
    baseline, "="), as much as a migration's baseline is: the record existed before its
    history began (loaded in bulk before the database kept history), so what the change
    changed is not known, and its values are not news. The next change diffs against it.
    """
    if prior is None and action.kind == "~":
        return "="
    return action.kind


class Tracked(Protocol):
    """A model tracked by pghistory, which gives it its event models when it sets them up."""

    pgh_event_models: dict[str, type[Model]]


def events_of(model: type[Model]) -> type[Model]:
    """The event model that holds `model`'s history (its one manager is its default one)."""
    return cast(Tracked, model).pgh_event_models["insert"]


def group_actions(model: type[Model], events: Iterable[Event]) -> list[Action]:
    """Events newest first, merged where consecutive events of a record share their context."""
    actions: list[Action] = []
    for event in events:
        if actions:
            newer = actions[-1]
            if (
                newer.obj_id == event.pgh_obj_id
                and event.pgh_context_id is not None
                and newer.first.pgh_context_id == event.pgh_context_id
            ):
                actions[-1] = Action(model, first=event, last=newer.last)
                continue
        actions.append(Action(model, first=event, last=event))
    return actions


def read_actions(
    model: type[Model], events: QuerySet[Model], count: int
) -> tuple[list[Action], list[Event], bool]:
    """The actions among the newest `count` events of `events` (a queryset), newest first.

    Returns the actions, the events read (one more than `count` when there are more) and
    whether there are more. An action whose events run past the cut is left out whole, so that
    no page shows half of one.
    """
    rows = as_events(events.order_by("-pgh_id")[: count + 1])
    more = len(rows) > count
    actions = group_actions(model, rows[:count])
    if more and actions:
        oldest, beyond = actions[-1].first, rows[count]
        if (beyond.pgh_obj_id, beyond.pgh_context_id) == (oldest.pgh_obj_id, oldest.pgh_context_id):
            actions.pop()
    return actions, rows, more


def object_actions(
    model: type[Model], obj_id: int | str, limit: int
) -> tuple[list[Action], dict[int, Event | None]]:
    """One record's newest actions (at most `limit`) and each one's predecessor: one query.

    An action writes one event or a few (its fields, then its sectors): twice the limit of
    events is read, and one more, for the predecessor of the oldest shown.
    """
    actions, rows, _more = read_actions(
        model, events_of(model)._default_manager.filter(pgh_obj_id=obj_id), 2 * limit
    )
    actions = actions[:limit]
    position = {event.pgh_id: index for index, event in enumerate(rows)}
    previous: dict[int, Event | None] = {}
    for action in actions:
        index = position[action.first.pgh_id] + 1
        previous[action.last.pgh_id] = rows[index] if index < len(rows) else None
    return actions, previous


def predecessors(model: type[Model], actions: Sequence[Action]) -> dict[int, Event | None]:
    """Each action's predecessor (the record before it), by the pgh_id of its last event.

    One query for all the actions, whatever records they belong to: for each, the newest event
    of its record before its first one (an index scan per action, not the whole history).
    """
    if not actions:
        return {}
    table = connection.ops.quote_name(events_of(model)._meta.db_table)
    found = events_of(model)._default_manager.raw(
        f"SELECT e.*, a.before AS pgh_before FROM unnest(%s::bigint[], %s::bigint[]) "
        f"AS a(obj, before) CROSS JOIN LATERAL (SELECT * FROM {table} WHERE pgh_obj_id = a.obj "
        "AND pgh_id < a.before ORDER BY pgh_id DESC LIMIT 1) e",
        [[a.obj_id for a in actions], [a.first.pgh_id for a in actions]],
    )
    before = {(event.pgh_obj_id, event.pgh_before): event for event in as_events(found)}
    previous = {a.last.pgh_id: before.get((a.obj_id, a.first.pgh_id)) for a in actions}
    return previous


def acting_users(actions: Iterable[Action]) -> dict[int, User]:
    """The users the actions name, by id: one query."""
    ids = {a.user_id for a in actions if a.user_id is not None}
    return get_user_model()._base_manager.in_bulk(ids) if ids else {}


def _is_empty(value: object) -> bool:
    return value is None or value == ""


def _diffed_fields(model: type[Model]) -> "list[Field[Any, Any]]":
    kept = {f.attname for f in events_of(model)._meta.concrete_fields}
    return [
        f for f in model._meta.concrete_fields if f.name not in NOT_DIFFED and f.attname in kept
    ]


def history_changes(
    groups: Mapping[type[Model], Sequence[Action]],
    *,
    previous: Mapping[type[Model], Mapping[int, Event | None]] | None = None,
    initial: bool = True,
) -> dict[tuple[type[Model], int], list[Change]]:
    """The changes each action made, keyed by Action.key.

    `groups` holds each model's actions. `previous`, when the caller already has them, gives
    each action's predecessor (by the pgh_id of its last event) and saves the query that finds
    them. An action with no predecessor lists the values it started with, or nothing if
    `initial` is False. A field that reads the same before and after (a time moved within the
    minute it shows) is left out.
    """
    pending: dict[tuple[type[Model], int], list[tuple[Field[Any, Any], object, object]]] = {}
    referenced: dict[type[Model], set[object]] = defaultdict(set)
    for model, actions in groups.items():
        if not actions:
            continue
        before = (previous or {}).get(model)
        if before is None:
            before = predecessors(model, actions)
        fields = _diffed_fields(model)
        for action in actions:
            prior = before.get(action.last.pgh_id)
            diffs: list[tuple[Field[Any, Any], object, object]] = []
            pending[action.key] = diffs
            if prior is None and not initial:
                continue
            for field in fields:
                old = getattr(prior, field.attname) if prior else None
                new = getattr(action.last, field.attname)
                if old == new or (prior is None and _is_empty(new)):
                    continue
                related = _related_model(field)
                if related is not None:
                    referenced[related].update(pk for pk in (old, new) if pk)
                diffs.append((field, old, new))
    names = {
        related: {pk: str(obj) for pk, obj in related._base_manager.in_bulk(ids).items()}
        for related, ids in referenced.items()
    }
    return {
        key: [
            change
            for field, old, new in diffs
            if (change := _change(field, old, new, names)).old != change.new
        ]
        for key, diffs in pending.items()
    }


def _change(
    field: "Field[Any, Any]",
    old: object,
    new: object,
    names: Mapping[type[Model], Mapping[object, str]],
) -> Change:
    return Change(str(field.verbose_name), _display(field, old, names), _display(field, new, names))


def _related_model(field: "Field[Any, Any]") -> type[Model] | None:
    """The model a relation points to; None for a field that is not one."""
    return field.related_model if field.is_relation else None


def _display(
    field: "Field[Any, Any]", value: object, names: Mapping[type[Model], Mapping[object, str]]
) -> str:
    if _is_empty(value):
        return "–"
    related = _related_model(field)
    if related is not None:
        return names.get(related, {}).get(value) or _("deleted (#%(id)s)") % {"id": value}
    if isinstance(field, CountryField):
        return str(getattr(value, "name", value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dt.datetime):
        return zoned(value)
    return str(value)


@dataclass(frozen=True)
class Entry:
    when: dt.datetime
    who: User | None
    kind: str
    reason: str
    changes: list[Change]


def record_history(model: type[Model], obj_id: int | str, *, limit: int = 200) -> list[Entry]:
    """One record's history, newest first, each action with the values it set or changed.

    For the admin's history pages: three queries and one per kind of reference named (events,
    users, names).
    """
    actions, previous = object_actions(model, obj_id, limit)
    changes = history_changes({model: actions}, previous={model: previous})
    users = acting_users(actions)
    return [
        Entry(
            when=a.when,
            who=a.who(users),
            kind=a.kind,
            reason=a.reason,
            changes=changes[a.key],
        )
        for a in actions
    ]
