"""Import affiliates from CSV or XLSX: all or nothing, with a row-by-row report.

Each row is checked on its own (spreadsheets.import_rows); the uniqueness rules are checked for
the whole file at once (against the registry and between rows), which keeps 10,000 rows within
seconds. Nothing is written unless every row is acceptable; the domain's bulk services write
the rows, and the database's triggers record each write in the history, naming the importer.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from affiliates.services import (
    AffiliateRow,
    ChangedMeanwhile,
    affiliates_bulk_create,
    affiliates_bulk_update,
)
from core.history import acting
from spreadsheets.import_report import (
    CREATE,
    REFUSED,
    UNCHANGED,
    UPDATE,
    ImportReport,
    RowResult,
)
from spreadsheets.import_rows import (
    ImportContext,
    PlannedRow,
    constraint_message,
    name_key,
    plan_row,
)
from spreadsheets.reading import FileRefused, read_table

__all__ = [
    "CREATE",
    "REFUSED",
    "UNCHANGED",
    "UPDATE",
    "ImportReport",
    "RowResult",
    "affiliates_import",
]


def _check_file_uniqueness(planned: list[PlannedRow]) -> None:
    """Two rows naming the same organisation: the later one is refused."""
    first_by_slug: dict[str, int] = {}
    first_by_key: dict[tuple[str, str], int] = {}
    for item in planned:
        affiliate, result = item.affiliate, item.result
        key = name_key(affiliate.country, affiliate.name)
        checks: list[tuple[dict[Any, int], Any]] = [
            (first_by_slug, affiliate.slug),
            (first_by_key, key),
        ]
        for seen, value in checks:
            if not value or value == ("", ""):
                continue
            if value in seen:
                result.errors.append(
                    _("Row %(row)d already names this organisation.") % {"row": seen[value]}
                )
                result.action = REFUSED
                break
            seen[value] = result.number


def _check_registry_uniqueness(planned: list[PlannedRow], context: ImportContext) -> None:
    """A renamed or new organisation may not take the name of another one in its country."""
    for item in planned:
        affiliate = item.affiliate
        other = context.by_key.get(name_key(affiliate.country, affiliate.name))
        if other is not None and other.pk != affiliate.pk and item.result.action != REFUSED:
            item.result.errors.append(constraint_message("unique_affiliate_name_per_country"))
            item.result.action = REFUSED


def _write(
    planned: list[PlannedRow], user: Any, reason: str, checked_at: dt.datetime | None
) -> None:
    """Write the rows to update, then the rows to create, in one transaction.

    The rows to update are locked first: the services refuse them all (ChangedMeanwhile) if
    one was saved after it was read.
    """
    updates = [p for p in planned if p.result.action == UPDATE]
    creates = [p for p in planned if p.result.action == CREATE]
    with transaction.atomic(), acting(user, reason=reason):
        affiliates_bulk_update(
            rows=[
                AffiliateRow(p.affiliate, p.sector_ids if p.sectors_changed else None)
                for p in updates
            ],
            fields={change for p in updates for change in p.result.changes},
            updated_by=user,
            reason=reason,
            checked_at=checked_at,
        )
        affiliates_bulk_create(
            rows=[AffiliateRow(p.affiliate, p.sector_ids) for p in creates],
            created_by=user,
            reason=reason,
        )


def affiliates_import(
    *,
    content: bytes,
    filename: str,
    user: Any = None,
    dry_run: bool = False,
    checked_at: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check a CSV or XLSX file of affiliates and, unless it is a dry run, write it all or nothing.

    `progress(done, total)` is called as rows are checked. A concurrent write that trips a
    database rule makes the whole import fail cleanly (IntegrityError → file error), and so
    does an affiliate to update that was saved after it was read, or after `checked_at` (when
    the file was previewed): the import would overwrite that edit.
    """
    progress = progress or (lambda done, total: None)
    report = ImportReport(filename=filename, dry_run=dry_run)
    try:
        rows = read_table(content, filename)[1]
    except FileRefused as refusal:
        report.file_errors.append(str(refusal))
        return report
    context = ImportContext(rows)
    today = timezone.localdate()
    planned = []
    for number, cells in rows:
        planned.append(plan_row(number, cells, context, today))
        if len(planned) % 250 == 0:
            progress(len(planned), len(rows))
    progress(len(rows), len(rows))
    _check_file_uniqueness(planned)
    _check_registry_uniqueness(planned, context)
    report.rows = [p.result for p in planned]
    if report.refused or dry_run or report.changes_nothing:
        return report
    reason = _("Import of %(file)s") % {"file": filename[:60]}
    try:
        _write(planned, user, reason, checked_at)
    except ChangedMeanwhile as changed:
        report.file_errors.append(
            ngettext(
                "%(count)d affiliate changed while the file was being checked; check it again. "
                "Nothing was written.",
                "%(count)d affiliates changed while the file was being checked; check it again. "
                "Nothing was written.",
                changed.count,
            )
            % {"count": changed.count}
        )
        return report
    except IntegrityError:
        report.file_errors.append(
            _("The registry changed while the file was imported; nothing was written. Try again.")
        )
        return report
    report.written = True
    return report
