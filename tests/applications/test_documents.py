"""Supporting documents: plain PDFs only; scripts, automatic actions and HTML polyglots refused."""

import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from affiliates.models import Affiliate
from applications.documents import pdf_refusal
from tests.applications.conftest import PDF

URL = "/apply/"
ACTIVE = "This PDF contains scripts or automatic actions"


def pdf(*objects: bytes) -> bytes:
    body = b"".join(b"%d 0 obj\n%s\nendobj\n" % (n, obj) for n, obj in enumerate(objects, 1))
    return b"%PDF-1.7\n" + body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def object_stream(objects: bytes, dictionary: bytes = b"/Type /ObjStm /N 1 /First 4") -> bytes:
    data = zlib.compress(b"2 0 " + objects)
    return b"<< %s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
        dictionary,
        len(data),
        data,
    )


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PLAIN_WITH_LINK = pdf(
    CATALOG,
    b"<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://example.org/) >> >>",
    object_stream(b"<< /Type /Page /Resources << /Font << /F1 5 0 R >> >> >>"),
)


@pytest.mark.parametrize("content", [PDF, PLAIN_WITH_LINK], ids=["minimal", "link-and-objstm"])
def test_a_plain_pdf_is_accepted(content):
    assert pdf_refusal(content) is None


@pytest.mark.parametrize(
    "content",
    [
        pdf(CATALOG, b"<< /S /JavaScript /JS (app.alert(1)) >>"),
        pdf(CATALOG, b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"),
        pdf(b"<< /Type /Catalog /OpenAction 2 0 R >>", b"<< /S /GoTo /D [3 0 R /Fit] >>"),
        pdf(CATALOG, b"<< /Type /Page /AA << /O 3 0 R >> >>"),
        pdf(CATALOG, b"<< /S /Launch /F (cmd.exe) >>"),
        pdf(CATALOG, b"<< /Names << /EmbeddedFiles 3 0 R >> >>"),
        pdf(CATALOG, b"<< /S /SubmitForm /F (https://evil.example/) >>"),
        pdf(CATALOG, object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")),
        # No /Type /ObjStm: a lenient viewer reads it as an object stream all the same.
        pdf(CATALOG, object_stream(b"<</JS(x)>>", dictionary=b"/N 1 /First 4")),
        pdf(CATALOG, object_stream(b"<< /S /J#61vaScript /JS (x) >>")),
    ],
    ids=[
        "javascript",
        "hex-escaped-javascript",
        "open-action",
        "additional-actions",
        "launch",
        "embedded-files",
        "submit-form",
        "flate-object-stream",
        "object-stream-without-type",
        "escaped-name-in-object-stream",
    ],
)
def test_a_pdf_with_active_content_is_refused(content):
    assert ACTIVE in (pdf_refusal(content) or "")


def test_an_object_stream_that_cannot_be_read_is_refused():
    broken = b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\nnot zlib\nendstream"

    assert ACTIVE in (pdf_refusal(pdf(CATALOG, broken)) or "")


def test_an_object_stream_inflating_past_the_budget_is_refused(monkeypatch):
    monkeypatch.setattr("applications.documents.OBJECT_STREAMS_MAX_BYTES", 1000)
    big = object_stream(b"<< /Type /Page >>" + b" " * 5000)

    assert ACTIVE in (pdf_refusal(pdf(CATALOG, big)) or "")


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><title>x</title>\n" + PDF,
        PDF.replace(b"%PDF-1.4\n", b"%PDF-1.4\n<html><body>hello</body></html>\n"),
        PDF.replace(b"%PDF-1.4\n", b"%PDF-1.4\n% <SCRIPT>alert(1)</SCRIPT>\n"),
        b"\n" + PDF,
    ],
    ids=["doctype-first", "html-after-header", "script-after-header", "header-not-at-start"],
)
def test_an_html_pdf_polyglot_is_not_a_pdf(content):
    assert "This file is not a PDF document" in (pdf_refusal(content) or "")


def test_the_applicant_is_told_to_send_a_plain_pdf(client, application):
    content = pdf(CATALOG, b"<< /S /JavaScript /JS (app.alert(1)) >>")
    upload = SimpleUploadedFile("constitution.pdf", content, content_type="application/pdf")

    response = client.post(URL, {**application, "document": upload})

    assert response.status_code == 200
    assert "save it again as a plain PDF" in response.content.decode().replace("Save", "save")
    assert not Affiliate.objects.exists()


def test_a_plain_pdf_with_a_link_is_kept(client, application):
    upload = SimpleUploadedFile("constitution.pdf", PLAIN_WITH_LINK)

    response = client.post(URL, {**application, "document": upload})

    assert response.status_code == 302
    assert Affiliate.objects.get().document
