"""The directory as CSV: public fields only, streamed, safe to open in a spreadsheet.

PostgreSQL writes the CSV itself (COPY ... TO STDOUT) under csv_output's rules: formula cells
neutralised, a byte-order mark first.
"""

import json
from collections.abc import Iterator

from django.db.models import Case, CharField, F, Func, QuerySet, Value, When
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _
from django_countries import countries

from affiliates.models import OrganisationType
from core.csv_writing import Neutralised, copy_csv, csv_lines


class Label(Func):
    """A code looked up in a JSON object of labels passed as a parameter (PostgreSQL)."""

    template = "(%(expressions)s)"
    arg_joiner = "::jsonb ->> "
    output_field = CharField()


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


def directory_csv(queryset: QuerySet, profile_base: str) -> Iterator[str | bytes]:
    """The rows of `queryset` (already public, searched, ordered) as CSV chunks."""
    yield from csv_lines([header()])
    yield from _rows(queryset, profile_base)


def _rows(queryset: QuerySet, profile_base: str) -> Iterator[bytes]:
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
    return copy_csv(sql, params)
