"""The files affiliates are exported to, each with its columns from spreadsheets.columns.

- The staff's export (admin): CSV written by PostgreSQL (COPY ... TO STDOUT), or XLSX built in
  memory with openpyxl's write-only mode and capped at EXPORT_XLSX_MAX_ROWS rows: a larger
  selection is refused with a message pointing to CSV, so no request holds a worker for minutes.
  The XLSX holds number and date cells where the columns say so, and text as text cells (never
  a formula, so it needs no leading quote), under a frozen header with a filter.
- The coordinators' export (workspace): their region's records, private contacts included.
- The public directory's CSV: public fields only, written by PostgreSQL.

CSV is written under core.csv_writing's rules (formula cells neutralised, a byte-order mark
first) and streamed: memory stays flat whatever the size of the selection.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from affiliates.models import Affiliate
from core.csv_writing import copy_csv, csv_lines, neutralise
from spreadsheets import ooxml
from spreadsheets.columns import (
    DIRECTORY_EXPORT,
    SECTOR_SEPARATOR,
    STAFF_EXPORT,
    WORKSPACE_EXPORT,
    Column,
    PublicContext,
    names,
)

BATCH_SIZE = 2000


def _text(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _typed(value: Any) -> Any:
    """An XLSX cell's value: numbers and dates as they are, yes/no and other values as text."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return _text(value)
    if isinstance(value, int | dt.date):
        return value
    return str(value)


def _sectors_of(pks: list[int]) -> dict[int, str]:
    slugs: dict[int, list[str]] = {}
    through = Affiliate.sectors.through.objects.filter(affiliate_id__in=pks)
    for pk, slug in through.values_list("affiliate_id", "sector__slug"):
        slugs.setdefault(pk, []).append(slug)
    return {pk: SECTOR_SEPARATOR.join(sorted(values)) for pk, values in slugs.items()}


def affiliate_cells(
    queryset: QuerySet, columns: list[Column], cell: Callable[[Any], Any] = _text
) -> Iterator[list[Any]]:
    """One list of cells per affiliate (not yet neutralised), in the queryset's order.

    Each value becomes a cell with `cell`: text by default, typed values for the XLSX.
    Read as tuples in batches (model instances would cost ten times more); the sectors of a
    batch in one more query.
    """
    sectors_at = [i for i, column in enumerate(columns) if column.key == "sectors"]
    values = queryset.values_list("pk", *(column.source for column in columns))
    batch: list[tuple] = []

    def flush() -> Iterator[list[str]]:
        sectors = _sectors_of([row[0] for row in batch]) if sectors_at else {}
        for row in batch:
            cells = [cell(value) for value in row[1:]]
            for index in sectors_at:
                cells[index] = cell(sectors.get(row[0], ""))
            yield cells

    for row in values.iterator(chunk_size=BATCH_SIZE):
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


# The staff's export ----------------------------------------------------------------------------

EXPORT_COLUMNS = names(STAFF_EXPORT)


def export_rows(queryset: QuerySet) -> Iterator[list[str]]:
    """The header, then one neutralised row per affiliate, reading the database in batches:
    the cells of the CSV export (and of the XLSX, there typed and never neutralised)."""
    yield EXPORT_COLUMNS
    for cells in affiliate_cells(queryset.order_by("pk"), STAFF_EXPORT):
        yield [neutralise(cell) for cell in cells]


def _copy_select(inner_sql: str) -> str:
    """The export as one SELECT for PostgreSQL's COPY: the same cells as export_rows()."""
    columns = ", ".join(column.copy_sql() for column in STAFF_EXPORT)
    return (
        f"SELECT {columns} FROM affiliates_affiliate a "
        "JOIN regions_region r ON r.id = a.region_id "
        "LEFT JOIN affiliates_affiliate p ON p.id = a.parent_network_id "
        # One grouped pass over the selection's sectors (a subquery per row is 5x slower).
        "LEFT JOIN (SELECT t.affiliate_id, "
        "string_agg(s.slug, ';' ORDER BY s.slug COLLATE \"C\") AS slugs "
        "FROM affiliates_affiliate_sectors t JOIN affiliates_sector s ON s.id = t.sector_id "
        f"WHERE t.affiliate_id IN ({inner_sql}) GROUP BY t.affiliate_id) sec "
        "ON sec.affiliate_id = a.id "
        f"WHERE a.id IN ({inner_sql}) ORDER BY a.id"
    )


def export_csv_chunks(queryset: QuerySet) -> Iterator[str | bytes]:
    """The selection as CSV, streamed: the header, then blocks of rows.

    The rows come straight from COPY ... TO STDOUT (CSV written and formula cells neutralised
    by the database: 100,000 rows in about a second). They hold the cells export_rows() gives
    the XLSX export.
    """
    inner_sql, params = queryset.order_by().values("pk").query.sql_with_params()
    yield from csv_lines([EXPORT_COLUMNS])
    yield from copy_csv(_copy_select(inner_sql), params * 2)


class ExportTooLarge(Exception):
    pass


def xlsx_bytes(queryset: QuerySet) -> bytes:
    """The selection as an XLSX workbook; refused above EXPORT_XLSX_MAX_ROWS rows.

    Typed cells (numbers, dates), text never read as a formula, each column as wide as its
    usual content, the header frozen and bold, a filter over every column.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    limit = settings.EXPORT_XLSX_MAX_ROWS
    if queryset.count() > limit:
        raise ExportTooLarge(limit)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("affiliates")

    def cell(value: Any) -> Any:
        # openpyxl makes a text starting with "=" a formula and "#N/A" an error: those get a
        # cell typed as text (only those: a cell object for every text costs a third more).
        if not isinstance(value, str):
            return value
        value = ooxml.escape(value)
        if not (value.startswith("=") or value in ERROR_CODES):
            return value
        text = WriteOnlyCell(sheet, value)
        text.data_type = "s"
        return text

    # Write-only: the sheet's layout goes before its rows.
    sheet.freeze_panes = "A2"
    for index, column in enumerate(STAFF_EXPORT, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    bold = Font(bold=True)
    header = [WriteOnlyCell(sheet, name) for name in EXPORT_COLUMNS]
    for name in header:
        name.font = bold
    sheet.append(header)
    rows = 1
    for values in affiliate_cells(queryset.order_by("pk"), STAFF_EXPORT, cell=_typed):
        sheet.append([cell(value) for value in values])
        rows += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(EXPORT_COLUMNS))}{rows}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# The coordinators' export ----------------------------------------------------------------------

PRIVATE_EXPORT_HEADER = names(WORKSPACE_EXPORT)


def affiliates_private_rows(affiliates: QuerySet) -> Iterator[list[str]]:
    """The coordinators' export, private contacts included; read in chunks, never all at once.

    The header, then the rows in the queryset's order, for core.csv_writing.csv_lines.
    """
    yield PRIVATE_EXPORT_HEADER
    yield from affiliate_cells(affiliates, WORKSPACE_EXPORT)


# The public directory's export -----------------------------------------------------------------


def directory_header() -> list[str]:
    """The directory's header, in the active language."""
    return [str(column.label) for column in DIRECTORY_EXPORT]


def directory_csv(queryset: QuerySet, profile_base: str) -> Iterator[str | bytes]:
    """The rows of `queryset` (already public, searched, ordered) as CSV chunks."""
    yield from csv_lines([directory_header()])
    context = PublicContext(profile_base=profile_base)
    cells = {f"c_{column.key}": column.public_cell(context) for column in DIRECTORY_EXPORT}
    sql, params = queryset.annotate(**cells).values_list(*cells).query.sql_with_params()
    yield from copy_csv(sql, params)
