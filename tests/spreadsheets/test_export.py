"""Exporting affiliates: the columns the import takes, safe in a spreadsheet, streamed."""

import csv
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


def test_the_xlsx_export_is_neutralised_and_capped(client, staff_user, exported, settings):
    client.force_login(staff_user)

    response = client.get(reverse("admin:affiliates_affiliate_xlsx"))

    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == EXPORT_COLUMNS and len(rows) == 3
    sewa = next(r for r in rows if r[0] == "sewa")
    assert sewa[EXPORT_COLUMNS.index("city")] == "'=1+2"

    settings.EXPORT_XLSX_MAX_ROWS = 1
    response = client.get(reverse("admin:affiliates_affiliate_xlsx"), follow=True)
    assert "An XLSX export holds at most 1 rows" in response.content.decode()


def test_a_coordinator_cannot_export(client, coordinator_south_asia, exported):
    client.force_login(coordinator_south_asia)

    response = client.get(reverse("admin:affiliates_affiliate_csv"))

    assert response.status_code == 302 and "/admin/login/" in response.url
