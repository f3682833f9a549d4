"""Import affiliates from CSV or XLSX: all or nothing, with a row-by-row report.

Rows match an existing affiliate by slug, or else by name and country. Each row is checked with
the model's own validation (`full_clean`) and the region-for-country rule; the uniqueness rules
are checked for the whole file at once (against the registry and between rows), which keeps
10,000 rows within seconds. Nothing is written unless every row is acceptable, and every write
is recorded in the history (by the database's triggers) naming the importing user.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from affiliates.models import Affiliate, Sector, Status, normalise_name
from affiliates.services import RESERVED_SLUGS, region_for_country
from core.csv_writing import FORMULA_STARTS, NEUTRALISER
from core.history import acting
from core.public_cache import public_cache_bump
from regions.models import Region, RegionCountry
from spreadsheets.export import SECTOR_SEPARATOR
from spreadsheets.import_report import (
    CREATE,
    REFUSED,
    UNCHANGED,
    UPDATE,
    ImportReport,
    RowResult,
)
from spreadsheets.import_writing import ChangedMeanwhile, chunks, write_rows
from spreadsheets.reading import FileRefused, read_table

# "+91 22 1234" or "-3" are phone numbers and numbers, not formulas.
_PLAIN_NUMBER = re.compile(r"^[+-][\d\s().\-/]*$")
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}

# Import column -> model attribute, for the columns that map one to one.
_TEXT_COLUMNS = [
    "acronym",
    "city",
    "languages",
    "registration_number",
    "organisation_type",
    "description",
    "website",
    "public_email",
    "public_phone",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
    "status",
]
_BOOL_COLUMNS = {
    "is_registered": "is_registered",
    "piece_rate_workers": "has_piece_rate_workers",
    "self_employed_workers": "has_self_employed_workers",
    "publish_contact": "publish_contact",
}
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


def _constraint_message(name: str) -> str:
    constraint = next(c for c in Affiliate._meta.constraints if c.name == name)
    return str(constraint.violation_error_message)


def _cell(raw: str, column: str, errors: list[str]) -> str:
    """A cell's value: a quote the export put before a formula character comes off again."""
    if raw.startswith(NEUTRALISER) and raw[1:2] and raw[1:].startswith(FORMULA_STARTS):
        return raw[1:]
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


class _Context:
    """Everything the rows are checked against, read in a handful of queries."""

    def __init__(self, rows: list[tuple[int, dict]]):
        self.region_of_country = {
            rc.country.code: rc.region for rc in RegionCountry.objects.select_related("region")
        }
        self.regions = {}
        for region in Region.objects.all():
            for key in (region.slug, region.short_name, region.name):
                self.regions[key.casefold()] = region
        self.sectors = {sector.slug: sector for sector in Sector.objects.all()}
        slugs = {cells.get("slug", "").strip() for _, cells in rows} - {""}
        keys_by_country: dict[str, set[str]] = {}
        for _number, cells in rows:
            country = cells.get("country", "").strip().upper()
            keys_by_country.setdefault(country, set()).add(normalise_name(cells.get("name", "")))
        parents = {cells.get("parent_network", "").strip() for _, cells in rows} - {""}
        self.by_slug: dict[str, Affiliate] = {}
        self.by_key: dict[tuple[str, str], Affiliate] = {}
        matching = Affiliate.objects.none()
        for chunk in chunks(sorted(slugs)):
            matching = matching | Affiliate.objects.filter(slug__in=chunk)
        # By country, so that the (country, name_key) unique index serves the lookup.
        for country, keys in keys_by_country.items():
            for chunk in chunks(sorted(keys)):
                matching = matching | Affiliate.objects.filter(country=country, name_key__in=chunk)
        for affiliate in matching.prefetch_related("sectors"):
            self.by_slug[affiliate.slug] = affiliate
            self.by_key[(affiliate.country.code, affiliate.name_key)] = affiliate
        self.parents = (
            dict(Affiliate.objects.filter(slug__in=parents).values_list("slug", "pk"))
            if parents
            else {}
        )
        self.taken_slugs = set(self.by_slug)
        bases = {slugify(cells.get("name", ""))[:200] for _, cells in rows}
        for chunk in chunks(sorted(bases)):
            self.taken_slugs.update(
                Affiliate.objects.filter(slug__in=chunk).values_list("slug", flat=True)
            )

    def new_slug(self, name: str) -> str:
        """Like services.unique_slug, but against slugs read once for the whole file."""
        base = slugify(name)[:200] or "organisation"
        candidate, counter = base, 1
        while (
            candidate in RESERVED_SLUGS
            or candidate in self.taken_slugs
            or (counter > 1 and Affiliate.objects.filter(slug=candidate).exists())
        ):
            counter += 1
            candidate = f"{base}-{counter}"
        self.taken_slugs.add(candidate)
        return candidate


def _snapshot(affiliate: Affiliate) -> dict:
    return {attr: getattr(affiliate, attr) for attr in TRACKED_ATTRS}


@dataclass
class _Planned:
    result: RowResult
    affiliate: Affiliate | None = None
    sector_ids: set[int] | None = None  # None: the sectors column is absent, keep them
    sectors_changed: bool = False


# Checked above from data read once per file (a query per row each in full_clean()).
_CHECKED_BY_THE_IMPORT = ["country", "region", "parent_network", "created_by", "name_key"]


def _validate_with_model(affiliate: Affiliate, errors: list[str]) -> None:
    """The model's own rules: every field's validation and clean().

    What full_clean() does, less the parts that cost a query per row: foreign keys and the
    covered country are checked from the maps in _Context, uniqueness and the database's check
    constraints for the whole file. clean() runs without the region, whose rule (the region
    must cover the country) holds by construction: the import takes the covering region.
    """
    region_id = affiliate.region_id
    try:
        affiliate.clean_fields(exclude=_CHECKED_BY_THE_IMPORT)
        affiliate.region_id = None
        affiliate.clean()
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            column = _COLUMN_OF_FIELD.get(field_name, field_name)
            errors.extend(f"{column}: {message}" for message in messages)
    finally:
        affiliate.region_id = region_id


def _plan_row(number: int, cells: dict, context: _Context, today: dt.date) -> _Planned:
    errors: list[str] = []
    values = {column: _cell(raw, column, errors) for column, raw in cells.items()}
    name, slug = values.get("name", ""), values.get("slug", "")
    result = RowResult(number=number, action=REFUSED, name=name, slug=slug, errors=errors)
    country = values.get("country", "").upper()
    key = (country, normalise_name(name))

    existing = context.by_slug.get(slug) if slug else None
    if existing is None:
        same_name = context.by_key.get(key)
        if same_name is not None and slug and same_name.slug != slug:
            errors.append(
                _("An organisation with this name in this country has the slug “%(slug)s”.")
                % {"slug": same_name.slug}
            )
        existing = same_name if not slug else None
    affiliate = existing or Affiliate(created_at=None)
    before = _snapshot(affiliate) if existing else None

    affiliate.name = name
    affiliate.country = country
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
        affiliate.publish_contact_given_on = None
        if given:
            try:
                affiliate.publish_contact_given_on = dt.date.fromisoformat(given)
            except ValueError:
                errors.append(_("publish_contact_given_on: write a date such as 2024-03-31."))
    if affiliate.publish_contact and not affiliate.publish_contact_given_on:
        affiliate.publish_contact_given_on = today
    affiliated_on = None
    if values.get("affiliated_on"):
        try:
            affiliated_on = dt.date.fromisoformat(values["affiliated_on"])
        except ValueError:
            errors.append(_("affiliated_on: write a date such as 2024-03-31."))
        else:
            if affiliated_on > today:
                errors.append(_("affiliated_on: the date is in the future."))

    # The region follows from the country; a region column, if any, must agree.
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
    named = values.get("region", "")
    if named:
        named_region = context.regions.get(named.casefold())
        if named_region is None:
            errors.append(_("region: unknown regional network “%(region)s”.") % {"region": named})
        elif region is not None and named_region != region:
            errors.append(
                _("region: %(country)s is covered by %(region)s, not %(named)s.")
                % {"country": country, "region": region.short_name, "named": named}
            )

    planned = _Planned(result=result, affiliate=affiliate)
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
        elif parent and parent == (slug or affiliate.slug):
            errors.append(f"parent_network: {_constraint_message('affiliate_not_its_own_parent')}")

    if existing is not None:
        if before["status"] != affiliate.status:
            errors.append(
                _(
                    "status: an import does not change a status (%(old)s); decisions are taken "
                    "one by one in the administration."
                )
                % {"old": before["status"]}
            )
        # Like the status, a lifecycle date: an empty cell leaves it, another date is refused.
        if affiliated_on is not None and affiliated_on != existing.affiliated_on:
            errors.append(
                _("affiliated_on: an import does not change the date of affiliation (%(old)s).")
                % {"old": existing.affiliated_on or "—"}
            )
    else:
        if slug:
            if slug in RESERVED_SLUGS or slug in context.taken_slugs:
                errors.append(_("slug: “%(slug)s” is taken.") % {"slug": slug})
            affiliate.slug = slug
            context.taken_slugs.add(slug)
        elif name:
            affiliate.slug = context.new_slug(name)
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

    # Rules of the database's check constraints, evaluated here to name the row at fault.
    if not (affiliate.has_piece_rate_workers or affiliate.has_self_employed_workers):
        errors.append(_constraint_message("affiliate_has_worker_category"))
    if affiliate.registration_number and not affiliate.is_registered:
        errors.append(_constraint_message("affiliate_registration_number_only_if_registered"))
    _validate_with_model(affiliate, errors)

    if existing is not None:
        changed = [a for a in TRACKED_ATTRS if before[a] != getattr(affiliate, a)]
        current = {s.pk for s in existing.sectors.all()}
        if planned.sector_ids is not None and planned.sector_ids != current:
            planned.sectors_changed = True
            changed.append("sectors")
        result.changes = [attr.removesuffix("_id") for attr in changed]
    result.slug = affiliate.slug
    if not errors:
        if existing is None:
            result.action = CREATE
        else:
            result.action = UPDATE if result.changes else UNCHANGED
    return planned


def _check_file_uniqueness(planned: list[_Planned]) -> None:
    """Two rows naming the same organisation: the later one is refused."""
    first_by_slug: dict[str, int] = {}
    first_by_key: dict[tuple[str, str], int] = {}
    for item in planned:
        affiliate, result = item.affiliate, item.result
        key = (str(affiliate.country), normalise_name(affiliate.name))
        for seen, value in ((first_by_slug, affiliate.slug), (first_by_key, key)):
            if not value or value == ("", ""):
                continue
            if value in seen:
                result.errors.append(
                    _("Row %(row)d already names this organisation.") % {"row": seen[value]}
                )
                result.action = REFUSED
                break
            seen[value] = result.number


def _check_registry_uniqueness(planned: list[_Planned], context: _Context) -> None:
    """A renamed or new organisation may not take the name of another one in its country."""
    for item in planned:
        affiliate = item.affiliate
        other = context.by_key.get((str(affiliate.country), normalise_name(affiliate.name)))
        if other is not None and other.pk != affiliate.pk and item.result.action != REFUSED:
            item.result.errors.append(_constraint_message("unique_affiliate_name_per_country"))
            item.result.action = REFUSED


# Writing ---------------------------------------------------------------------------------------


def affiliates_import(
    *,
    content: bytes,
    filename: str,
    user=None,
    dry_run: bool = False,
    checked_at: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check a CSV or XLSX file of affiliates and, unless it is a dry run, write it all or nothing.

    `progress(done, total)` is called as rows are checked. A concurrent write that trips a
    database rule makes the whole import fail cleanly (IntegrityError → file error), and so
    does an affiliate to update that was saved after it was read, or after `checked_at` (when
    the file was previewed): the import would overwrite that edit.
    """
    progress = progress or (lambda done, total: None)
    report = ImportReport(filename=filename, dry_run=dry_run)
    try:
        rows = read_table(content, filename)[1]
    except FileRefused as refusal:
        report.file_errors.append(str(refusal))
        return report
    context = _Context(rows)
    today = timezone.localdate()
    planned = []
    for number, cells in rows:
        planned.append(_plan_row(number, cells, context, today))
        if len(planned) % 250 == 0:
            progress(len(planned), len(rows))
    progress(len(rows), len(rows))
    _check_file_uniqueness(planned)
    _check_registry_uniqueness(planned, context)
    report.rows = [p.result for p in planned]
    if report.refused or dry_run or report.changes_nothing:
        return report
    reason = _("Import of %(file)s") % {"file": filename[:60]}
    try:
        with transaction.atomic(), acting(user, reason=reason):
            write_rows(
                [p for p in planned if p.result.action == CREATE],
                [p for p in planned if p.result.action == UPDATE],
                user,
                reason,
                checked_at,
            )
            transaction.on_commit(public_cache_bump)
    except ChangedMeanwhile as changed:
        report.file_errors.append(
            ngettext(
                "%(count)d affiliate changed while the file was being checked; check it again. "
                "Nothing was written.",
                "%(count)d affiliates changed while the file was being checked; check it again. "
                "Nothing was written.",
                changed.count,
            )
            % {"count": changed.count}
        )
        return report
    except IntegrityError:
        report.file_errors.append(
            _("The registry changed while the file was imported; nothing was written. Try again.")
        )
        return report
    report.written = True
    return report
