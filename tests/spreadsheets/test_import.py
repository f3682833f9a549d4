"""Importing affiliates from CSV and XLSX: dry run, all or nothing, refusals with reasons."""

import datetime as dt
import io
import threading
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from openpyxl import Workbook

from affiliates.choices import Status
from affiliates.models import Affiliate, StatusChange
from affiliates.services import AffiliateEditConflict, affiliate_update, bulk
from audit.history import record_history
from core.csv_writing import csv_lines
from spreadsheets import importing
from spreadsheets.exports import export_rows, xlsx_bytes
from spreadsheets.importing import CREATE, REFUSED, UNCHANGED, UPDATE, affiliates_import
from spreadsheets.models import ImportUpload
from spreadsheets.reading import IMPORT_COLUMNS as COLUMNS
from tests.clock import TODAY
from tests.factories import AffiliateFactory, SectorFactory
from tests.history import events, latest, reason, user_id

# Dates of affiliation default to today and may not be in the future; previews expire.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

HEADER = "name,country,organisation_type,piece_rate_workers,sectors,city,status\n"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode()


@pytest.fixture
def garments(db):
    return SectorFactory(slug="garments", name="Garments")


def test_a_dry_run_previews_row_by_row_and_writes_nothing(south_asia, garments, staff_user):
    existing = AffiliateFactory(region=south_asia, name="Sewa Mahila", country="IN")
    content = csv_file(
        "New Weavers,IN,cooperative,yes,garments,Surat,affiliated",
        "Sewa Mahila,IN,union,yes,,Ahmedabad,affiliated",
        "Bad Country,FR,union,yes,,Paris,applied",
    )

    report = affiliates_import(content=content, filename="f.csv", user=staff_user, dry_run=True)

    assert [row.action for row in report.rows] == [CREATE, UPDATE, REFUSED]
    assert report.rows[1].changes == ["city"]
    assert "No regional network covers this country" in " ".join(report.rows[2].errors)
    assert report.refused and not report.written
    assert Affiliate.objects.count() == 1
    existing.refresh_from_db()
    assert existing.city == ""


def test_one_bad_row_and_nothing_is_written(south_asia, staff_user):
    content = csv_file(
        "Good One,IN,union,yes,,,applied",
        "Good Two,NP,union,yes,,,applied",
        "No Category,IN,union,no,,,applied",
    )

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert not report.written
    assert [row.action for row in report.rows] == [CREATE, CREATE, REFUSED]
    assert "piece-rate workers, self-employed, or both" in report.rows[2].errors[0]
    assert not Affiliate.objects.exists()


def test_a_good_file_is_imported_with_history_by_the_staff_member(south_asia, garments, staff_user):
    content = csv_file(
        "New Weavers,IN,cooperative,yes,garments,Surat,affiliated",
        "Nepal Home Workers,NP,union,yes,,Kathmandu,applied",
    )

    report = affiliates_import(content=content, filename="regions.csv", user=staff_user)

    assert report.written and report.counts[CREATE] == 2
    weavers = Affiliate.objects.get(name="New Weavers")
    assert weavers.region == south_asia and weavers.slug == "new-weavers"
    assert list(weavers.sectors.values_list("slug", flat=True)) == ["garments"]
    assert weavers.affiliated_on is not None and weavers.created_by == staff_user
    (record,) = events(weavers)
    assert (record.pgh_label, user_id(record)) == ("insert", staff_user.pk)
    assert reason(record) == "Import of regions.csv"
    # The history carries the sectors as they were, like a save() would.
    assert record.sector_names == "Garments"
    change = StatusChange.objects.get(affiliate=weavers)
    assert (change.from_status, change.to_status) == ("", Status.AFFILIATED)
    assert (change.actor, change.comment) == (staff_user, "Import of regions.csv")


def test_imported_rows_are_found_by_search_and_later_records_get_fresh_ids(
    south_asia, garments, staff_user
):
    content = csv_file("New Weavers,IN,cooperative,yes,garments,Surat,affiliated")

    affiliates_import(content=content, filename="regions.csv", user=staff_user)
    later = AffiliateFactory(region=south_asia, name="Registered Afterwards")

    weavers = Affiliate.objects.get(name="New Weavers")
    assert later.pk > weavers.pk
    assert weavers.sector_names == "Garments"
    found = client_search("garments")
    assert "New Weavers" in found


def client_search(words: str) -> str:
    from django.test import Client

    return Client().get(reverse("affiliates:directory"), {"q": words}).content.decode()


def test_updates_record_what_changed_and_who_changed_it(south_asia, garments, staff_user):
    affiliate = AffiliateFactory(region=south_asia, name="Sewa Mahila", city="Surat")
    content = csv_file("Sewa Mahila,IN,union,yes,garments,Ahmedabad,affiliated")

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert report.written and report.rows[0].action == UPDATE
    update = latest(affiliate)
    assert update.pgh_label == "update" and user_id(update) == staff_user.pk
    entry = record_history(Affiliate, affiliate.pk)[0]
    assert {(c.field, c.old, c.new) for c in entry.changes} == {
        ("city or district", "Surat", "Ahmedabad"),
        ("sectors", "–", "Garments"),
    }
    affiliate.refresh_from_db()
    assert affiliate.city == "Ahmedabad"


def test_rows_match_by_slug_before_name(south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia, name="Old Name", slug="kept-slug")
    content = csv_file(
        "kept-slug,New Name,IN,union,yes",
        header="slug,name,country,organisation_type,piece_rate_workers\n",
    )

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert report.rows[0].action == UPDATE and report.rows[0].changes == ["name"]
    affiliate.refresh_from_db()
    assert affiliate.name == "New Name" and affiliate.name_key == "newname"


def exported_file(kind: str) -> bytes:
    """The staff's export of every affiliate, as the admin gives it."""
    if kind == "xlsx":
        return xlsx_bytes(Affiliate.objects.all())
    return "".join(csv_lines(export_rows(Affiliate.objects.all()))).encode()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_round_trip_changes_nothing_and_says_so(south_asia, garments, staff_user, kind):
    parent = AffiliateFactory(region=south_asia, organisation_type="network", sectors=[garments])
    AffiliateFactory(
        region=south_asia,
        parent_network=parent,
        public_phone="+91 22 5550 1234",
        contact_phone="=1+2",
        city="@home;=1+2, -3",
        languages="#N/A",
        # Typed in a browser (CR LF), and text that looks like OOXML's own escapes.
        description="=cmd|' /C calc'!A0 starts like a formula\r\nline _x000D_ two",
        is_registered=True,
        registration_number="-12-ab",
        publish_contact=True,
        publish_contact_given_on="2024-02-01",
        affiliated_on="2024-04-08",
        founded_year=1999,
        members_women=2978,
        members_total=2978,
        members_year=2025,
    )
    content = exported_file(kind)
    before = {a.pk: len(events(a)) for a in Affiliate.objects.all()}

    report = affiliates_import(content=content, filename=f"export.{kind}", user=staff_user)

    assert [row.action for row in report.rows] == [UNCHANGED, UNCHANGED], report.rows
    assert report.changes_nothing and "Nothing to change" in report.summary()
    assert {a.pk: len(events(a)) for a in Affiliate.objects.all()} == before


def test_an_xlsx_file_is_read_like_a_csv(south_asia, staff_user):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "name",
            "country",
            "organisation_type",
            "piece_rate_workers",
            "founded_year",
            "publish_contact",
            "publish_contact_given_on",
            "affiliated_on",
            "contact_phone",
            "status",
        ]
    )
    # Numbers, dates and booleans as a spreadsheet stores them; a text starting with "=".
    sheet.append(
        [
            "Lalitpur Knitters",
            "NP",
            "self_help_group",
            True,
            2004.0,
            True,
            dt.date(2024, 3, 31),
            dt.datetime(2024, 4, 8),
            "=1+2",
            "affiliated",
        ]
    )
    sheet["I2"].data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = affiliates_import(content=buffer.getvalue(), filename="f.xlsx", user=staff_user)

    assert report.written, report.rows
    imported = Affiliate.objects.get()
    assert imported.founded_year == 2004 and imported.has_piece_rate_workers
    assert imported.publish_contact_given_on == dt.date(2024, 3, 31)
    assert imported.affiliated_on == dt.date(2024, 4, 8)
    assert imported.contact_phone == "=1+2"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nom,pays\nA,IN\n", "Unknown columns: nom, pays"),
        (b"name,country\nA,IN\n", "Missing columns: organisation_type"),
        ("name,country,organisation_type\nCaf\u00e9,IN,union\n".encode("latin-1"), "not UTF-8"),
        (b"name,country,organisation_type\n", "no rows"),
        (b"", "empty"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(south_asia, content, message):
    report = affiliates_import(content=content, filename="f.csv")

    assert report.refused and message in report.file_errors[0]
    assert report.rows == []


def test_duplicate_rows_are_refused(south_asia, staff_user):
    content = csv_file("Twice,IN,union,yes,,,applied", "twice ,IN,union,yes,,,applied")

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert [row.action for row in report.rows] == [CREATE, REFUSED]
    assert "Row 2 already names this organisation." in report.rows[1].errors
    assert not Affiliate.objects.exists()


def test_unknown_region_sector_and_type_are_named(south_asia, staff_user):
    content = csv_file(
        "A,IN,union,yes,knitting,HN Mars",
        "B,IN,spaceship,yes,,HNSA",
        "C,IN,union,yes,,HNA",
        header="name,country,organisation_type,piece_rate_workers,sectors,region\n",
    )

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    errors = [" ".join(row.errors) for row in report.rows]
    assert "unknown regional network “HN Mars”" in errors[0]
    assert "sectors: unknown knitting" in errors[0]
    assert "organisation_type: Value 'spaceship' is not a valid choice" in errors[1]
    assert "region: unknown regional network “HNA”" in errors[2]


def test_a_region_that_does_not_cover_the_country_is_refused(south_asia, africa, staff_user):
    content = csv_file(
        "A,IN,union,yes,HNA", header="name,country,organisation_type,piece_rate_workers,region\n"
    )

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert "IN is covered by HNSA, not HNA" in report.rows[0].errors[0]


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "@SUM(A1)", "+cmd|x", "-2+3*A1"])
def test_formula_looking_cells_are_refused(south_asia, staff_user, cell):
    content = csv_file(f'Formula Co,IN,union,yes,,"{cell.replace(chr(34), chr(34) * 2)}",applied')

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert report.rows[0].action == REFUSED
    assert "looks like a spreadsheet formula" in report.rows[0].errors[0]


def test_phone_numbers_and_negative_numbers_are_not_formulas(south_asia, staff_user):
    content = csv_file(
        "Phone Co,IN,union,yes,+91 22 555 0101",
        header="name,country,organisation_type,piece_rate_workers,public_phone\n",
    )

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert report.written
    assert Affiliate.objects.get().public_phone == "+91 22 555 0101"


def test_an_import_does_not_change_a_status(south_asia, staff_user):
    AffiliateFactory(region=south_asia, name="Applicant", status=Status.APPLIED)
    content = csv_file("Applicant,IN,union,yes,,,affiliated")

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert report.rows[0].action == REFUSED
    assert "does not change a status" in report.rows[0].errors[0]


def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_parsing(south_asia, settings):
    settings.IMPORT_MAX_EXPANDED_BYTES = 10 * 2**20
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 2**20))
    assert len(buffer.getvalue()) < 100_000  # small on disk, 20 MB expanded

    report = affiliates_import(content=buffer.getvalue(), filename="payroll.xlsx")

    assert report.refused and "expands to 20 MB" in report.file_errors[0]


def test_size_and_row_limits_are_checked_before_parsing(south_asia, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = csv_file(*[f"Org {n},IN,union,yes,,,applied" for n in range(5)])
    assert "more than 2 rows" in affiliates_import(content=rows, filename="f.csv").file_errors[0]

    settings.IMPORT_MAX_BYTES = 10
    assert "larger than" in affiliates_import(content=rows, filename="f.csv").file_errors[0]


def test_a_semicolon_separated_file_is_understood(south_asia, staff_user):
    content = b"name;country;organisation_type;piece_rate_workers\nPunto Co;IN;union;yes\n"

    assert affiliates_import(content=content, filename="f.csv", user=staff_user).written


def test_the_command_imports_and_names_the_user_in_the_history(
    south_asia, staff_user, tmp_path, capsys
):
    path = tmp_path / "affiliates.csv"
    path.write_bytes(csv_file("Command Co,IN,union,yes,,,applied"))

    call_command("import_affiliates", str(path), "--user", "sam", verbosity=0)

    affiliate = Affiliate.objects.get(name="Command Co")
    assert [user_id(e) for e in events(affiliate)] == [staff_user.pk]
    assert "Imported: 1 created" in capsys.readouterr().out


def test_the_command_dry_run_writes_nothing(south_asia, tmp_path, capsys):
    path = tmp_path / "affiliates.csv"
    path.write_bytes(csv_file("Command Co,IN,union,yes,,,applied"))

    call_command("import_affiliates", str(path), "--dry-run", verbosity=0)

    assert "Dry run: 1 would be created" in capsys.readouterr().out
    assert not Affiliate.objects.exists()


def test_the_command_fails_on_a_refused_file(south_asia, tmp_path, capsys):
    path = tmp_path / "affiliates.csv"
    path.write_bytes(csv_file("Bad,FR,union,yes,,,applied"))

    with pytest.raises(CommandError, match="Nothing imported: 1 row of 1 is refused"):
        call_command("import_affiliates", str(path), verbosity=0)
    assert "row 2: refused Bad" in capsys.readouterr().out


def test_the_columns_the_export_writes_are_those_the_import_takes():
    assert COLUMNS[:4] == ["slug", "name", "acronym", "country"]


def test_an_update_writes_every_kind_of_column(south_asia, staff_user):
    parent = AffiliateFactory(region=south_asia, slug="parent-network")
    affiliate = AffiliateFactory(region=south_asia, slug="kept", name="Kept")
    header = (
        "slug,name,country,organisation_type,piece_rate_workers,self_employed_workers,"
        "founded_year,is_registered,registration_number,publish_contact,"
        "publish_contact_given_on,parent_network,status\n"
    )
    row = "kept,Kept Renamed,NP,cooperative,no,yes,1999,yes,R-1,yes,2024-02-01,parent-network,"
    content = csv_file(row + "affiliated", header=header)

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert report.written, report.rows
    affiliate.refresh_from_db()
    assert (affiliate.name, affiliate.name_key, affiliate.country.code) == (
        "Kept Renamed",
        "keptrenamed",
        "NP",
    )
    assert affiliate.organisation_type == "cooperative" and affiliate.founded_year == 1999
    assert (affiliate.has_piece_rate_workers, affiliate.has_self_employed_workers) == (False, True)
    assert (affiliate.is_registered, affiliate.registration_number) == (True, "R-1")
    assert str(affiliate.publish_contact_given_on) == "2024-02-01"
    assert affiliate.parent_network == parent
    assert latest(affiliate).parent_network_id == parent.pk


def test_a_formula_in_an_xlsx_cell_is_refused(south_asia, staff_user):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "country", "organisation_type", "piece_rate_workers", "city"])
    sheet.append(["Sheet Co", "IN", "union", "yes", '=HYPERLINK("http://evil.example","x")'])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = affiliates_import(content=buffer.getvalue(), filename="f.xlsx", user=staff_user)

    assert report.rows[0].action == REFUSED
    assert "looks like a spreadsheet formula" in report.rows[0].errors[0]


def test_a_row_without_a_country_is_refused(south_asia, staff_user):
    report = affiliates_import(content=csv_file("Nowhere Co,,union,yes"), filename="f.csv")

    assert report.rows[0].action == REFUSED
    assert "two-letter ISO code" in report.rows[0].errors[0]


def test_an_edit_saved_while_the_file_is_checked_is_not_overwritten(
    south_asia, staff_user, coordinator_south_asia, monkeypatch
):
    affiliate = AffiliateFactory(region=south_asia, name="Sewa Mahila", city="Surat")
    content = csv_file("Sewa Mahila,IN,union,yes,,Ahmedabad,affiliated")
    check_registry = importing._check_registry_uniqueness

    def coordinator_saves_meanwhile(planned, context):
        check_registry(planned, context)
        # After the rows were read and checked, before they are written.
        affiliate_update(affiliate=affiliate, updated_by=coordinator_south_asia, city="Vadodara")

    monkeypatch.setattr(importing, "_check_registry_uniqueness", coordinator_saves_meanwhile)
    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert not report.written
    assert report.file_errors == [
        "1 affiliate changed while the file was being checked; check it again. Nothing was written."
    ]
    affiliate.refresh_from_db()
    assert affiliate.city == "Vadodara"
    assert events(affiliate, pgh_context__user=staff_user.pk) == []


def test_a_nul_byte_is_refused_with_its_row_not_a_server_error(client, south_asia, staff_user):
    content = csv_file("Sewa Mahila,IN,union,yes,,Surat,applied", "Home\x00 Workers,IN,union,yes")
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:affiliates_affiliate_import"), {"file": SimpleUploadedFile("f.csv", content)}
    )

    assert response.status_code in (200, 400)
    assert "Row 3 holds a NUL character" in response.text
    assert not Affiliate.objects.exists()


def test_an_xlsx_cell_escaping_a_nul_is_refused(south_asia, staff_user):
    workbook = Workbook()
    workbook.active.append(["name", "country", "organisation_type"])
    workbook.active.append(["Home_x0000_Workers", "IN", "union"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = affiliates_import(content=buffer.getvalue(), filename="f.xlsx", user=staff_user)

    assert report.refused and "Row 2 holds a NUL character" in report.file_errors[0]


@pytest.mark.parametrize("line_end", ["\r", "\n", "\r\n"])
def test_the_row_limit_counts_every_kind_of_line_end(south_asia, settings, line_end):
    rows = ["name,country,organisation_type", *[f"Org {n},IN,union" for n in range(20_001)]]
    content = line_end.join(rows).encode()

    report = affiliates_import(content=content, filename="f.csv")

    assert settings.IMPORT_MAX_ROWS == 20_000
    assert report.refused and "more than 20000 rows" in report.file_errors[0]


def test_a_file_with_carriage_returns_alone_is_read_row_by_row(south_asia, staff_user):
    content = "name;country;organisation_type;piece_rate_workers\rA;IN;union;yes\rB;IN;union;yes"

    report = affiliates_import(content=content.encode(), filename="f.csv", user=staff_user)

    assert [row.action for row in report.rows] == [CREATE, CREATE]


def test_an_edit_saved_between_preview_and_confirmation_is_not_overwritten(
    client, south_asia, staff_user, coordinator_south_asia
):
    affiliate = AffiliateFactory(region=south_asia, name="Sewa Mahila", city="Surat")
    other = AffiliateFactory(region=south_asia, name="Other Union", city="Pune")
    content = csv_file(
        "Sewa Mahila,IN,union,yes,,Ahmedabad,affiliated",
        "Other Union,IN,union,yes,,Mumbai,affiliated",
    )
    client.force_login(staff_user)
    url = reverse("admin:affiliates_affiliate_import")
    client.post(url, {"file": SimpleUploadedFile("f.csv", content)})
    upload = ImportUpload.objects.get()
    affiliate_update(affiliate=affiliate, updated_by=coordinator_south_asia, city="Vadodara")

    confirmed = client.post(url, {"upload": str(upload.pk)}, follow=True)

    assert "1 affiliate changed while the file was being checked" in confirmed.text
    affiliate.refresh_from_db()
    other.refresh_from_db()
    assert (affiliate.city, other.city) == ("Vadodara", "Pune")


@pytest.mark.django_db(transaction=True)
def test_while_an_import_writes_an_edit_or_a_second_import_of_its_rows_waits_then_is_refused(
    south_asia, staff_user, coordinator_south_asia, monkeypatch
):
    """The import locks the rows it updates, before comparing them with what it checked and
    writing them (affiliates.services.bulk._lock_unchanged). Whoever saves one of them meanwhile, on
    another connection, waits for the import to commit and is then told the record changed:
    neither overwrites the other without a word. Rows the file does not touch stay free."""
    affiliate = AffiliateFactory(region=south_asia, name="Sewa Mahila", city="Surat")
    untouched = AffiliateFactory(region=south_asia, name="Other Union", city="Pune")
    content = csv_file("Sewa Mahila,IN,union,yes,,Ahmedabad,affiliated")
    opened_at = affiliate.updated_at  # the coordinator's edit form carries this version
    locked, release = threading.Event(), threading.Event()
    lock_unchanged = bulk._lock_unchanged

    def lock_then_hold(updates, checked_at):
        lock_unchanged(updates, checked_at)
        if not locked.is_set():  # the first import holds its locks until told to write
            locked.set()
            release.wait(timeout=30)

    monkeypatch.setattr(bulk, "_lock_unchanged", lock_then_hold)
    outcomes: dict[str, object] = {}

    def in_thread(name, work):
        def run():
            try:
                outcomes[name] = work()
            except Exception as error:  # the asserts below report it
                outcomes[name] = error
            finally:
                connection.close()

        thread = threading.Thread(target=run, name=name)
        thread.start()
        return thread

    def an_import():
        return affiliates_import(content=content, filename="f.csv", user=staff_user)

    def an_edit():
        return affiliate_update(
            affiliate=affiliate,
            updated_by=coordinator_south_asia,
            seen_updated_at=opened_at,
            city="Vadodara",
        )

    threads = [in_thread("first import", an_import)]
    try:
        assert locked.wait(timeout=30), outcomes
        # The import holds the row it updates, and only that one.
        with pytest.raises(OperationalError, match="could not obtain lock"), transaction.atomic():
            Affiliate.objects.select_for_update(nowait=True).get(pk=affiliate.pk)
        with transaction.atomic():
            Affiliate.objects.select_for_update(nowait=True).get(pk=untouched.pk)
        waiting = [in_thread("edit", an_edit), in_thread("second import", an_import)]
        threads += waiting
        for thread in waiting:
            thread.join(timeout=1)
        assert [t.name for t in waiting if t.is_alive()] == ["edit", "second import"], outcomes
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=30)

    assert outcomes["first import"].written, outcomes
    assert isinstance(outcomes["edit"], AffiliateEditConflict), outcomes
    second = outcomes["second import"]
    assert not second.written
    assert second.file_errors == [
        "1 affiliate changed while the file was being checked; check it again. Nothing was written."
    ]
    affiliate.refresh_from_db()
    assert affiliate.city == "Ahmedabad"


def test_the_preview_names_each_row_s_action_in_words(csrf_client, south_asia, staff_user):
    content = csv_file("New Weavers,IN,union,yes,,Surat,applied", "Bad Country,FR,union,yes,,,")
    csrf_client.force_login(staff_user)

    preview = csrf_client.submit(
        reverse("admin:affiliates_affiliate_import"),
        {"file": SimpleUploadedFile("f.csv", content)},
    )

    assert "<td>Create</td>" in preview.text and "<td>Refused</td>" in preview.text
    assert "<td>create</td>" not in preview.text and "<td>refused</td>" not in preview.text


def test_a_created_affiliate_keeps_the_date_of_affiliation_the_file_gives(south_asia, staff_user):
    content = csv_file(
        "Old Union,IN,union,yes,2009-05-01,affiliated",
        "New Union,IN,union,yes,,affiliated",
        "Left Union,IN,union,yes,2001-01-01,withdrawn",
        header="name,country,organisation_type,piece_rate_workers,affiliated_on,status\n",
    )

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert report.written, report.rows
    dates = dict(Affiliate.objects.values_list("name", "affiliated_on"))
    assert dates == {
        "Old Union": dt.date(2009, 5, 1),
        "New Union": TODAY,
        "Left Union": dt.date(2001, 1, 1),
    }


def test_a_date_of_affiliation_is_refused_where_it_cannot_be(south_asia, staff_user):
    AffiliateFactory(region=south_asia, name="Sewa Mahila", affiliated_on=dt.date(2010, 1, 1))
    content = csv_file(
        "Sewa Mahila,IN,union,yes,2012-01-01,affiliated",
        "Sewa Mahila2,IN,union,yes,2012-01-01,applied",
        "Sewa Mahila3,IN,union,yes,2999-01-01,affiliated",
        header="name,country,organisation_type,piece_rate_workers,affiliated_on,status\n",
    )

    report = affiliates_import(content=content, filename="f.csv", user=staff_user, dry_run=True)

    errors = [" ".join(row.errors) for row in report.rows]
    assert "does not change the date of affiliation (2010-01-01)" in errors[0]
    assert "the status Applied has no date of affiliation" in errors[1]
    assert "the date is in the future" in errors[2]


def test_a_rule_broken_during_the_copy_is_an_integrity_error(south_asia):
    from django.db import IntegrityError, transaction

    from affiliates.services.bulk import bulk_insert

    taken = AffiliateFactory(region=south_asia, name="Sewa Mahila", country="IN")
    twin = Affiliate(
        name="Sewa Mahila",
        name_key=taken.name_key,
        slug="sewa-mahila-2",
        country="IN",
        region=south_asia,
        organisation_type="union",
        has_piece_rate_workers=True,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(Affiliate, [twin])


def test_an_edit_saved_while_the_preview_runs_is_not_overwritten(
    client, south_asia, staff_user, coordinator_south_asia, monkeypatch
):
    from spreadsheets import admin_views

    affiliate = AffiliateFactory(region=south_asia, name="Sewa Mahila", city="Surat")
    content = csv_file("Sewa Mahila,IN,union,yes,,Ahmedabad,affiliated")
    real_import = admin_views.affiliates_import

    def preview_during_which_a_coordinator_saves(**kwargs):
        report = real_import(**kwargs)  # the preview has read the registry...
        if kwargs.get("dry_run"):  # ...when a coordinator saves, before the upload is kept
            affiliate_update(affiliate=affiliate, updated_by=coordinator_south_asia, city="Vapi")
        return report

    monkeypatch.setattr(admin_views, "affiliates_import", preview_during_which_a_coordinator_saves)
    client.force_login(staff_user)
    url = reverse("admin:affiliates_affiliate_import")
    client.post(url, {"file": SimpleUploadedFile("f.csv", content)})

    confirmed = client.post(url, {"upload": str(ImportUpload.objects.get().pk)}, follow=True)

    assert "1 affiliate changed while the file was being checked" in confirmed.text
    affiliate.refresh_from_db()
    assert affiliate.city == "Vapi"


def test_a_disguised_copy_of_a_name_matches_the_organisation(south_asia, staff_user):
    AffiliateFactory(region=south_asia, name="Sewa Mahila", country="IN", city="Surat")
    content = csv_file(
        "Sewa\u200b Mahila,IN,union,yes,,Surat,affiliated",  # zero-width space
        "\ufeffS\u0435wa Mahila,IN,union,yes,,Surat,affiliated",  # BOM, a Cyrillic е
    )

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert [row.action for row in report.rows] == [UNCHANGED, REFUSED]
    assert "Row 2 already names this organisation." in report.rows[1].errors


def test_an_imported_name_is_stored_without_invisible_characters(south_asia, staff_user):
    content = csv_file("Home\u202e Workers\u00ad,IN,union,yes,,Pune,applied")  # RLO, soft hyphen

    report = affiliates_import(content=content, filename="f.csv", user=staff_user)

    assert report.written
    assert Affiliate.objects.get().name == "Home Workers"
