"""The staff's exports opened by a real spreadsheet program: LibreOffice Calc, headless.

Each file is converted to XLSX by `soffice --convert-to xlsx` (as if opened and saved again) and
read back with openpyxl: numbers are numbers, dates are dates, names in Devanagari, Thai and
Cyrillic are intact, and no cell became a formula. One soffice run per kind of file, each with
its own throw-away user profile, so parallel runs do not clash. Skipped where LibreOffice is not
installed (Debian: `apt-get install --no-install-recommends libreoffice-calc-nogui`); `.ci/run`
installs it, so CI runs these tests.
"""

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import AffiliateFactory

SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        SOFFICE is None,
        reason="LibreOffice is not installed (soffice not found): apt-get install "
        "--no-install-recommends libreoffice-calc-nogui; CI installs it",
    ),
]

NAMES = {
    "devanagari": "सेवा महिला गृह श्रमिक संघ",
    "thai": "สหภาพแรงงานผู้ทำงานที่บ้าน",
    "cyrillic": "Союз надомников",
}
# What a spreadsheet would run as a formula if the file let it.
FORMULA_LIKE = {"contact_phone": "=1+2", "city": "@x", "languages": "-y"}


@pytest.fixture
def affiliates(south_asia):
    """One affiliate per script; the Thai one named like a formula, all with formula-like text."""
    for n, name in enumerate(NAMES.values()):
        AffiliateFactory(
            region=south_asia,
            name=name,
            acronym="+Union" if n == 1 else "",
            founded_year=1990 + n,
            affiliated_on=dt.date(2024, 4, 8 + n),
            members_women=2978 + n,
            members_total=2978 + n,
            members_year=2025,
            **FORMULA_LIKE,
        )
    AffiliateFactory(region=south_asia, name="+Union")


def soffice_to_xlsx(files: list[Path], *, infilter: str | None = None) -> list[dict[str, list]]:
    """Each file opened and saved as XLSX by LibreOffice (one run), then read with openpyxl:
    per file, its rows below the header, each as {column: cell}."""
    work = files[0].parent
    command = [
        str(SOFFICE),
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        *([f"--infilter={infilter}"] if infilter else []),
        "--convert-to",
        "xlsx",
        "--outdir",
        str(work / "out"),
        *map(str, files),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    sheets = []
    for file in files:
        sheet = load_workbook(work / "out" / f"{file.stem}.xlsx").worksheets[0]
        rows = list(sheet.iter_rows())
        header = [cell.value for cell in rows[0]]
        sheets.append([dict(zip(header, row, strict=False)) for row in rows[1:]])
    return sheets


def assert_no_formula(rows: list[dict]) -> None:
    formulas = [cell.value for row in rows for cell in row.values() if cell.data_type == "f"]
    assert formulas == []


def by_name(rows: list[dict]) -> dict[str, dict]:
    return {row["name"].value: row for row in rows}


def test_libreoffice_reads_the_xlsx_export_typed_and_never_runs_its_text(
    client, staff_user, affiliates, tmp_path
):
    client.force_login(staff_user)
    export = tmp_path / "export.xlsx"
    export.write_bytes(client.get(reverse("admin:affiliates_affiliate_xlsx")).content)

    (rows,) = soffice_to_xlsx([export])

    assert_no_formula(rows)
    named = by_name(rows)
    assert set(NAMES.values()) | {"+Union"} == set(named)
    for n, name in enumerate(NAMES.values()):
        row = named[name]
        assert (row["founded_year"].data_type, row["founded_year"].value) == ("n", 1990 + n)
        assert (row["members_women"].data_type, row["members_women"].value) == ("n", 2978 + n)
        assert row["affiliated_on"].is_date
        assert row["affiliated_on"].value == dt.datetime(2024, 4, 8 + n)
        # Text cells: shown as typed, without the CSV's leading quote.
        assert {key: row[key].value for key in FORMULA_LIKE} == FORMULA_LIKE
        assert all(row[key].data_type == "s" for key in FORMULA_LIKE)
    assert named[NAMES["thai"]]["acronym"].value == "+Union"


def test_libreoffice_reads_the_csv_export_typed_and_shows_the_guarded_cells_as_text(
    client, staff_user, affiliates, tmp_path
):
    client.force_login(staff_user)
    export = tmp_path / "export.csv"
    response = client.get(reverse("admin:affiliates_affiliate_csv"))
    export.write_bytes(b"".join(response.streaming_content))
    # The same cells without the export's guard: shows that LibreOffice would run them.
    unguarded = tmp_path / "unguarded.csv"
    unguarded.write_text("name,contact_phone\nX,=1+2\n", encoding="utf-8")

    # Comma-separated, quoted with ", UTF-8 (76), from line 1: how a user opens the file.
    rows, control = soffice_to_xlsx([export, unguarded], infilter="CSV:44,34,76,1")

    assert control[0]["contact_phone"].data_type == "f"
    assert_no_formula(rows)
    named = by_name(rows)
    assert set(NAMES.values()) | {"'+Union"} == set(named)
    for n, name in enumerate(NAMES.values()):
        row = named[name]
        assert (row["founded_year"].data_type, row["founded_year"].value) == ("n", 1990 + n)
        assert (row["members_women"].data_type, row["members_women"].value) == ("n", 2978 + n)
        # LibreOffice reads a CSV's ISO 8601 dates (YYYY-MM-DD) as dates, even without its
        # "detect special numbers" option.
        assert row["affiliated_on"].is_date
        assert row["affiliated_on"].value == dt.datetime(2024, 4, 8 + n)
        # The guarded cells stay text, the export's quote visible before them.
        assert {key: row[key].value for key in FORMULA_LIKE} == {
            key: "'" + value for key, value in FORMULA_LIKE.items()
        }
    assert named[NAMES["thai"]]["acronym"].value == "'+Union"
