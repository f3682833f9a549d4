"""Writing many affiliates at once: the import's and the demo's path, as fast as COPY allows.

The rules `affiliate_create` and `affiliate_update` keep for one affiliate, for thousands: the
name key, the sectors' searchable names, the first step of the lifecycle, who acts and why in
the history, the public cache made stale after commit. The caller checks the rows first (the
import runs every model rule on each); the database's constraints still guard them.
"""

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    TextField,
    Value,
)
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone
from django_countries.fields import CountryField

from affiliates.models import Affiliate, Sector, StatusChange
from affiliates.rules import (
    RESERVED_SLUGS,
    clean_name,
    first_free_slug,
    normalise_name,
    slug_base,
)
from affiliates.services.sectors import sector_names_text, sector_translations_text
from core.history import acting, carry_context
from core.public_cache import public_cache_bump

BATCH_SIZE = 1000

T = TypeVar("T")
M = TypeVar("M", bound=Model)


def chunks(values: Sequence[T], size: int = 5000) -> Iterator[Sequence[T]]:
    """`values` in slices of `size`: an IN list or a statement's arrays stay a sensible size."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


# Slugs ------------------------------------------------------------------------------------------


class SlugsInUse:
    """`unique_slug` for a batch of new affiliates: the slugs their names give, read at once.

    The bases of `names` are looked up in one query per 5,000; a numbered candidate (rare) is
    looked up when it comes. `known` are slugs the caller read from the registry already (an
    import reads those its file names). Slugs handed out or claimed count as taken from then on.
    """

    def __init__(self, names: Iterable[str], *, known: Iterable[str] = ()):
        self._bases = sorted({slug_base(name) for name in names})
        self._taken = set(known)
        for chunk in chunks(self._bases):
            self._taken.update(
                Affiliate.objects.filter(slug__in=chunk).values_list("slug", flat=True)
            )

    def is_free(self, slug: str) -> bool:
        """Whether a slug given for a new affiliate may be its own (one of `known` is not)."""
        return slug not in RESERVED_SLUGS and slug not in self._taken

    def claim(self, slug: str) -> None:
        self._taken.add(slug)

    def new_slug(self, name: str) -> str:
        """A readable slug for a new affiliate, unique in the registry and in this batch."""
        slug = first_free_slug(name, self._taken_by_another)
        self._taken.add(slug)
        return slug

    def _taken_by_another(self, slug: str) -> bool:
        if slug in self._taken:
            return True
        # Every base was read up front; only numbered candidates are asked for one by one.
        return slug not in self._bases and Affiliate.objects.filter(slug=slug).exists()


# Rows -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LifecycleStep:
    """A step an affiliate took before it is written (the demo's made-up past)."""

    to_status: str
    at: dt.datetime
    comment: str = ""
    comment_is_public: bool = False


@dataclass
class AffiliateRow:
    """An affiliate to write in bulk and its sectors (None: as they are, none for a new one).

    `lifecycle`, for a new affiliate that comes with a past, lists its steps oldest first,
    the last one being its status; by default its one step is from nothing to its status.
    """

    affiliate: Affiliate
    sector_ids: Collection[int] | None = None
    lifecycle: Sequence[LifecycleStep] = ()


class ChangedMeanwhile(Exception):
    """Affiliates to update were saved by someone else after they were read."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


@transaction.atomic
def affiliates_bulk_create(
    *, rows: Sequence[AffiliateRow], created_by: Any = None, reason: str = ""
) -> list[Affiliate]:
    """Insert new affiliates (with COPY), their sectors and the first steps of their lifecycle.

    The affiliates' slugs and regions are set and every row checked by the caller. `reason`
    names the write in the history and is the first step's comment, as `affiliate_create`'s
    comment is.
    """
    if not rows:
        return []
    user = created_by if created_by is not None and created_by.is_authenticated else None
    sectors = Sector.objects.in_bulk()
    new = [row.affiliate for row in rows]
    today = timezone.localdate()
    for row in rows:
        if row.affiliate.details_confirmed_on is None:  # as given now (seeding may say when)
            row.affiliate.details_confirmed_on = today
        row.affiliate.name = clean_name(row.affiliate.name)
        row.affiliate.name_key = normalise_name(row.affiliate.name)
        row.affiliate.created_by = user
        chosen = [sectors[pk] for pk in row.sector_ids or ()]
        row.affiliate.sector_names = sector_names_text(chosen)
        row.affiliate.sector_names_translated = sector_translations_text(chosen)
    with acting(created_by, reason=reason):
        bulk_insert(Affiliate, new)
        # Links and steps as plain rows: nobody reads them back as objects here, and model
        # instances cost more than the COPY itself.
        copy_rows(
            Affiliate.sectors.through,
            ("affiliate_id", "sector_id"),
            [
                (row.affiliate.pk, sector_id)
                for row in rows
                for sector_id in sorted(row.sector_ids or ())
            ],
        )
        actor_id = user.pk if user is not None else None
        copy_rows(
            StatusChange,
            STEP_COLUMNS,
            [step for row in rows for step in _steps(row, actor_id, reason, timezone.now())],
        )
    transaction.on_commit(public_cache_bump)
    return new


STEP_COLUMNS = (
    "affiliate_id", "from_status", "to_status", "actor_id", "comment", "comment_is_public",
    "withdrawal_kind", "created_at",
)  # fmt: skip


def _steps(
    row: AffiliateRow, actor_id: int | None, comment: str, now: dt.datetime
) -> Iterator[tuple[Any, ...]]:
    """The rows of STEP_COLUMNS for an affiliate's lifecycle (as given, or its first step)."""
    affiliate = row.affiliate
    if not row.lifecycle:
        yield (affiliate.pk, "", str(affiliate.status), actor_id, comment, False, "", now)
        return
    before = ""
    for step in row.lifecycle:
        to_status = str(step.to_status)
        yield (
            affiliate.pk, before, to_status, actor_id, step.comment, step.comment_is_public,
            "", step.at,
        )  # fmt: skip
        before = to_status


@transaction.atomic
def affiliates_bulk_update(
    *,
    rows: Sequence[AffiliateRow],
    fields: Iterable[str],
    updated_by: Any = None,
    reason: str = "",
    checked_at: dt.datetime | None = None,
) -> list[Affiliate]:
    """Write `fields` of affiliates read earlier, and the sectors of rows that name them.

    The rows are locked first. If any was saved by someone else since it was read (its
    `updated_at` is no longer the one read, or is after `checked_at`, the moment a preview
    read the registry), ChangedMeanwhile is raised and nothing is written: the copies would
    overwrite that edit.
    """
    if not rows:
        return []
    affiliates = [row.affiliate for row in rows]
    moved = [row for row in rows if row.sector_ids is not None]
    # An import that rewrites records confirms their details, as an edit in the workspace does.
    columns = sorted(set(fields) - {"sectors"} | {"updated_at", "details_confirmed_on"})
    if "name" in columns:
        columns.append("name_key")
    if moved:
        columns += ["sector_names", "sector_names_translated"]
    with acting(updated_by, reason=reason):
        _lock_unchanged(affiliates, checked_at)
        now = timezone.now()
        for affiliate in affiliates:
            affiliate.name = clean_name(affiliate.name)
            affiliate.name_key = normalise_name(affiliate.name)
            affiliate.updated_at = now
            affiliate.details_confirmed_on = timezone.localdate(now)
        sectors = Sector.objects.in_bulk()
        for row in moved:
            chosen = [sectors[pk] for pk in row.sector_ids or ()]
            row.affiliate.sector_names = sector_names_text(chosen)
            row.affiliate.sector_names_translated = sector_translations_text(chosen)
        _bulk_update(affiliates, columns)
        through = Affiliate.sectors.through
        through.objects.filter(affiliate_id__in=[row.affiliate.pk for row in moved]).delete()
        through.objects.bulk_create(
            [
                through(affiliate_id=row.affiliate.pk, sector_id=sector_id)
                for row in moved
                for sector_id in sorted(row.sector_ids or ())
            ],
            batch_size=BATCH_SIZE * 5,
        )
    transaction.on_commit(public_cache_bump)
    return affiliates


def _lock_unchanged(affiliates: list[Affiliate], checked_at: dt.datetime | None) -> None:
    """Lock the rows to update; refuse if any was saved since it was read (or `checked_at`).

    Locked in id order, the order every bulk update here takes, so two writers cannot
    deadlock.
    """
    read_at = {affiliate.pk: affiliate.updated_at for affiliate in affiliates}
    changed = 0
    seen = 0
    for chunk in chunks(sorted(read_at)):
        locked = (
            Affiliate.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "updated_at")
        )
        for pk, updated_at in locked:
            seen += 1
            if updated_at != read_at[pk] or (checked_at is not None and updated_at > checked_at):
                changed += 1
    changed += len(read_at) - seen  # deleted in the meantime
    if changed:
        raise ChangedMeanwhile(changed)


def _bulk_update(affiliates: list[Affiliate], fields: list[str]) -> None:
    """bulk_update(), faster: one UPDATE ... FROM unnest(arrays) per batch.

    Django's bulk_update writes a CASE WHEN per field whose cost grows with the square of the
    batch. The history triggers fire for it as for any UPDATE.
    """
    model_fields: list[Any] = [Affiliate._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in model_fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in model_fields)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in model_fields)
    statement = (
        f"UPDATE {Affiliate._meta.db_table} AS a SET {assignments} "
        f"FROM unnest(%s::integer[], {arrays}) AS v(id, {columns}) WHERE a.id = v.id"
    )
    with connection.cursor() as cursor:
        for chunk in chunks(affiliates, BATCH_SIZE):
            params = [[a.pk for a in chunk]] + [
                [f.get_db_prep_save(getattr(a, f.attname), connection) for a in chunk]
                for f in model_fields
            ]
            cursor.execute(statement, params)


# COPY -------------------------------------------------------------------------------------------


def _column(field: "Field[Any, Any]") -> str:
    """A concrete field's column (Field.column is None only for fields without one)."""
    if field.column is None:
        raise ValueError(f"{field} has no column")
    return field.column


def bulk_insert(model: type[M], objects: list[M]) -> list[M]:
    """Insert new model instances and give them their primary keys, like bulk_create.

    The keys are drawn from the table's sequence first and the rows sent with COPY, several
    times faster than bulk_create's INSERT statements for thousands of rows with many columns.
    Values go through each field's pre_save and get_db_prep_save, as bulk_create sends them
    (auto_now dates included). Signals are not sent, as with bulk_create.
    """
    connection = connections[DEFAULT_DB_ALIAS]  # once: the proxy costs a lookup per use
    if not objects:
        return objects
    meta = model._meta
    # Generated columns (the search fields) are the database's to compute: COPY may not name them.
    fields = [f for f in meta.concrete_fields if not f.primary_key and not f.generated]
    values = [_value_reader(f, connection) for f in fields]
    # Django's cursor translates driver errors for execute(), not for copy(): wrap_database_errors
    # makes a broken rule during COPY an IntegrityError like any other.
    with connection.wrap_database_errors, connection.cursor() as cursor:
        carry_context(cursor)  # the history triggers name who wrote the rows
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(_column(f)) for f in [meta.pk, *fields])
        with cursor.copy(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        ) as copy:
            for obj in objects:
                copy.write_row([obj.pk, *(value(obj) for value in values)])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def copy_rows(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain rows with COPY: each row's values for `columns` (attnames), as the
    database stores them (plain str, not choices' enums); the table numbers them.

    For many rows nobody reads back as objects (links, steps, declarations of a load): no
    model instance, no field conversion, every rule of the table still checked by the
    database, and its history written by its triggers.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    column_of = {f.attname: _column(f) for f in meta.concrete_fields}
    names = ", ".join(connection.ops.quote_name(column_of[c]) for c in columns)
    with connection.wrap_database_errors, connection.cursor() as cursor:
        carry_context(cursor)
        with cursor.copy(
            f"COPY {connection.ops.quote_name(meta.db_table)} ({names}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)


# Values of exactly these types psycopg writes into COPY as the fields below would hand them
# over from get_db_prep_save (three calls per value). Not subclasses: a choice (a str enum)
# would be written by its name.
_AS_THEY_ARE = frozenset({str, int, bool, type(None), dt.date})
_SIMPLE_FIELDS = (CharField, TextField, IntegerField, BooleanField, ForeignKey)


def _value_reader(field: Any, connection: Any) -> Callable[[Model], Any]:
    """A function giving the value `field` stores for an object, as bulk_create would send it."""
    # Most fields store their attribute as it is: read it from the instance's dict, past
    # descriptors (a country field builds a Country on every read; its dict holds the code).
    # Fields whose pre_save sets or writes something (auto_now dates, files) go through it.
    plain = type(field).pre_save in (Field.pre_save, CountryField.pre_save) or (
        isinstance(field, DateField) and not (field.auto_now or field.auto_now_add)
    )
    # A date and time always goes through its field (time zones).
    simple = plain and (isinstance(field, _SIMPLE_FIELDS) or type(field) is DateField)
    attname = field.attname

    def value(obj: Model) -> Any:
        raw = obj.__dict__[attname] if plain else field.pre_save(obj, True)
        if simple and type(raw) in _AS_THEY_ARE:
            return raw
        if isinstance(raw, DatabaseDefault):
            # COPY has no DEFAULT keyword: send the (constant) default itself.
            default = field.db_default
            raw = default.value if isinstance(default, Value) else default
        return field.get_db_prep_save(raw, connection)

    return value
