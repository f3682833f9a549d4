"""The declarations upload reads CSV as the import does: NUL bytes and line ends."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from spreadsheets.declarations import CSVRejected, declarations_csv_parse

HEADER = "reference,name,year,women,men,total"


def parse(text: str):
    upload = SimpleUploadedFile("d.csv", text.encode())
    return declarations_csv_parse(upload, year=2024, find_affiliates=lambda references: {})


def test_a_nul_byte_is_refused_naming_its_row():
    with pytest.raises(CSVRejected) as refused:
        parse(f"{HEADER}\r\nHN-7K3M-Q9PX,Sewa,2024,1,2,3\r\nHN-7K3M-Q9PY,Ho\x00me,2024,1,2,3")

    assert refused.value.errors == [
        "Row 3 holds a NUL character, which a text file never does: this is not a CSV file as "
        "a spreadsheet saves it. Save it as “CSV UTF-8” and try again."
    ]


def test_carriage_returns_alone_end_rows_and_the_delimiter_is_the_first_lines():
    with pytest.raises(CSVRejected) as refused:
        name = "Sewa, Mahila, Surat, Gujarat, India, a, b, c, d, e, f, g"  # more commas than ;
        parse(f"{HEADER.replace(',', ';')}\rHN-7K3M-Q9PX;{name};2024;1;2;3")

    # Read as two rows of six cells (";" from the first line): only the reference is unknown.
    assert len(refused.value.errors) == 1 and "HN-7K3M-Q9PX" in refused.value.errors[0]
