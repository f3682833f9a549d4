"""Affiliates as rows of a spreadsheet: the columns the import takes and the export writes.

CSV is streamed row by row (memory stays flat whatever the size). XLSX is built in memory with
openpyxl's write-only mode and capped at EXPORT_XLSX_MAX_ROWS rows: a larger selection is
refused with a message pointing to CSV, so no request holds a worker for minutes.
"""

import csv
import io
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from .models import Affiliate, Sector

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
]
INFORMATIONAL_COLUMNS = ["members_women", "members_men", "members_total", "members_year"]
EXPORT_COLUMNS = COLUMNS + INFORMATIONAL_COLUMNS
SECTOR_SEPARATOR = ";"
# A spreadsheet treats a cell starting with one of these as a formula (tab and CR too: some
# programs strip them and look at what follows).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
BATCH_SIZE = 2000


def export_queryset(queryset: QuerySet) -> QuerySet:
    """The queryset as the export reads it: related rows joined or prefetched, no N+1."""
    return (
        queryset.select_related("region", "parent_network")
        .prefetch_related(Prefetch("sectors", queryset=Sector.objects.only("slug")))
        .order_by("pk")
    )


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _date(value) -> str:
    return value.isoformat() if value else ""


def affiliate_cells(affiliate: Affiliate) -> list[str]:
    """One affiliate as the plain text of each EXPORT_COLUMNS cell (not yet neutralised)."""
    return [
        affiliate.slug,
        affiliate.name,
        affiliate.acronym,
        affiliate.country.code,
        affiliate.region.slug,
        affiliate.city,
        affiliate.languages,
        "" if affiliate.founded_year is None else str(affiliate.founded_year),
        _yes_no(affiliate.is_registered),
        affiliate.registration_number,
        affiliate.organisation_type,
        _yes_no(affiliate.has_piece_rate_workers),
        _yes_no(affiliate.has_self_employed_workers),
        SECTOR_SEPARATOR.join(sorted(s.slug for s in affiliate.sectors.all())),
        affiliate.parent_network.slug if affiliate.parent_network else "",
        affiliate.description,
        affiliate.website,
        affiliate.public_email,
        affiliate.public_phone,
        _yes_no(affiliate.publish_contact),
        _date(affiliate.publish_contact_given_on),
        affiliate.contact_name,
        affiliate.contact_role,
        affiliate.contact_email,
        affiliate.contact_phone,
        affiliate.status,
        str(affiliate.members_women),
        str(affiliate.members_men),
        str(affiliate.members_total),
        "" if affiliate.members_year is None else str(affiliate.members_year),
    ]


def neutralise(value: str) -> str:
    """Make a cell inert in a spreadsheet: a leading formula character gets a quote before it.

    The import removes that quote again, so a round trip changes nothing.
    """
    if value.startswith(FORMULA_TRIGGERS):
        return NEUTRALISER + value
    return value


def export_rows(queryset: QuerySet) -> Iterator[list[str]]:
    """The header, then one neutralised row per affiliate, reading the database in batches."""
    yield EXPORT_COLUMNS
    for affiliate in export_queryset(queryset).iterator(chunk_size=BATCH_SIZE):
        yield [neutralise(cell) for cell in affiliate_cells(affiliate)]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A BOM so that spreadsheet programs open the file as UTF-8.
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


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
