"""Reading spreadsheets: the one CSV reader, and the import's files (CSV or XLSX) as rows.

`csv_records` reads CSV text as spreadsheets save it (UTF-8, comma or semicolon): the import and
the declarations upload both read with it, each refusing a bad file with its own messages.
For an import file, limits are checked before it is parsed (size, rows, an XLSX's expanded
size); a file that cannot be read at all is refused whole with FileRefused.

An XLSX's cells become the text a CSV would hold: numbers as digits, dates as YYYY-MM-DD,
true/false as yes/no, and a text cell starting like a formula with the quote the CSV export
puts before it (a text cell is never a formula; a formula cell keeps its "=" and is refused).
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.csv_writing import neutralise
from spreadsheets import ooxml
from spreadsheets.columns import IMPORTED, INFORMATIONAL, names

IMPORT_COLUMNS = names(IMPORTED)
REQUIRED_COLUMNS = ["name", "country", "organisation_type"]


# Any line end a spreadsheet may write: CR LF (Windows), LF, or CR alone (old Mac programs).
_LINE_END = re.compile(r"\r\n|\r|\n")


def line_count(content: bytes) -> int:
    """How many line ends `content` holds, whichever it uses: a cheap upper bound on its rows."""
    return content.count(b"\n") + content.count(b"\r") - content.count(b"\r\n")


def nul_line(text: str) -> int | None:
    """The line of the first NUL character in `text` (none is in any text file), or None."""
    position = text.find("\x00")
    return None if position < 0 else len(_LINE_END.findall(text, 0, position)) + 1


def nul_message(line: int) -> str:
    return _(
        "Row %(row)d holds a NUL character, which a text file never does: this is not a CSV "
        "file as a spreadsheet saves it. Save it as “CSV UTF-8” and try again."
    ) % {"row": line}


def csv_records(text: str, *, strict: bool = False) -> Iterator[tuple[int, list[str]]]:
    """The records of CSV text, each with the line it ends on; csv.Error if it is malformed.

    The delimiter is the first line's: spreadsheets in many languages save CSV with semicolons.
    """
    first_line = _LINE_END.split(text, maxsplit=1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    for cells in reader:
        yield reader.line_num, cells


class FileRefused(Exception):
    """The file as a whole cannot be read: nothing in it is looked at row by row."""


def _is_xlsx(content: bytes, filename: str) -> bool:
    if filename.lower().endswith(".xlsx"):
        return True
    if filename.lower().endswith(".csv"):
        return False
    return content[:4] == b"PK\x03\x04"


def _cell_text(value: Any, data_type: str | None = None) -> str:
    """An XLSX cell as CSV text; `data_type` is openpyxl's ("s" text, "f" formula...)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value if data_type == "f" else neutralise(ooxml.unescape(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_csv(content: bytes) -> list[list[str]]:
    # Counting line ends is a cheap upper bound on the rows, known before parsing.
    if line_count(content) > settings.IMPORT_MAX_ROWS + 1:
        raise FileRefused(
            _("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS}
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _(
                "The file is not UTF-8 text (byte %(position)d). Save it as “CSV UTF-8” and "
                "import it again."
            )
            % {"position": error.start + 1}
        ) from error
    line = nul_line(text)
    if line is not None:  # PostgreSQL stores no NUL: refused here, not as a server error
        raise FileRefused(nul_message(line))
    try:
        records = [cells for _line, cells in csv_records(text, strict=True)]
    except csv.Error as error:
        raise FileRefused(_("The CSV file is malformed: %(error)s") % {"error": error}) from error
    # The bound above lets one more through when the last row has no line end.
    if len(records) > settings.IMPORT_MAX_ROWS + 1:
        raise FileRefused(
            _("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS}
        )
    return records


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise FileRefused(_("The file is not a valid XLSX workbook.")) from error
    # A small zip can expand to gigabytes: refuse it from the sizes its directory declares
    # (zipfile never inflates a member beyond its declared size).
    expanded = sum(member.file_size for member in members)
    if expanded > settings.IMPORT_MAX_EXPANDED_BYTES or len(members) > 1000:
        raise FileRefused(
            _("The workbook expands to %(size)d MB, more than the %(max)d MB allowed.")
            % {
                "size": expanded // 2**20,
                "max": settings.IMPORT_MAX_EXPANDED_BYTES // 2**20,
            }
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > settings.IMPORT_MAX_ROWS + 1:
            raise FileRefused(
                _("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS}
            )
        rows = []
        for cells in sheet.iter_rows():
            rows.append([_cell_text(cell.value, cell.data_type) for cell in cells])
            if len(rows) > settings.IMPORT_MAX_ROWS + 1:
                raise FileRefused(
                    _("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS}
                )
        workbook.close()
        return rows
    except FileRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise FileRefused(_("The XLSX workbook cannot be read.")) from error


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and the non-empty rows (with their row numbers) of a CSV or XLSX file."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise FileRefused(
            _("The file is larger than %(max)d MB.") % {"max": settings.IMPORT_MAX_BYTES // 2**20}
        )
    table = _read_xlsx(content) if _is_xlsx(content, filename) else _read_csv(content)
    if not table:
        raise FileRefused(_("The file is empty."))
    for number, cells in enumerate(table, start=1):  # an XLSX cell may hold _x0000_
        if any("\x00" in cell for cell in cells):
            raise FileRefused(nul_message(number))
    header = [cell.strip().lower() for cell in table[0]]
    while header and header[-1] == "":
        header.pop()
    known = set(IMPORT_COLUMNS) | set(names(INFORMATIONAL))
    problems = []
    unknown = [column for column in header if column not in known]
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        problems.append(_("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)})
    if problems:
        problems.append(
            _("The first row must name the columns: %(columns)s.")
            % {"columns": ", ".join(IMPORT_COLUMNS)}
        )
        raise FileRefused(" ".join(problems))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        padded = cells + [""] * (len(header) - len(cells))
        rows.append((number, dict(zip(header, padded, strict=False))))
    if not rows:
        raise FileRefused(_("The file has a header but no rows."))
    return header, rows
