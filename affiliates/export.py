"""The directory as CSV: public fields only, streamed, safe to open in a spreadsheet.

PostgreSQL writes the CSV itself (COPY ... TO STDOUT), which streams blocks as they come and
is many times faster than formatting rows in Python; SQLite rows go through Python's csv.
Either way a cell that a spreadsheet would read as a formula (it starts with = + - @, a tab
or a carriage return: OWASP's "CSV injection") gets a leading apostrophe, and the file starts
with a byte-order mark so that Excel reads UTF-8 (Devanagari, Thai, Cyrillic names).
"""

import csv
import io
import json
from collections.abc import Iterator

from django.db import connection
from django.db.models import Case, CharField, F, Func, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _
from django_countries import countries

from .models import OrganisationType

BOM = "\ufeff"
CHUNK_BYTES = 64 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Neutralised(Func):
    """A text column with an apostrophe before a leading formula character (PostgreSQL)."""

    template = (
        "CASE WHEN %(expressions)s ~ '^[-=+@\\t\\r]' "
        "THEN '''' || %(expressions)s ELSE %(expressions)s END"
    )
    output_field = CharField()


class Label(Func):
    """A code looked up in a JSON object of labels passed as a parameter (PostgreSQL)."""

    template = "(%(expressions)s)"
    arg_joiner = "::jsonb ->> "
    output_field = CharField()


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header() -> list[str]:
    return [
        _("Name"),
        _("Acronym"),
        _("Type of organisation"),
        _("Country code"),
        _("Country"),
        _("Regional network"),
        _("City or district"),
        _("Year founded"),
        _("Women members"),
        _("Men members"),
        _("Total members"),
        _("Membership declared for"),
        _("Piece-rate workers"),
        _("Self-employed workers"),
        _("Sectors"),
        _("Languages"),
        _("Website"),
        _("Public email"),
        _("Public phone"),
        _("Profile"),
    ]


def _line(values) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def directory_csv(queryset: QuerySet, profile_base: str) -> Iterator[str | bytes]:
    """The rows of `queryset` (already public, searched, ordered) as CSV chunks."""
    yield BOM + _line(header())
    if connection.vendor == "postgresql":
        yield from _postgresql_rows(queryset, profile_base)
    else:
        yield from _python_rows(queryset, profile_base)


def _postgresql_rows(queryset: QuerySet, profile_base: str) -> Iterator[bytes]:
    yes, no = _("yes"), _("no")
    text = {name: Neutralised(F(name)) for name in (
        "name", "acronym", "city", "sector_names", "languages", "website"
    )}  # fmt: skip
    consented = {
        name: Case(When(publish_contact=True, then=Neutralised(F(name))), default=Value(""))
        for name in ("public_email", "public_phone")
    }
    columns = queryset.annotate(
        c_name=text["name"],
        c_acronym=text["acronym"],
        c_type=Label(
            Value(json.dumps({k: str(v) for k, v in OrganisationType.choices})),
            F("organisation_type"),
        ),
        c_country=F("country"),
        c_country_name=Label(
            Value(json.dumps({code: str(name) for code, name in countries})), F("country")
        ),
        c_region=Neutralised(F("region__name")),
        c_city=text["city"],
        c_founded=Cast("founded_year", CharField()),
        c_women=F("members_women"),
        c_men=F("members_men"),
        c_total=F("members_total"),
        c_year=F("members_year"),
        c_piece=Case(When(has_piece_rate_workers=True, then=Value(yes)), default=Value(no)),
        c_self=Case(When(has_self_employed_workers=True, then=Value(yes)), default=Value(no)),
        c_sectors=text["sector_names"],
        c_languages=text["languages"],
        c_website=text["website"],
        c_email=consented["public_email"],
        c_phone=consented["public_phone"],
        c_profile=Concat(Value(profile_base), F("slug"), Value("/"), output_field=CharField()),
    )
    names = [name for name in columns.query.annotations if name.startswith("c_")]
    sql, params = columns.values_list(*names).query.sql_with_params()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            # COPY hands over one row at a time: send them on in chunks of about 64 KB.
            chunk = bytearray()
            for block in copy:
                chunk += block
                if len(chunk) >= CHUNK_BYTES:
                    yield bytes(chunk)
                    chunk.clear()
            yield bytes(chunk)


def _python_rows(queryset: QuerySet, profile_base: str) -> Iterator[str]:
    yes, no = _("yes"), _("no")
    types = dict(OrganisationType.choices)
    rows = queryset.values_list(
        "name", "acronym", "organisation_type", "country", "region__name", "city",
        "founded_year", "members_women", "members_men", "members_total", "members_year",
        "has_piece_rate_workers", "has_self_employed_workers", "sector_names", "languages",
        "website", "publish_contact", "public_email", "public_phone", "slug",
    )  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for count, row in enumerate(rows.iterator(chunk_size=2000), start=1):
        (name, acronym, org_type, country, region, city, founded, women, men, total, year,
         piece_rate, self_employed, sector_names, languages, website, consent, email, phone,
         slug) = row  # fmt: skip
        writer.writerow(
            [
                neutralise(name),
                neutralise(acronym),
                types.get(org_type, org_type),
                country,
                countries.name(country),
                neutralise(region),
                neutralise(city),
                founded or "",
                women,
                men,
                total,
                year or "",
                yes if piece_rate else no,
                yes if self_employed else no,
                neutralise(sector_names),
                neutralise(languages),
                neutralise(website),
                neutralise(email) if consent else "",
                neutralise(phone) if consent else "",
                f"{profile_base}{slug}/",
            ]
        )
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
