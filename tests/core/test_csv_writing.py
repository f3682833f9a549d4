"""core.csv_writing: the one rule against CSV injection, in Python and in PostgreSQL."""

import pytest
from django.db import connection

from core.csv_writing import BOM, csv_lines, neutralise, neutralised_sql

CELLS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", "'=quoted", "plain", "", "a=b"]


def test_a_cell_starting_like_a_formula_gets_a_quote_and_only_once():
    assert [neutralise(c) for c in CELLS] == [
        "'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tTAB", "'\rCR", "'=quoted", "plain", "", "a=b",
    ]  # fmt: skip
    assert [neutralise(neutralise(c)) for c in CELLS] == [neutralise(c) for c in CELLS]
    assert neutralise(None) == "" and neutralise(-5) == "'-5"


@pytest.mark.django_db
@pytest.mark.parametrize("cell", CELLS)
def test_the_sql_rule_is_the_python_rule(cell):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {neutralised_sql('t.v')} FROM (SELECT %s::text AS v) t", [cell])
        assert cursor.fetchone()[0] == neutralise(cell)


def test_csv_lines_start_with_a_bom_and_neutralise_every_cell():
    text = "".join(csv_lines([["name", "city"], ["=HYPERLINK()", "Pune, MH"], ["a\rb", ""]]))

    assert text == BOM + 'name,city\r\n\'=HYPERLINK(),"Pune, MH"\r\n"a\rb",\r\n'
