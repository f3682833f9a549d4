"""Exporting affiliates: the columns the import takes, safe in a spreadsheet, streamed."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from affiliates.choices import Status
from affiliates.models import Affiliate
from core.csv_writing import csv_lines, neutralise
from spreadsheets.exports import EXPORT_COLUMNS, export_csv_chunks, export_rows
from tests.factories import AffiliateFactory, SectorFactory

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def read_csv(chunks) -> list[list[str]]:
    text = "".join(c.decode() if isinstance(c, bytes) else c for c in chunks)
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.fixture
def exported(south_asia):
    parent = AffiliateFactory(region=south_asia, name="Network", slug="network")
    sectors = [SectorFactory(slug="garments"), SectorFactory(slug="bidi-rolling")]
    affiliate = AffiliateFactory(
        region=south_asia,
        name="Sewa",
        slug="sewa",
        city=DANGEROUS[0],
        languages=DANGEROUS[1],
        description=DANGEROUS[2],
        contact_name=DANGEROUS[3],
        contact_role=DANGEROUS[4],
        acronym=DANGEROUS[5],
        parent_network=parent,
        sectors=sectors,
        members_women=90,
        members_men=10,
        members_total=100,
        members_year=2024,
        founded_year=1998,
        affiliated_on=dt.date(2024, 4, 8),
        publish_contact=True,
        publish_contact_given_on=dt.date(2024, 2, 1),
        public_phone="=1+2",
        is_registered=True,
        registration_number="#N/A",
    )
    return affiliate


def test_the_csv_has_the_import_columns_and_the_values(exported):
    rows = read_csv(csv_lines(export_rows(Affiliate.objects.filter(pk=exported.pk))))

    assert rows[0] == EXPORT_COLUMNS
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["slug"] == "sewa" and row["country"] == "IN" and row["region"] == "south-asia"
    assert row["sectors"] == "bidi-rolling;garments"
    assert row["parent_network"] == "network"
    assert row["piece_rate_workers"] == "yes" and row["self_employed_workers"] == "no"
    assert (row["members_total"], row["members_year"]) == ("100", "2024")
    assert row["contact_email"] == "private.person@example.org"


def test_cells_that_start_like_formulas_are_neutralised(exported):
    rows = read_csv(csv_lines(export_rows(Affiliate.objects.filter(pk=exported.pk))))
    row = dict(zip(rows[0], rows[1], strict=True))

    cells = [row[c] for c in ("city", "languages", "description", "contact_name")]
    assert cells == ["'=1+2", "'+SUM(A1)", "'-2+3", "'@cmd"]
    assert row["contact_role"] == "'\tTAB" and row["acronym"] == "'\rCR"
    assert all(neutralise(v)[0] not in "=+-@\t\r" for v in DANGEROUS)


def test_the_streamed_csv_has_the_cells_of_the_xlsx_rows(exported):
    queryset = Affiliate.objects.all()

    streamed = read_csv(export_csv_chunks(queryset))

    assert streamed == read_csv(csv_lines(export_rows(queryset)))
    # The rows came from COPY: it writes empty strings as "" (csv.writer leaves them bare).
    assert b'""' in b"".join(c for c in export_csv_chunks(queryset) if isinstance(c, bytes))


def test_a_formula_a_spreadsheet_could_split_off_is_neutralised_in_both_exports(south_asia):
    AffiliateFactory(
        region=south_asia, city="x;=1+2", description="a, =cmd|' /C calc'!A0", acronym="1;-2"
    )
    queryset = Affiliate.objects.all()

    for rows in (read_csv(export_csv_chunks(queryset)), read_csv(csv_lines(export_rows(queryset)))):
        row = dict(zip(rows[0], rows[1], strict=True))
        assert row["city"] == "x;'=1+2"
        assert row["description"] == "a, '=cmd|' /C calc'!A0"
        assert row["acronym"] == "1;'-2"


def test_staff_export_the_selection_as_csv_from_the_admin(client, staff_user, exported):
    client.force_login(staff_user)
    other = AffiliateFactory(region=exported.region, name="Other")

    response = client.post(
        reverse("admin:affiliates_affiliate_changelist"),
        {"action": "export_selected_csv", "_selected_action": [other.pk]},
    )

    assert response.status_code == 200 and response.streaming
    rows = read_csv(response.streaming_content)
    assert [r[1] for r in rows[1:]] == ["Other"]


def test_staff_export_the_current_filter(client, staff_user, exported):
    AffiliateFactory(region=exported.region, name="Applicant", status=Status.APPLIED)
    client.force_login(staff_user)

    response = client.get(reverse("admin:affiliates_affiliate_csv") + "?status__exact=applied")

    assert [r[1] for r in read_csv(response.streaming_content)[1:]] == ["Applicant"]


def xlsx_sheet(client):
    """The staff's XLSX export of every affiliate, as openpyxl reads it (cells and layout)."""
    response = client.get(reverse("admin:affiliates_affiliate_xlsx"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


def test_the_xlsx_holds_numbers_and_dates_as_such_and_text_as_text(client, staff_user, exported):
    client.force_login(staff_user)

    sheet = xlsx_sheet(client)

    header = [cell.value for cell in sheet[1]]
    assert header == EXPORT_COLUMNS and sheet.max_row == 3
    sewa = dict(zip(header, sheet[3], strict=True))
    assert sewa["slug"].value == "sewa"
    numbers = ["founded_year", "members_women", "members_men", "members_total", "members_year"]
    assert [(sewa[c].data_type, sewa[c].value) for c in numbers] == [
        ("n", 1998),
        ("n", 90),
        ("n", 10),
        ("n", 100),
        ("n", 2024),
    ]
    for column, day in [
        ("affiliated_on", dt.date(2024, 4, 8)),
        ("publish_contact_given_on", dt.date(2024, 2, 1)),
    ]:
        assert sewa[column].is_date and sewa[column].number_format == "yyyy-mm-dd"
        assert sewa[column].value.date() == day
    # Text that starts like a formula is a text cell, without the CSV's leading quote: a text
    # cell never runs. "#N/A" stays text too (openpyxl would make it an error cell).
    for column, text in [
        ("city", "=1+2"),
        ("public_phone", "=1+2"),
        ("languages", "+SUM(A1)"),
        ("description", "-2+3"),
        ("contact_name", "@cmd"),
        ("registration_number", "#N/A"),
    ]:
        assert (sewa[column].data_type, sewa[column].value) == ("s", text), column
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    assert (sewa["piece_rate_workers"].value, sewa["publish_contact"].value) == ("yes", "yes")
    # Nothing written where the record has nothing (the other affiliate has no founding year).
    network = {name: cell.value for name, cell in zip(header, sheet[2], strict=True)}
    assert network["slug"] == "network" and network["founded_year"] is None


def test_the_xlsx_header_is_frozen_filtered_and_columns_are_wide_enough(
    client, staff_user, exported
):
    client.force_login(staff_user)

    sheet = xlsx_sheet(client)

    assert sheet.freeze_panes == "A2"
    last = sheet.cell(row=1, column=len(EXPORT_COLUMNS)).column_letter
    assert sheet.auto_filter.ref == f"A1:{last}3"
    assert all(cell.font.b for cell in sheet[1])
    width = {
        name: sheet.column_dimensions[cell.column_letter].width
        for name, cell in zip(EXPORT_COLUMNS, sheet[1], strict=True)
    }
    # Every header fits with its filter button; names and descriptions get room.
    assert all(width[name] >= len(name) + 3 for name in EXPORT_COLUMNS), width
    assert width["name"] >= 40 and width["description"] >= 50
    assert width["country"] < width["name"]


def test_the_xlsx_export_is_capped(client, staff_user, exported, settings):
    client.force_login(staff_user)
    settings.EXPORT_XLSX_MAX_ROWS = 1

    response = client.get(reverse("admin:affiliates_affiliate_xlsx"), follow=True)

    assert "An XLSX export holds at most 1 rows" in response.content.decode()


def test_a_coordinator_cannot_export(client, coordinator_south_asia, exported):
    client.force_login(coordinator_south_asia)

    response = client.get(reverse("admin:affiliates_affiliate_csv"))

    assert response.status_code == 302 and "/admin/login/" in response.url
