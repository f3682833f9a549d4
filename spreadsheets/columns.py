"""Every column an affiliate has as a spreadsheet row, declared once, and the files using them.

A column says what it is called in the files for machines (`header`: the staff's export and
import, the coordinators' export), what it is called in the public directory (`label`,
translated), where its value comes from (`source`, an ORM path read with values_list), and how
the value becomes a cell (`kind`). The lists at the end choose each file's columns, in order:

- STAFF_EXPORT: the staff's export (CSV and XLSX); IMPORTED, its first columns, are what an
  import reads back (the rest are informational: membership comes from declarations). Its XLSX
  writes a column's cells as its `kind` says (numbers, dates, text) and `width` characters wide.
- WORKSPACE_EXPORT: the coordinators' export of their region, private contacts included.
- DIRECTORY_EXPORT: the public directory's CSV, public fields only.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, F, Func, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Concat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from affiliates.choices import OrganisationType
from core.csv_writing import Neutralised, neutralised_sql

# How a value becomes a cell.
TEXT = "text"  # as it is
YES_NO = "yes_no"  # "yes" or "no" (translated in the directory); text in the XLSX too
NUMBER = "number"  # digits; nothing for none; a number cell in the XLSX
DATE = "date"  # YYYY-MM-DD; nothing for none; a date cell in the XLSX
# How many characters a cell of each kind usually needs (the XLSX's column widths).
WIDTHS = {TEXT: 18, YES_NO: 6, NUMBER: 8, DATE: 11}
SECTOR_SEPARATOR = ";"

# An expression giving the directory's cell, built per request (labels are translated).
PublicCell = Callable[["PublicContext"], Combinable]


@dataclass(frozen=True)
class PublicContext:
    """What the directory's cells are built from besides the row: where profiles are."""

    profile_base: str


class Label(Func):
    """A code looked up in a JSON object of labels passed as a parameter (PostgreSQL)."""

    template = "(%(expressions)s)"
    arg_joiner = "::jsonb ->> "
    output_field = CharField()


@dataclass(frozen=True)
class Column:
    key: str
    source: str
    kind: str = TEXT
    header: str = ""  # in the files for machines; the key when not given
    label: str | Promise = ""  # in the public directory (translated)
    # The staff CSV's cell in SQL, over `a` (the affiliate), `r` (its region), `p` (its
    # network) and `sec` (its sectors): when not given, derived from `kind` and `source`.
    sql: str = ""
    # The directory's cell, when not derived from `kind` and `source`.
    public: PublicCell | None = None
    # Characters a typical cell needs in the XLSX, when not the kind's (see WIDTHS).
    cell_width: int = 0

    @property
    def name(self) -> str:
        """The column's name in the files for machines."""
        return self.header or self.key

    @property
    def width(self) -> int:
        """The XLSX column's width in characters: a typical cell, or the header and its
        filter button."""
        return max(self.cell_width or WIDTHS[self.kind], len(self.name) + 3)

    def copy_sql(self) -> str:
        """The cell as the staff CSV's COPY writes it: the text export_cells() gives."""
        if self.sql:
            return self.sql
        column = f"a.{self.source}"
        if self.kind == YES_NO:
            return f"CASE WHEN {column} THEN 'yes' ELSE 'no' END"
        if self.kind == NUMBER:
            return f"COALESCE({column}::text, '')"
        if self.kind == DATE:
            return f"COALESCE(to_char({column}, 'YYYY-MM-DD'), '')"
        return neutralised_sql(column)

    def public_cell(self, context: PublicContext) -> Combinable:
        """The cell as the directory's COPY writes it (text neutralised, yes/no translated)."""
        if self.public is not None:
            return self.public(context)
        if self.kind == YES_NO:
            condition = {self.source: True}
            return Case(When(**condition, then=Value(_("yes"))), default=Value(_("no")))
        if self.kind == NUMBER:
            return F(self.source)
        return Neutralised(F(self.source))


def _choice_labels(choices: Iterable[tuple[Any, Any]]) -> Value:
    return Value(json.dumps({str(code): str(label) for code, label in choices}))


def _organisation_type_label(context: PublicContext) -> Combinable:
    return Label(_choice_labels(OrganisationType.choices), F("organisation_type"))


def _country_name(context: PublicContext) -> Combinable:
    return Label(_choice_labels(list(countries)), F("country"))


def _with_consent(field: str) -> PublicCell:
    """A public contact: only with the organisation's consent to publish it."""

    def cell(context: PublicContext) -> Combinable:
        return Case(When(publish_contact=True, then=Neutralised(F(field))), default=Value(""))

    return cell


def _profile(context: PublicContext) -> Combinable:
    return Concat(Value(context.profile_base), F("slug"), Value("/"), output_field=CharField())


COLUMNS = [
    Column("reference", "reference"),
    Column("slug", "slug", cell_width=24),
    Column("name", "name", label=gettext_lazy("Name"), cell_width=40),
    Column("acronym", "acronym", label=gettext_lazy("Acronym"), cell_width=10),
    Column("status", "status", cell_width=10),
    Column(
        "organisation_type_label",
        "organisation_type",
        label=gettext_lazy("Type of organisation"),
        public=_organisation_type_label,
    ),
    Column(
        "country",
        "country",
        label=gettext_lazy("Country code"),
        public=lambda c: F("country"),
        cell_width=4,
    ),
    Column("country_name", "country", label=gettext_lazy("Country"), public=_country_name),
    Column("region", "region__slug", sql=neutralised_sql("r.slug"), cell_width=12),
    Column("region_short_name", "region__short_name", header="region"),
    Column("region_name", "region__name", label=gettext_lazy("Regional network")),
    Column("city", "city", label=gettext_lazy("City or district"), cell_width=16),
    Column("languages", "languages", label=gettext_lazy("Languages"), cell_width=20),
    Column(
        "founded_year",
        "founded_year",
        NUMBER,
        label=gettext_lazy("Year founded"),
        public=lambda c: Cast("founded_year", CharField()),
    ),
    Column("is_registered", "is_registered", YES_NO),
    Column("registration_number", "registration_number"),
    Column("organisation_type", "organisation_type"),
    Column(
        "piece_rate_workers",
        "has_piece_rate_workers",
        YES_NO,
        label=gettext_lazy("Piece-rate workers"),
    ),
    Column(
        "self_employed_workers",
        "has_self_employed_workers",
        YES_NO,
        label=gettext_lazy("Self-employed workers"),
    ),
    # Slugs joined by SECTOR_SEPARATOR, filled in per batch of rows (sectors are many to many).
    Column("sectors", "pk", sql=neutralised_sql("COALESCE(sec.slugs, '')"), cell_width=24),
    Column("sector_names", "sector_names", label=gettext_lazy("Sectors")),
    Column(
        "parent_network",
        "parent_network__slug",
        sql=neutralised_sql("COALESCE(p.slug, '')"),
        cell_width=24,
    ),
    Column("description", "description", cell_width=50),
    Column("website", "website", label=gettext_lazy("Website"), cell_width=30),
    Column(
        "public_email",
        "public_email",
        label=gettext_lazy("Public email"),
        public=_with_consent("public_email"),
        cell_width=28,
    ),
    Column(
        "public_phone",
        "public_phone",
        label=gettext_lazy("Public phone"),
        public=_with_consent("public_phone"),
    ),
    Column("publish_contact", "publish_contact", YES_NO),
    Column("publish_contact_given_on", "publish_contact_given_on", DATE),
    Column("contact_name", "contact_name", cell_width=24),
    Column("contact_role", "contact_role"),
    Column("contact_email", "contact_email", cell_width=28),
    Column("contact_phone", "contact_phone"),
    Column("affiliated_on", "affiliated_on", DATE),
    Column("members_women", "members_women", NUMBER, label=gettext_lazy("Women members")),
    Column("members_men", "members_men", NUMBER, label=gettext_lazy("Men members")),
    Column("members_total", "members_total", NUMBER, label=gettext_lazy("Total members")),
    Column("members_year", "members_year", NUMBER, label=gettext_lazy("Membership declared for")),
    Column("updated_at", "updated_at"),
    Column("profile", "slug", label=gettext_lazy("Profile"), public=_profile),
]
BY_KEY = {column.key: column for column in COLUMNS}


def _chosen(*keys: str) -> list[Column]:
    return [BY_KEY[key] for key in keys]


# The staff's import columns, in file order (the export writes them first).
IMPORTED = _chosen(
    "slug",
    "name",
    "acronym",
    "country",
    "region",
    "city",
    "languages",
    "founded_year",
    "is_registered",
    "registration_number",
    "organisation_type",
    "piece_rate_workers",
    "self_employed_workers",
    "sectors",
    "parent_network",
    "description",
    "website",
    "public_email",
    "public_phone",
    "publish_contact",
    "publish_contact_given_on",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "status",
    "affiliated_on",
)
# Exported, ignored on import: membership comes from declarations (declaration_record).
INFORMATIONAL = _chosen("members_women", "members_men", "members_total", "members_year")
STAFF_EXPORT = IMPORTED + INFORMATIONAL

WORKSPACE_EXPORT = _chosen(
    "reference",
    "name",
    "acronym",
    "status",
    "region_short_name",
    "country",
    "city",
    "organisation_type",
    "members_women",
    "members_men",
    "members_total",
    "members_year",
    "website",
    "public_email",
    "public_phone",
    "publish_contact",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "updated_at",
)

DIRECTORY_EXPORT = _chosen(
    "name",
    "acronym",
    "organisation_type_label",
    "country",
    "country_name",
    "region_name",
    "city",
    "founded_year",
    "members_women",
    "members_men",
    "members_total",
    "members_year",
    "piece_rate_workers",
    "self_employed_workers",
    "sector_names",
    "languages",
    "website",
    "public_email",
    "public_phone",
    "profile",
)

FILES = {
    "staff export": STAFF_EXPORT,
    "workspace export": WORKSPACE_EXPORT,
    "directory export": DIRECTORY_EXPORT,
}


def files_of(column: Column) -> list[str]:
    """The files a column appears in."""
    return [name for name, columns in FILES.items() if column in columns]


def names(columns: list[Column]) -> list[str]:
    """The header of a file for machines."""
    return [column.name for column in columns]
