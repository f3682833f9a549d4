"""Writing a checked import: new rows with COPY, changed rows in batched UPDATEs, all in the
caller's transaction. The database's triggers record each insert and update in the history.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from affiliates.bulk import bulk_insert
from affiliates.models import Affiliate, Sector, StatusChange, normalise_name
from affiliates.services import sector_names_text

BATCH_SIZE = 1000


class ChangedMeanwhile(Exception):
    """Affiliates the import would update were saved by someone else after they were read."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


def chunks(values: list, size: int = 5000):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _lock_unchanged(updates: list, checked_at: dt.datetime | None) -> None:
    """Lock the rows the import updates; refuse if any was saved since the file was checked.

    The update writes whole rows from the copies read when the file was checked: a
    coordinator's edit saved in between would be overwritten without a word. Each row's
    `updated_at` must still be the one read then (and not after `checked_at`, the preview's
    time, when the file was previewed in an earlier request). Locked in id order, the
    order every bulk update here takes, so two imports cannot deadlock.
    """
    read_at = {p.affiliate.pk: p.affiliate.updated_at for p in updates}
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
    model_fields = [Affiliate._meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in model_fields)
    assignments = ", ".join(
        f"{connection.ops.quote_name(f.column)} = v.{connection.ops.quote_name(f.column)}"
        for f in model_fields
    )
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


def write_rows(creates: list, updates: list, user, reason: str, checked_at: dt.datetime | None):
    """Write the planned rows to create and to update (importing._Planned: the affiliate, its
    sector ids and what changed); the triggers record each write in the history."""
    through = Affiliate.sectors.through
    _lock_unchanged(updates, checked_at)
    now = timezone.now()
    user = user if user is not None and user.is_authenticated else None

    sectors = Sector.objects.in_bulk()

    def names_of(sector_ids) -> str:
        # The searchable copy of the sectors' names (see affiliate_set_sectors).
        return sector_names_text(sectors[pk] for pk in sector_ids or ())

    new = [p.affiliate for p in creates]
    for p in creates:
        p.affiliate.name_key = normalise_name(p.affiliate.name)
        p.affiliate.created_by = user
        p.affiliate.sector_names = names_of(p.sector_ids)
    bulk_insert(Affiliate, new)
    bulk_insert(
        through,
        [
            through(affiliate_id=p.affiliate.pk, sector_id=sector_id)
            for p in creates
            for sector_id in sorted(p.sector_ids or ())
        ],
    )
    bulk_insert(
        StatusChange,
        [
            StatusChange(
                affiliate=a, from_status="", to_status=a.status, actor=user, comment=reason
            )
            for a in new
        ],
    )

    changed = [p.affiliate for p in updates]
    fields = sorted(
        {c for p in updates for c in p.result.changes if c != "sectors"} | {"updated_at"}
    )
    for affiliate in changed:
        affiliate.name_key = normalise_name(affiliate.name)
        affiliate.updated_at = now
    if "name" in fields:
        fields.append("name_key")
    moved = [p for p in updates if p.sectors_changed]
    for p in moved:
        p.affiliate.sector_names = names_of(p.sector_ids)
    if moved:
        fields.append("sector_names")
    _bulk_update(changed, fields)
    through.objects.filter(affiliate_id__in=[p.affiliate.pk for p in moved]).delete()
    through.objects.bulk_create(
        [
            through(affiliate_id=p.affiliate.pk, sector_id=sector_id)
            for p in moved
            for sector_id in sorted(p.sector_ids)
        ],
        batch_size=BATCH_SIZE * 5,
    )
