"""The declarations CSV of the workspace: the upload coordinators fill in, and its template.

Parsing and validation live here, not in views, so every entry point refuses the same files
with the same messages. The rows given here are written with core.csv_writing.csv_lines.
"""

import csv
from collections.abc import Callable, Iterable, Iterator

from django.utils.translation import gettext as _

from affiliates.models import Affiliate
from affiliates.rules import declaration_years, normalise_reference, total_covers
from affiliates.services import DeclarationRow

# The workspace's views import the private export from here until they import it from
from spreadsheets.reading import csv_records, nul_line, nul_message

DECLARATIONS_HEADER = ["reference", "name", "year", "women", "men", "total"]
# Far above a region's file (about 60 bytes a row): anything bigger is not a declarations file.
DECLARATIONS_MAX_BYTES = 1024 * 1024


class CSVRejected(Exception):
    """The file as a whole is refused; `errors` lists every problem found, row by row."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def declarations_template_rows(
    affiliates: Iterable[Affiliate], *, year: int, declared: dict
) -> Iterator[list]:
    """The upload template: the header, then one row per affiliate, pre-filled where declared."""
    yield DECLARATIONS_HEADER
    for affiliate in affiliates:
        figures = declared.get(affiliate.pk)
        women, men, total = figures if figures else ("", "", "")
        yield [affiliate.reference, affiliate.name, year, women, men, total]


def _count(value: str, column: str, line: int, errors: list[str]) -> int | None:
    try:
        number = int(value.strip())
    except ValueError:
        errors.append(
            _("Row %(line)s: %(column)s must be a whole number, not “%(value)s”.")
            % {"line": line, "column": column, "value": value[:40]}
        )
        return None
    if number < 0:
        errors.append(
            _("Row %(line)s: %(column)s cannot be negative.") % {"line": line, "column": column}
        )
        return None
    return number


def declarations_csv_parse(
    upload, *, year: int, find_affiliates: Callable[[set[str]], dict[str, Affiliate]]
) -> list[DeclarationRow]:
    """Read an uploaded declarations file for `year`, or raise CSVRejected with every error.

    `find_affiliates(references)` returns, by reference, those of the affiliates named in the
    file that the uploader may declare for: any other reference is "unknown", whether it exists
    elsewhere or not. Rows with women, men and total all empty are left out (nothing yet).
    """
    # Size first, before reading a byte of it.
    if upload.size > DECLARATIONS_MAX_BYTES:
        raise CSVRejected(
            [
                _("The file is too large (%(size)s kB); a declarations file is under %(max)s kB.")
                % {"size": upload.size // 1024, "max": DECLARATIONS_MAX_BYTES // 1024}
            ]
        )
    raw = upload.read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CSVRejected(
            [_("The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”.")]
        ) from None
    line = nul_line(text)
    if line is not None:
        raise CSVRejected([nul_message(line)])
    records = csv_records(text)
    try:
        first = next(records, None)
        header = [cell.strip().lower() for cell in first[1]] if first else []
        if header != DECLARATIONS_HEADER:
            raise CSVRejected(
                [
                    _("The first row must be the header “%(expected)s”.")
                    % {"expected": ",".join(DECLARATIONS_HEADER)}
                ]
            )
        lines = list(records)
    except csv.Error as error:
        raise CSVRejected(
            [_("This is not a readable CSV file (%(error)s).") % {"error": error}]
        ) from None
    return declarations_rows_check(lines, year=year, find_affiliates=find_affiliates)


def declarations_rows_check(
    lines: list[tuple[int, list[str]]],
    *,
    year: int,
    find_affiliates: Callable[[set[str]], dict[str, Affiliate]],
) -> list[DeclarationRow]:
    """The rows of a declarations file, as (row number, the cells of DECLARATIONS_HEADER), checked.

    The rules of the upload, for every entry point (the CSV upload, the API's declarations):
    a known reference of the uploader's, once, the year asked for, whole counts whose total
    covers women and men. Raises CSVRejected naming every refused row.
    """
    references = {_reference(cells[0]) for _line, cells in lines if cells}
    return _declaration_rows(lines, year, find_affiliates(references))


def _declaration_rows(
    lines: list[tuple[int, list[str]]], year: int, affiliates_by_reference: dict[str, Affiliate]
) -> list[DeclarationRow]:
    errors: list[str] = []
    rows: list[DeclarationRow] = []
    seen: dict[str, int] = {}
    for line, cells in lines:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(DECLARATIONS_HEADER):
            errors.append(
                _("Row %(line)s: expected %(expected)s columns, found %(found)s.")
                % {"line": line, "expected": len(DECLARATIONS_HEADER), "found": len(cells)}
            )
            continue
        reference, _name, row_year, women, men, total = (cell.strip() for cell in cells)
        affiliate = affiliates_by_reference.get(_reference(reference))
        if affiliate is None:
            errors.append(
                _("Row %(line)s: unknown affiliate “%(reference)s” (not one of your region's).")
                % {"line": line, "reference": reference[:40]}
            )
            continue
        if _reference(reference) in seen:
            errors.append(
                _("Row %(line)s: %(name)s is already on row %(first)s.")
                % {"line": line, "name": affiliate.name, "first": seen[_reference(reference)]}
            )
            continue
        seen[_reference(reference)] = line
        if not (women or men or total):
            continue
        year_error = _year_error(row_year, year, line)
        if year_error:
            errors.append(year_error)
            continue
        figures = _figures(women, men, total, line, errors)
        if figures is not None:
            rows.append(DeclarationRow(affiliate, *figures))
    if errors:
        raise CSVRejected(errors)
    return rows


def _year_error(row_year: str, year: int, line: int) -> str:
    """What is wrong with a row's year, for a page recording `year` ("" if nothing)."""
    years = declaration_years()
    try:
        declared_year = int(row_year)
    except ValueError:
        declared_year = None
    if declared_year is None or declared_year < years[0]:
        return _("Row %(line)s: “%(value)s” is not a year.") % {
            "line": line,
            "value": row_year[:10],
        }
    if declared_year > years[-1]:
        return _("Row %(line)s: %(year)s is in the future.") % {"line": line, "year": row_year}
    if declared_year != year:
        return _("Row %(line)s: the row is for %(row_year)s, this page records %(year)s.") % {
            "line": line,
            "row_year": declared_year,
            "year": year,
        }
    return ""


def _figures(
    women: str, men: str, total: str, line: int, errors: list[str]
) -> tuple[int, int, int | None] | None:
    """A row's women, men and total (None when not given), or None with its errors listed."""
    counts = [
        _count(value, column, line, errors)
        for value, column in ((women, _("women")), (men, _("men")))
    ]
    total_count = _count(total, _("total"), line, errors) if total else None
    if counts[0] is None or counts[1] is None or (total and total_count is None):
        return None
    if not total_covers(counts[0], counts[1], total_count):
        errors.append(
            _("Row %(line)s: the total (%(total)s) is less than women plus men (%(sum)s).")
            % {"line": line, "total": total_count, "sum": counts[0] + counts[1]}
        )
        return None
    return counts[0], counts[1], total_count


def _reference(typed: str) -> str:
    """A reference as stored, however it was typed in the file (or as typed, if it is none)."""
    return normalise_reference(typed) or typed.strip().upper()
