"""core.csv_writing: the one rule against CSV injection, in Python and in PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection

from core.csv_writing import BOM, csv_lines, neutralise, neutralised_sql, restore

CELLS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "'=quoted", "plain", "", "a=b"]
# Cells a spreadsheet splitting on ";" or "," would cut into a piece that starts like a formula.
SPLIT = {
    "x;=1+2": "x;'=1+2",
    "a, =cmd|' /C calc'!A0": "a, '=cmd|' /C calc'!A0",
    "1;-2": "1;'-2",
    "Pune;@SUM(A1);+1": "Pune;'@SUM(A1);'+1",
    "a,\t=1": "a,'\t=1",
    "=1,=2": "'=1,'=2",
    "-5": "'-5",
    "+91 22 555 0101": "'+91 22 555 0101",
    "Pune, MH; 2020-01-01": "Pune, MH; 2020-01-01",
    "x; y=1, z-2": "x; y=1, z-2",
}


def test_a_cell_starting_like_a_formula_gets_a_quote_and_only_once():
    assert [neutralise(c) for c in CELLS] == [
        "'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tTAB", "'\rCR", "'=quoted", "plain", "", "a=b",
    ]  # fmt: skip
    assert [neutralise(neutralise(c)) for c in CELLS] == [neutralise(c) for c in CELLS]
    assert neutralise(None) == "" and neutralise("-5") == "'-5"


def test_a_number_is_not_a_formula_and_is_written_as_it_is():
    # A negative balance stays a number in a spreadsheet; its text twin is still quoted.
    assert [neutralise(n) for n in (-5, Decimal("-5.00"), -2.5, 0, Decimal("12.30"))] == [
        "-5", "-5.00", "-2.5", "0", "12.30",
    ]  # fmt: skip
    text = "".join(csv_lines([["balance", "note"], [Decimal("-5.00"), "-5.00"]]))
    assert text == BOM + "balance,note\r\n-5.00,'-5.00\r\n"
    # Not finite, or not a number: text, under the rule.
    assert neutralise(Decimal("-Infinity")) == "'-Infinity"
    assert neutralise(float("-inf")) == "'-inf"
    assert neutralise(True) == "True"


@pytest.mark.parametrize(("cell", "written"), SPLIT.items())
def test_every_piece_a_spreadsheet_could_split_off_is_neutralised(cell, written):
    assert neutralise(cell) == written
    assert neutralise(written) == written
    assert restore(written) == (cell if written != cell else None)


@pytest.mark.django_db
@pytest.mark.parametrize("cell", [*CELLS, *SPLIT])
def test_the_sql_rule_is_the_python_rule(cell):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {neutralised_sql('t.v')} FROM (SELECT %s::text AS v) t", [cell])
        assert cursor.fetchone()[0] == neutralise(cell)


def test_csv_lines_start_with_a_bom_and_neutralise_every_cell():
    text = "".join(csv_lines([["name", "city"], ["=HYPERLINK()", "Pune, MH"], ["a\rb", ""]]))

    assert text == BOM + 'name,city\r\n\'=HYPERLINK(),"Pune, MH"\r\n"a\rb",\r\n'
