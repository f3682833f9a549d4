"""Affiliates as rows of a spreadsheet: the columns the import takes and the export writes.

CSV is streamed row by row (memory stays flat whatever the size). XLSX is built in memory with
openpyxl's write-only mode and capped at EXPORT_XLSX_MAX_ROWS rows: a larger selection is
refused with a message pointing to CSV, so no request holds a worker for minutes.
"""

import datetime as dt
import io
from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet

from affiliates.models import Affiliate
from core.csv_writing import copy_csv, csv_lines, neutralise, neutralised_sql

# Import columns, in file order. The last four are informational: exported, ignored on import
# (membership comes from declarations, recorded through declaration_record).
COLUMNS = [
    "slug",
    "name",
    "acronym",
    "country",
    "region",
    "city",
    "languages",
    "founded_year",
    "is_registered",
    "registration_number",
    "organisation_type",
    "piece_rate_workers",
    "self_employed_workers",
    "sectors",
    "parent_network",
    "description",
    "website",
    "public_email",
    "public_phone",
    "publish_contact",
    "publish_contact_given_on",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "status",
    "affiliated_on",
]
INFORMATIONAL_COLUMNS = ["members_women", "members_men", "members_total", "members_year"]
EXPORT_COLUMNS = COLUMNS + INFORMATIONAL_COLUMNS
SECTOR_SEPARATOR = ";"
BATCH_SIZE = 2000
SECTORS_INDEX = EXPORT_COLUMNS.index("sectors")


# Columns whose value is read from another field; every other column is the field of its name.
_SOURCES = {
    "region": "region__slug",
    "piece_rate_workers": "has_piece_rate_workers",
    "self_employed_workers": "has_self_employed_workers",
    "sectors": "pk",  # filled in from the batch's sectors
    "parent_network": "parent_network__slug",
}
# The values each row is made of, read as tuples (model instances would cost ten times more):
# the primary key, then one value per export column.
_VALUES = ["pk", *(_SOURCES.get(column, column) for column in EXPORT_COLUMNS)]


def _text(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _sectors_of(pks: list[int]) -> dict[int, str]:
    slugs: dict[int, list[str]] = {}
    through = Affiliate.sectors.through.objects.filter(affiliate_id__in=pks)
    for pk, slug in through.values_list("affiliate_id", "sector__slug"):
        slugs.setdefault(pk, []).append(slug)
    return {pk: SECTOR_SEPARATOR.join(sorted(values)) for pk, values in slugs.items()}


def affiliate_rows(queryset: QuerySet) -> Iterator[list[str]]:
    """One list of EXPORT_COLUMNS cells per affiliate (not yet neutralised), in batches."""
    values = queryset.order_by("pk").values_list(*_VALUES)
    batch: list[tuple] = []

    def flush() -> Iterator[list[str]]:
        sectors = _sectors_of([row[0] for row in batch])
        for row in batch:
            cells = [_text(value) for value in row[1:]]
            cells[SECTORS_INDEX] = sectors.get(row[0], "")
            yield cells

    for row in values.iterator(chunk_size=BATCH_SIZE):
        batch.append(row)
        if len(batch) == BATCH_SIZE:
            yield from flush()
            batch = []
    if batch:
        yield from flush()


def export_rows(queryset: QuerySet) -> Iterator[list[str]]:
    """The header, then one neutralised row per affiliate, reading the database in batches.

    Neutralised here too (not only by csv_lines) because the XLSX export writes these rows.
    """
    yield EXPORT_COLUMNS
    for cells in affiliate_rows(queryset):
        yield [neutralise(cell) for cell in cells]


def _copy_select(inner_sql: str) -> str:
    """The export as one SELECT for PostgreSQL's COPY: the same cells as export_rows()."""
    text = lambda column: neutralised_sql(f"a.{column}")  # noqa: E731
    yes_no = lambda column: f"CASE WHEN a.{column} THEN 'yes' ELSE 'no' END"  # noqa: E731
    number = lambda column: f"COALESCE(a.{column}::text, '')"  # noqa: E731
    date = lambda column: f"COALESCE(to_char(a.{column}, 'YYYY-MM-DD'), '')"  # noqa: E731
    cells = {
        "region": neutralised_sql("r.slug"),
        "founded_year": number("founded_year"),
        "is_registered": yes_no("is_registered"),
        "piece_rate_workers": yes_no("has_piece_rate_workers"),
        "self_employed_workers": yes_no("has_self_employed_workers"),
        "sectors": neutralised_sql("COALESCE(sec.slugs, '')"),
        "parent_network": neutralised_sql("COALESCE(p.slug, '')"),
        "publish_contact": yes_no("publish_contact"),
        "publish_contact_given_on": date("publish_contact_given_on"),
        "affiliated_on": date("affiliated_on"),
        "members_women": number("members_women"),
        "members_men": number("members_men"),
        "members_total": number("members_total"),
        "members_year": number("members_year"),
    }
    columns = ", ".join(cells.get(column, text(column)) for column in EXPORT_COLUMNS)
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
    """The selection as an XLSX workbook; refused above EXPORT_XLSX_MAX_ROWS rows."""
    from openpyxl import Workbook

    limit = settings.EXPORT_XLSX_MAX_ROWS
    if queryset.count() > limit:
        raise ExportTooLarge(limit)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("affiliates")
    for row in export_rows(queryset):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
