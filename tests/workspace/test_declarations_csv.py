"""Declarations by CSV upload: a template to download, and a file accepted whole or not at all."""

import csv
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from affiliates.models import MembershipDeclaration
from affiliates.services import DeclarationBatchError, DeclarationRow, declarations_record
from spreadsheets.declarations import DECLARATIONS_MAX_BYTES
from tests.clock import YEAR
from tests.factories import AffiliateFactory, DeclarationFactory

# A file is for this page's year, which may not be in the future: the clock says which it is.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
HEADER = "reference,name,year,women,men,total"


@pytest.fixture
def pair(south_asia):
    return (
        AffiliateFactory(region=south_asia, name="A Union"),
        AffiliateFactory(region=south_asia, name="B Cooperative", country="NP"),
    )


@pytest.fixture
def signed_in(client, coordinator_south_asia):
    client.force_login(coordinator_south_asia)
    return client


def upload(client, content: bytes | str, name="declarations.csv", *, submit=False):
    if isinstance(content, str):
        content = content.encode("utf-8")
    url = reverse("workspace:declarations", args=[YEAR])
    data = {"upload": "1", "file": SimpleUploadedFile(name, content, content_type="text/csv")}
    return client.submit(url, data) if submit else client.post(url, data)


def lines(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


def test_the_template_lists_the_regions_affiliates_prefilled(signed_in, pair, africa):
    DeclarationFactory(affiliate=pair[0], year=YEAR, women=70, men=5, total=80)
    AffiliateFactory(region=africa, country="KE", name="Kenyan Union")

    response = signed_in.get(reverse("workspace:declarations_template", args=[YEAR]))

    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER.split(",")
    assert rows[1] == [pair[0].reference, "A Union", str(YEAR), "70", "5", "80"]
    assert rows[2] == [pair[1].reference, "B Cooperative", str(YEAR), "", "", ""]
    assert len(rows) == 3


def test_the_filled_in_template_saves_every_row(csrf_client, coordinator_south_asia, pair):
    csrf_client.force_login(coordinator_south_asia)
    template = b"".join(
        csrf_client.get(reverse("workspace:declarations_template", args=[YEAR])).streaming_content
    ).decode("utf-8-sig")
    filled = template.replace(f",{YEAR},,,", f",{YEAR},300,12,")

    response = upload(csrf_client, filled.encode("utf-8-sig"), submit=True)

    assert response.status_code == 302
    for affiliate in pair:
        affiliate.refresh_from_db()
        assert (affiliate.members_total, affiliate.members_year) == (312, YEAR)


def test_semicolons_from_a_european_spreadsheet_are_read(signed_in, pair):
    content = f"reference;name;year;women;men;total\n{pair[0].reference};A Union;{YEAR};9;1;\n"

    assert upload(signed_in, content).status_code == 302
    assert pair[0].declarations.get().total == 10


BAD_FILES = {
    "non-numeric": (lambda a, b: lines(f"{a},A,{YEAR},lots,1,"), "women must be a whole number"),
    "negative": (lambda a, b: lines(f"{a},A,{YEAR},5,-2,"), "men cannot be negative"),
    "total-below-sum": (
        lambda a, b: lines(f"{a},A,{YEAR},10,10,15"),
        "the total (15) is less than women plus men (20)",
    ),
    "future-year": (lambda a, b: lines(f"{a},A,{YEAR + 1},1,1,"), f"{YEAR + 1} is in the future"),
    "other-year": (
        lambda a, b: lines(f"{a},A,{YEAR - 1},1,1,"),
        f"the row is for {YEAR - 1}, this page records {YEAR}",
    ),
    "not-a-year": (lambda a, b: lines(f"{a},A,soon,1,1,"), "is not a year"),
    "wrong-header": (
        lambda a, b: f"ref,organisation,women,men\n{a},A,1,1\n",
        "The first row must be the header",
    ),
    "missing-columns": (lambda a, b: lines(f"{a},A,{YEAR},1"), "expected 6 columns, found 4"),
    "unknown-affiliate": (lambda a, b: lines(f"HN-0000-0000,X,{YEAR},1,1,"), "unknown affiliate"),
    "duplicate-row": (
        lambda a, b: lines(f"{a},A,{YEAR},1,1,", f"{a},A again,{YEAR},2,2,"),
        "A Union is already on row 3",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_refused_whole_with_a_clear_message(signed_in, pair, case):
    make, message = BAD_FILES[case]
    # A good row first: it must not be saved either.
    content = make(pair[0].reference, pair[1].reference)
    content = content.replace(HEADER + "\n", f"{HEADER}\n{pair[1].reference},B,{YEAR},50,1,\n")

    response = upload(signed_in, content)

    assert response.status_code == 400
    html = response.content.decode()
    assert "The file was refused; nothing was saved" in html
    assert message in " ".join(response.context["upload_errors"])
    assert not MembershipDeclaration.objects.exists()


def test_every_bad_row_is_listed_with_its_line(signed_in, pair):
    content = lines(
        f"{pair[0].reference},A,{YEAR},x,1,", f"{pair[1].reference},B,{YEAR},1,-1,", "HN-ZZ,Z,,1,1,"
    )

    errors = upload(signed_in, content).context["upload_errors"]

    assert [error.split(":")[0] for error in errors] == ["Row 2", "Row 3", "Row 4"]


def test_another_regions_affiliate_is_unknown_here(signed_in, pair, africa):
    kenyan = AffiliateFactory(region=africa, country="KE")

    response = upload(signed_in, lines(f"{kenyan.reference},K,{YEAR},1,1,"))

    assert "unknown affiliate" in " ".join(response.context["upload_errors"])
    assert not MembershipDeclaration.objects.exists()


def test_a_file_in_another_encoding_is_refused(signed_in, pair):
    content = lines(f"{pair[0].reference},Coopérative Señora,{YEAR},1,1,").encode("latin-1")

    response = upload(signed_in, content)

    assert "not UTF-8" in " ".join(response.context["upload_errors"])
    assert not MembershipDeclaration.objects.exists()


def test_binary_junk_is_refused(signed_in, pair):
    response = upload(signed_in, b"PK\x03\x04\x00\x00junk" + os.urandom(64).replace(b"\xff", b""))

    assert response.status_code == 400
    assert response.context["upload_errors"]
    assert not MembershipDeclaration.objects.exists()


def test_ten_megabytes_of_junk_are_refused_before_parsing(signed_in, pair, monkeypatch):
    parsed = []
    monkeypatch.setattr(
        "spreadsheets.declarations._declaration_rows", lambda *args: parsed.append(args) or []
    )

    response = upload(signed_in, b"a" * (10 * 1024 * 1024))

    assert response.status_code == 400
    assert "too large" in " ".join(response.context["upload_errors"])
    assert parsed == []
    assert DECLARATIONS_MAX_BYTES < 10 * 1024 * 1024


def test_an_empty_file_is_refused(signed_in, pair):
    response = upload(signed_in, b"")

    assert response.status_code == 400
    assert "The submitted file is empty." in response.content.decode()
    assert not MembershipDeclaration.objects.exists()


def test_the_service_writes_all_rows_or_none(coordinator_south_asia, pair):
    rows = [DeclarationRow(pair[0], 10, 1), DeclarationRow(pair[1], 10, 10, 5)]

    with pytest.raises(DeclarationBatchError) as refused:
        declarations_record(year=YEAR, rows=rows, recorded_by=coordinator_south_asia)

    assert list(refused.value.errors) == [1]
    assert not MembershipDeclaration.objects.exists()
    pair[0].refresh_from_db()
    assert pair[0].members_year is None


def test_the_service_refuses_another_regions_affiliate(coordinator_south_asia, africa):
    kenyan = AffiliateFactory(region=africa, country="KE")

    with pytest.raises(DeclarationBatchError):
        declarations_record(
            year=YEAR, rows=[DeclarationRow(kenyan, 1, 1)], recorded_by=coordinator_south_asia
        )
    assert not MembershipDeclaration.objects.exists()


def test_a_reference_typed_by_hand_is_read_as_crockford_reads_it(signed_in, pair):
    # Lower case, spaces for dashes, O for 0 and L for 1: what a person types from a letter.
    typed = pair[0].reference.lower().replace("-", " ").replace("0", "o").replace("1", "l")

    response = upload(signed_in, lines(f"{typed},A Union,{YEAR},70,5,80"))

    assert response.status_code == 302, response.context.get("upload_errors")
    declaration = MembershipDeclaration.objects.get(affiliate=pair[0], year=YEAR)
    assert (declaration.women, declaration.men, declaration.total) == (70, 5, 80)
