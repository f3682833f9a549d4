"""Is an uploaded supporting document a plain PDF? pdf_refusal() says why not, or None.

Refused:
- anything whose first bytes are not `%PDF-`, with no `%%EOF` near the end, or with HTML in its
  first 1024 bytes (an HTML/PDF polyglot a browser could render as a page);
- a PDF naming active content anywhere: scripts (/JavaScript, /JS), actions run on opening or
  on an event (/OpenAction, /AA), launching programs or other files (/Launch, /GoToR, /GoToE),
  embedded files, Flash and XFA forms (/EmbeddedFile(s), /RichMedia, /XFA), and forms that send
  or load data (/SubmitForm, /ImportData).
  Links (/URI) are accepted: a viewer asks before opening them, and a constitution may cite a
  web page.

Names are matched after decoding their `#xx` escapes (`/J#61vaScript` is /JavaScript), in the
raw file and inside object streams (where a PDF 1.5 file may keep its dictionaries compressed):
those are inflated with zlib, up to OBJECT_STREAMS_MAX_BYTES in all. An object stream that
cannot be read (another filter, corrupt data, or past that budget) is refused too, since what
it holds cannot be checked. Other streams (page contents, images, fonts) cannot hold
dictionaries, so they are not inflated; their compressed bytes are still scanned with the rest
of the file, so a random hit in binary data (a `/JS` followed by a delimiter) is possible but
rare, and saving the file again changes those bytes.
"""

import re
import zlib

from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"
OBJECT_STREAMS_MAX_BYTES = 32 * 1024 * 1024

NOT_A_PDF = _("This file is not a PDF document. Only PDF files are accepted.")
ACTIVE_CONTENT = _(
    "This PDF contains scripts or automatic actions, which are not accepted. Save it again "
    "as a plain PDF (for example with Print to PDF) and send that."
)

ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"OpenAction",
        b"AA",
        b"Launch",
        b"GoToR",
        b"GoToE",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"XFA",
        b"SubmitForm",
        b"ImportData",
    }
)
HTML_MARKERS = (b"<html", b"<script", b"<!doctype")

# A name: a solidus then regular characters, up to whitespace or a delimiter (PDF 32000 7.2.2).
NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
STREAM_START = re.compile(rb"stream\r?\n")
OBJ_KEYWORD = re.compile(rb"\bobj\b")


def decode_name(raw: bytes) -> bytes:
    return HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def names_in(data: bytes) -> set[bytes]:
    return {decode_name(m.group(1)) for m in NAME.finditer(data)}


def has_active_names(data: bytes) -> bool:
    return not ACTIVE_NAMES.isdisjoint(names_in(data))


def object_streams(content: bytes):
    """(dictionary names, raw stream data) of each stream that holds objects (has /First)."""
    for match in STREAM_START.finditer(content):
        if content[max(0, match.start() - 9) : match.start()].endswith(b"end"):
            continue  # "endstream", not the start of a stream
        # The stream's dictionary sits between its "N G obj" and "stream".
        before = content[max(0, match.start() - 4096) : match.start()]
        objs = list(OBJ_KEYWORD.finditer(before))
        dictionary = before[objs[-1].end() :] if objs else before
        names = names_in(dictionary)
        if b"First" not in names and b"ObjStm" not in names:
            continue
        end = content.find(b"endstream", match.end())
        yield names, content[match.end() : end if end != -1 else len(content)]


def inflated_object_streams_have_active_names(content: bytes) -> bool | None:
    """True or False; None when an object stream cannot be read within the budget."""
    budget = OBJECT_STREAMS_MAX_BYTES
    for names, data in object_streams(content):
        filters = names & {
            b"FlateDecode",
            b"Fl",
            b"LZWDecode",
            b"LZW",
            b"ASCII85Decode",
            b"A85",
            b"ASCIIHexDecode",
            b"AHx",
            b"RunLengthDecode",
            b"RL",
            b"Crypt",
        }
        if not filters:
            inflated = data  # stored uncompressed: already scanned with the raw file
        elif filters <= {b"FlateDecode", b"Fl"}:
            inflater = zlib.decompressobj()
            try:
                inflated = inflater.decompress(data, budget + 1)
            except zlib.error:
                return None
            if len(inflated) > budget:
                return None
        else:
            return None
        budget -= len(inflated)
        if has_active_names(inflated):
            return True
    return False


def pdf_refusal(content: bytes) -> str | None:
    """Why this document is refused (a message for the applicant), or None for a plain PDF."""
    head = content[:1024]
    if not head.startswith(PDF_MAGIC) or b"%%EOF" not in content[-2048:]:
        return str(NOT_A_PDF)
    lowered = head.lower()
    if any(marker in lowered for marker in HTML_MARKERS):
        return str(NOT_A_PDF)
    if has_active_names(content):
        return str(ACTIVE_CONTENT)
    if inflated_object_streams_have_active_names(content) is not False:
        return str(ACTIVE_CONTENT)
    return None
