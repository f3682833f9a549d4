"""Text in an XLSX file: OOXML's own escape for characters XML would not keep.

An XML parser turns a carriage return in a cell's text into a line feed, so a description typed
in a browser (lines ending CR LF) would come back changed. OOXML writes it `_x000D_`, as Excel
does, and a text that itself holds `_x` and four hex digits and `_` gets its underscore escaped
(`_x005F_`). openpyxl neither writes nor reads these escapes: the export and the import do.
"""

import re

_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")
# Every underscore that starts an escape, overlapping ones too ("_x0041_x0042_").
_STARTS_ESCAPE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")


def escape(text: str) -> str:
    """The text as an XLSX cell holds it."""
    if "_x" in text:
        text = _STARTS_ESCAPE.sub("_x005F_", text)
    if "\r" in text:
        text = text.replace("\r", "_x000D_")
    return text


def unescape(text: str) -> str:
    """The text an XLSX cell holds, as it was written."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda match: chr(int(match.group(0)[2:6], 16)), text)
