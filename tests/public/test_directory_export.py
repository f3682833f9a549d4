"""/directory/export.csv: the directory's search as CSV, public fields only."""

import csv
import io

import pytest

from affiliates.choices import Status
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db
URL = "/directory/export.csv"


def download(client, params=None) -> tuple[bytes, list[list[str]]]:
    response = client.get(URL, params or {})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(
        chunk if isinstance(chunk, bytes) else chunk.encode()
        for chunk in response.streaming_content
    )
    return body, list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_it_starts_with_a_byte_order_mark_and_keeps_non_latin_names(client, south_asia):
    AffiliateFactory(region=south_asia, name="सेवा महिला संघ")
    AffiliateFactory(region=south_asia, name="Объединение надомников")
    AffiliateFactory(region=south_asia, name="กลุ่มแม่บ้าน")

    body, rows = download(client)

    assert body.startswith("\ufeff".encode())
    assert {row[0] for row in rows[1:]} == {
        "सेवा महिला संघ", "Объединение надомников", "กลุ่มแม่บ้าน",
    }  # fmt: skip


def test_it_has_only_public_affiliates_and_follows_the_search(client, south_asia, africa):
    AffiliateFactory(region=south_asia, name="Embroidery Makers")
    AffiliateFactory(region=africa, country="KE", name="Embroidery Kenya")
    AffiliateFactory(region=south_asia, name="Embroidery Applicants", status=Status.APPLIED)
    AffiliateFactory(region=south_asia, name="Embroidery Suspended", status=Status.SUSPENDED)

    _body, rows = download(client, {"q": "embroidery", "region": "south-asia"})

    assert [row[0] for row in rows[1:]] == ["Embroidery Makers"]
    assert rows[0][0] == "Name"


def test_contacts_appear_only_with_consent_and_private_ones_never(client, south_asia):
    AffiliateFactory(
        region=south_asia, name="Consenting", publish_contact=True,
        publish_contact_given_on="2024-01-01", public_email="yes@example.org",
        public_phone="+91 555 1234",
    )  # fmt: skip
    AffiliateFactory(
        region=south_asia, name="Private", public_email="no@example.org",
        public_phone="+91 555 9999",
    )  # fmt: skip

    body, rows = download(client, {"sort": "name"})
    text = body.decode("utf-8-sig")

    consenting, private = rows[1], rows[2]
    assert "yes@example.org" in consenting
    assert "'+91 555 1234" in consenting  # a leading + would start a formula
    assert "no@example.org" not in text
    assert "555 9999" not in text
    assert "private.person@example.org" not in text
    assert "Private Person" not in text
    assert private[0] == "Private"


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "+SUM(A1)", "-2+3", "@cmd"])
def test_cells_that_would_be_formulas_are_neutralised(client, south_asia, name):
    AffiliateFactory(region=south_asia, name=name, city="=1+1")

    _body, rows = download(client)

    assert rows[1][0] == "'" + name
    assert rows[1][6] == "'=1+1"
