"""Checking one row of an import: what it would create or change, or why it is refused.

A row matches an existing affiliate by slug, or else by name and country. It is checked with
the model's own validation and the region-for-country rule, against what ImportContext read
once for the whole file (a query per row would not keep 10,000 rows within seconds).
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from affiliates.choices import Status
from affiliates.models import Affiliate, Sector
from affiliates.rules import clean_name, normalise_name
from affiliates.services import SlugsInUse, chunks, region_for_country
from core.csv_writing import restore
from core.translated_fields import translated_fields
from regions.models import Region
from spreadsheets.columns import IMPORTED, SECTOR_SEPARATOR, TEXT, YES_NO
from spreadsheets.import_report import CREATE, REFUSED, UNCHANGED, UPDATE, RowResult

# "+91 22 1234" or "-3" are phone numbers and numbers, not formulas.
_PLAIN_NUMBER = re.compile(r"^[+-][\d\s().\-/]*$")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}

# Columns read with their own rules; the other text and yes/no columns set their field.
_OWN_RULES = {"slug", "name", "country"}
_TEXT_COLUMNS = [
    c.key for c in IMPORTED if c.kind == TEXT and c.source == c.key and c.key not in _OWN_RULES
]
_BOOL_COLUMNS = {c.key: c.source for c in IMPORTED if c.kind == YES_NO}
# Model attributes an import may change (compared to tell an update from "unchanged").
TRACKED_ATTRS = [
    "name",
    "slug",
    "country",
    "region_id",
    "founded_year",
    "parent_network_id",
    "publish_contact_given_on",
    *_TEXT_COLUMNS,
    *_BOOL_COLUMNS.values(),
]
_COLUMN_OF_FIELD = {attr: column for column, attr in _BOOL_COLUMNS.items()} | {
    "region": "region",
    "parent_network": "parent_network",
    "has_piece_rate_workers": "piece_rate_workers",
}


def name_key(country: Any, name: str) -> tuple[str, str]:
    """Two rows or records with this key name one organisation (see Affiliate.objects.named)."""
    return str(country).strip().upper(), normalise_name(name)


def constraint_message(name: str) -> str:
    constraint = next(c for c in Affiliate._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


class ImportContext:
    """Everything the rows are checked against, read in a handful of queries."""

    def __init__(self, rows: list[tuple[int, dict[str, str]]]):
        self.region_of_country = Region.objects.by_country()
        self.regions: dict[str, Region] = {}
        for region in Region.objects.all():
            # Its name in any language staff gave it (not only the importer's).
            names = [getattr(region, field) for field in translated_fields("name")]
            for key in (region.slug, region.short_name, *filter(None, names)):
                self.regions[key.casefold()] = region
        self.sectors = {sector.slug: sector for sector in Sector.objects.all()}
        self.by_slug: dict[str, Affiliate] = {}
        self.by_key: dict[tuple[str, str], Affiliate] = {}
        for affiliate in self._named_in(rows).prefetch_related("sectors"):
            self.by_slug[affiliate.slug] = affiliate
            self.by_key[(affiliate.country.code, affiliate.name_key)] = affiliate
        parents = {cells.get("parent_network", "").strip() for _, cells in rows} - {""}
        self.parents = (
            dict(Affiliate.objects.filter(slug__in=parents).values_list("slug", "pk"))
            if parents
            else {}
        )
        names = [cells.get("name", "") for _, cells in rows]
        self.slugs = SlugsInUse(names, known=self.by_slug)

    @staticmethod
    def _named_in(rows: list[tuple[int, dict[str, str]]]) -> Any:
        """The affiliates the rows name, by slug or by name and country."""
        slugs = {cells.get("slug", "").strip() for _, cells in rows} - {""}
        keys_by_country: dict[str, set[str]] = {}
        for _number, cells in rows:
            country, key = name_key(cells.get("country", ""), cells.get("name", ""))
            keys_by_country.setdefault(country, set()).add(key)
        matching = Affiliate.objects.none()
        for chunk in chunks(sorted(slugs)):
            matching = matching | Affiliate.objects.filter(slug__in=chunk)
        # Affiliate.objects.named() for many names: by country, so that the (country,
        # name_key) unique index serves the lookup.
        for country, keys in keys_by_country.items():
            for chunk in chunks(sorted(keys)):
                matching = matching | Affiliate.objects.filter(country=country, name_key__in=chunk)
        return matching


@dataclass
class PlannedRow:
    result: RowResult
    affiliate: Affiliate
    existing: Affiliate | None = None
    before: dict[str, Any] = field(default_factory=dict)  # an existing one's fields, as read
    sector_ids: set[int] | None = None  # None: the sectors column is absent, keep them
    sectors_changed: bool = False


def plan_row(
    number: int, cells: dict[str, str], context: ImportContext, today: dt.date
) -> PlannedRow:
    """What one row would do: its affiliate as it would be written, and its result."""
    errors: list[str] = []
    values = {column: _cell(raw, column, errors) for column, raw in cells.items()}
    name, slug = clean_name(values.get("name", "")), values.get("slug", "")
    result = RowResult(number=number, action=REFUSED, name=name, slug=slug, errors=errors)
    existing = _match(values, context, errors)
    planned = PlannedRow(result=result, affiliate=existing or Affiliate())
    if existing is not None:
        planned.existing = existing
        planned.before = {attr: getattr(existing, attr) for attr in TRACKED_ATTRS}
    affiliate = planned.affiliate
    country = values.get("country", "").upper()
    affiliate.name = name
    affiliate.country = country
    _set_fields(affiliate, values, errors, today)
    affiliated_on = _affiliated_on(values, today, errors)
    _set_region(affiliate, country, values.get("region", ""), context, errors)
    _set_sectors_and_network(planned, values, context, errors)
    if existing is not None:
        _keep_lifecycle(planned, affiliated_on, errors)
    else:
        _start_lifecycle(planned, values, affiliated_on, context, today)
    _check_model_rules(affiliate, errors)
    _conclude(planned)
    return planned


def _cell(raw: str, column: str, errors: list[str]) -> str:
    """A cell's value: the quotes the export put before formula characters come off again."""
    exported = restore(raw)
    if exported is not None:
        return exported
    value = raw.strip()
    if value.startswith(("=", "@")) or (
        value.startswith(("+", "-")) and not _PLAIN_NUMBER.match(value)
    ):
        errors.append(
            _("%(column)s: “%(value)s” looks like a spreadsheet formula; formulas are refused.")
            % {"column": column, "value": value[:40]}
        )
        return ""
    return value


def _boolean(value: str, column: str, errors: list[str]) -> bool:
    lowered = value.lower()
    if lowered in _YES:
        return True
    if lowered not in _NO:
        errors.append(_("%(column)s: write yes or no.") % {"column": column})
    return False


def _date(value: str) -> dt.date | None:
    """The date a cell gives (YYYY-MM-DD), or None when it gives none."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _match(values: dict[str, str], context: ImportContext, errors: list[str]) -> Affiliate | None:
    """The existing affiliate the row names: by its slug, or else by its name and country."""
    slug = values.get("slug", "")
    existing = context.by_slug.get(slug) if slug else None
    if existing is not None:
        return existing
    same_name = context.by_key.get(name_key(values.get("country", ""), values.get("name", "")))
    if same_name is not None and slug and same_name.slug != slug:
        errors.append(
            _("An organisation with this name in this country has the slug “%(slug)s”.")
            % {"slug": same_name.slug}
        )
    return same_name if not slug else None


def _set_fields(
    affiliate: Affiliate, values: dict[str, str], errors: list[str], today: dt.date
) -> None:
    """The columns that set one field each: text, yes/no, the year founded, consent's date."""
    for column in _TEXT_COLUMNS:
        if column in values:
            setattr(affiliate, column, values[column])
    for column, attr in _BOOL_COLUMNS.items():
        if column in values:
            setattr(affiliate, attr, _boolean(values[column], column, errors))
    if "founded_year" in values:
        year = values["founded_year"]
        affiliate.founded_year = None
        if year:
            if year.isdigit():
                affiliate.founded_year = int(year)
            else:
                errors.append(_("founded_year: write a year such as 1995."))
    if "publish_contact_given_on" in values:
        given = values["publish_contact_given_on"]
        affiliate.publish_contact_given_on = _date(given) if given else None
        if given and affiliate.publish_contact_given_on is None:
            errors.append(_("publish_contact_given_on: write a date such as 2024-03-31."))
    if affiliate.publish_contact and not affiliate.publish_contact_given_on:
        affiliate.publish_contact_given_on = today


def _affiliated_on(values: dict[str, str], today: dt.date, errors: list[str]) -> dt.date | None:
    if not values.get("affiliated_on"):
        return None
    affiliated_on = _date(values["affiliated_on"])
    if affiliated_on is None:
        errors.append(_("affiliated_on: write a date such as 2024-03-31."))
    elif affiliated_on > today:
        errors.append(_("affiliated_on: the date is in the future."))
    return affiliated_on


def _set_region(
    affiliate: Affiliate, country: str, named: str, context: ImportContext, errors: list[str]
) -> None:
    """The region follows from the country; a region column (`named`), if any, must agree."""
    region = context.region_of_country.get(country)
    if not country:
        errors.append(_("country: write the country's two-letter ISO code, e.g. IN or KE."))
    elif region is None:
        try:
            region_for_country(country)
        except ValidationError as error:
            errors.extend(f"country: {m}" for m in error.message_dict["country"])
    if region is not None:
        affiliate.region = region
    if not named:
        return
    named_region = context.regions.get(named.casefold())
    if named_region is None:
        errors.append(_("region: unknown regional network “%(region)s”.") % {"region": named})
    elif region is not None and named_region != region:
        errors.append(
            _("region: %(country)s is covered by %(region)s, not %(named)s.")
            % {"country": country, "region": region.short_name, "named": named}
        )


def _set_sectors_and_network(
    planned: PlannedRow, values: dict[str, str], context: ImportContext, errors: list[str]
) -> None:
    affiliate = planned.affiliate
    if "sectors" in values:
        slugs = [s.strip() for s in values["sectors"].split(SECTOR_SEPARATOR) if s.strip()]
        unknown = [s for s in slugs if s not in context.sectors]
        if unknown:
            errors.append(_("sectors: unknown %(sectors)s.") % {"sectors": ", ".join(unknown)})
        planned.sector_ids = {context.sectors[s].pk for s in slugs if s in context.sectors}
    if "parent_network" in values:
        parent = values["parent_network"]
        affiliate.parent_network_id = context.parents.get(parent) if parent else None
        if parent and affiliate.parent_network_id is None:
            errors.append(
                _("parent_network: no affiliate has the slug “%(slug)s”.") % {"slug": parent}
            )
        elif parent and parent == (values.get("slug", "") or affiliate.slug):
            errors.append(f"parent_network: {constraint_message('affiliate_not_its_own_parent')}")


def _keep_lifecycle(planned: PlannedRow, affiliated_on: dt.date | None, errors: list[str]) -> None:
    """An import changes neither an existing affiliate's status nor its date of affiliation."""
    old_status, existing = planned.before["status"], planned.existing
    assert existing is not None
    if old_status != planned.affiliate.status:
        errors.append(
            _(
                "status: an import does not change a status (%(old)s); decisions are taken "
                "one by one in the administration."
            )
            % {"old": old_status}
        )
    # Like the status, a lifecycle date: an empty cell leaves it, another date is refused.
    if affiliated_on is not None and affiliated_on != existing.affiliated_on:
        errors.append(
            _("affiliated_on: an import does not change the date of affiliation (%(old)s).")
            % {"old": existing.affiliated_on or "—"}
        )


def _start_lifecycle(
    planned: PlannedRow,
    values: dict[str, str],
    affiliated_on: dt.date | None,
    context: ImportContext,
    today: dt.date,
) -> None:
    """A new affiliate's slug, and its status as the file gives it (recorded when written)."""
    affiliate, errors = planned.affiliate, planned.result.errors
    slug = values.get("slug", "")
    if slug:
        if not context.slugs.is_free(slug):
            errors.append(_("slug: “%(slug)s” is taken.") % {"slug": slug})
        affiliate.slug = slug
        context.slugs.claim(slug)
    elif affiliate.name:
        affiliate.slug = context.slugs.new_slug(affiliate.name)
    # An existing organisation brought in from a region's records keeps the date the file
    # gives; an affiliated one without a date is dated today, as approving it would.
    if affiliated_on is not None:
        if affiliate.status in (Status.APPLIED, Status.RECOMMENDED, Status.REJECTED):
            errors.append(
                _(
                    "affiliated_on: an organisation with the status %(status)s has no "
                    "date of affiliation."
                )
                % {"status": affiliate.get_status_display()}
            )
        affiliate.affiliated_on = affiliated_on
    elif affiliate.status == Status.AFFILIATED:
        affiliate.affiliated_on = today
    affiliate.status_changed_at = timezone.now()


# Checked from data read once per file (a query per row each in full_clean()).
_CHECKED_BY_THE_IMPORT = ["country", "region", "parent_network", "created_by", "name_key"]


def _check_model_rules(affiliate: Affiliate, errors: list[str]) -> None:
    """The model's own rules: every field's validation, clean() and the check constraints.

    What full_clean() does, less the parts that cost a query per row: foreign keys and the
    covered country are checked from ImportContext, uniqueness for the whole file. clean() runs
    without the region, whose rule (the region must cover the country) holds by construction:
    the import takes the covering region. The database's check constraints are evaluated
    here to name the row at fault.
    """
    if not (affiliate.has_piece_rate_workers or affiliate.has_self_employed_workers):
        errors.append(constraint_message("affiliate_has_worker_category"))
    if affiliate.registration_number and not affiliate.is_registered:
        errors.append(constraint_message("affiliate_registration_number_only_if_registered"))
    region_id = affiliate.region_id
    try:
        affiliate.clean_fields(exclude=_CHECKED_BY_THE_IMPORT)
        # Unset for clean() only, restored below (the plugin types a required key as never None).
        affiliate.region_id = None  # type: ignore[assignment]
        affiliate.clean()
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            column = _COLUMN_OF_FIELD.get(field_name, field_name)
            errors.extend(f"{column}: {message}" for message in messages)
    finally:
        affiliate.region_id = region_id


def _conclude(planned: PlannedRow) -> None:
    """The row's action: refused with errors, else create, update (listing what) or unchanged."""
    result, affiliate, existing = planned.result, planned.affiliate, planned.existing
    if existing is not None:
        changed = [a for a in TRACKED_ATTRS if planned.before[a] != getattr(affiliate, a)]
        current = {s.pk for s in existing.sectors.all()}
        if planned.sector_ids is not None and planned.sector_ids != current:
            planned.sectors_changed = True
            changed.append("sectors")
        result.changes = [attr.removesuffix("_id") for attr in changed]
    result.slug = affiliate.slug
    if not result.errors:
        if existing is None:
            result.action = CREATE
        else:
            result.action = UPDATE if result.changes else UNCHANGED
