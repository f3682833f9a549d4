"""Writing CSV that a spreadsheet opens safely: the one rule and the one writer of every export.

The public directory, the coordinators' workspace, the staff's export and the statistics all
write their files with these helpers, so they agree on:

- CSV injection (OWASP): a cell starting with = + - @, a tab or a carriage return would be read
  as a formula (some programs strip tab and CR and look at what follows); it gets a leading
  apostrophe. So does every piece of a cell that a spreadsheet could split off on ";" or ","
  (a program that reads this file with semicolons as separators cuts "x;=1+2" in two, and
  "=1+2" would be a formula): "x;'=1+2". An apostrophe before the cell alone would not help,
  the piece would still start with "=". `neutralise()` does it in Python, `neutralised_sql()` /
  `Neutralised` in PostgreSQL, with the same characters. The import takes those apostrophes
  off again (`restore()`).
- A byte-order mark first, so that Excel reads UTF-8 (Devanagari, Thai, Cyrillic names).
  Python's csv ends lines with CRLF (with "\n" alone it would leave a cell holding a bare CR
  unquoted); rows from COPY end with "\n". CSV readers take both.
- Streaming in chunks of about 64 KB: memory stays flat whatever the size of the selection.
"""

import csv
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import CharField, Func

BOM = "\ufeff"
CHUNK_BYTES = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"


# A piece starts at the start of the cell or after a ";" or ",", and may begin with spaces.
_PIECE_STARTS = r"(^|[;,])( *)"
_FORMULA_CLASS = "[" + "".join(FORMULA_STARTS).replace("-", "") + "-]"
_SUSPECT_PIECE = re.compile(_PIECE_STARTS + "(" + _FORMULA_CLASS + ")")
_NEUTRALISED_PIECE = re.compile(_PIECE_STARTS + NEUTRALISER + "(" + _FORMULA_CLASS + ")")


def neutralise(value: object) -> str:
    """A cell's text, inert in a spreadsheet: each piece starting like a formula gets a quote.

    "=1+2" becomes "'=1+2", "-5" "'-5", "x;=1+2" "x;'=1+2", "a, =cmd" "a, '=cmd". Applying it
    twice to text changes nothing (the quote is not a formula character).

    A finite number (int, Decimal, float; not text) is written as it is: the balance -5.00 is
    not a formula and holds nothing anybody typed (the SQL exports, which neutralise their
    text columns only, agree). Text that looks like a number is still text and still quoted.
    """
    if _is_plain_number(value):
        return str(value)
    text = "" if value is None else str(value)
    return _SUSPECT_PIECE.sub(r"\1\2" + NEUTRALISER + r"\3", text)


def _is_plain_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int)


def restore(cell: str) -> str | None:
    """The text `neutralise()` turned into `cell`, or None if it did not write this cell."""
    text = _NEUTRALISED_PIECE.sub(r"\1\2\3", cell)
    return text if text != cell and neutralise(text) == cell else None


def _sql_literal(character: str) -> str:
    escaped = {"\t": r"E'\t'", "\r": r"E'\r'"}
    return escaped.get(character, "'" + character.replace("'", "''") + "'")


def _sql_pattern(pattern: str) -> str:
    # A tab or CR in the pattern is sent as itself inside an E'' string; backslashes doubled.
    body = pattern.replace("\\", "\\\\").replace("'", "''").replace("\t", "\\t")
    return "E'" + body.replace("\r", "\\r") + "'"


_SQL_SUSPECT = _sql_pattern(_SUSPECT_PIECE.pattern)
_SQL_REPLACEMENT = _sql_pattern(r"\1\2" + NEUTRALISER + r"\3")


def neutralised_sql(expression: str) -> str:
    """`neutralise()` in PostgreSQL, for an SQL text expression (NULL stays NULL)."""
    return f"regexp_replace({expression}, {_SQL_SUSPECT}, {_SQL_REPLACEMENT}, 'g')"


class Neutralised(Func):
    """`neutralise()` as a query expression (PostgreSQL only)."""

    template = neutralised_sql("%(expressions)s")
    output_field = CharField()


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_line(cells: Iterable[object]) -> str:
    """One row as a CSV line, every cell neutralised."""
    return csv.writer(_Echo(), lineterminator="\n").writerow([neutralise(c) for c in cells])


def csv_lines(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """The byte-order mark, then the rows as CSV, every cell neutralised, in ~64 KB chunks."""
    writer = csv.writer(_Echo())
    chunk, size = [BOM], 0
    for row in rows:
        line = writer.writerow([neutralise(cell) for cell in row])
        chunk.append(line)
        size += len(line)
        if size >= CHUNK_BYTES:
            yield "".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield "".join(chunk)


def copy_csv(select_sql: str, params: Sequence[object]) -> Iterator[bytes]:
    """The rows of a SELECT as CSV written by PostgreSQL (COPY ... TO STDOUT), in ~64 KB chunks.

    Many times faster than formatting rows in Python. The SELECT must neutralise its text
    columns itself (neutralised_sql / Neutralised): COPY writes what it is given.
    """
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper of copy() takes no params
        with raw.copy(f"COPY ({select_sql}) TO STDOUT (FORMAT csv)", params) as copy:
            # COPY hands over about one row at a time: send them on in bigger chunks.
            chunk = bytearray()
            for block in copy:
                chunk += block
                if len(chunk) >= CHUNK_BYTES:
                    yield bytes(chunk)
                    chunk.clear()
            if chunk:
                yield bytes(chunk)
