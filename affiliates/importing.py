"""Import affiliates from CSV or XLSX: all or nothing, with a row-by-row report.

Rows match an existing affiliate by slug, or else by name and country. Each row is checked with
the model's own validation (`full_clean`) and the region-for-country rule; the uniqueness rules
are checked for the whole file at once (against the registry and between rows), which keeps
10,000 rows within seconds. Nothing is written unless every row is acceptable, and every write
is recorded in the history (by the database's triggers) naming the importing user.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from homenet.history import acting
from regions.models import Region, RegionCountry

from .bulk import bulk_insert
from .csv_output import FORMULA_STARTS, NEUTRALISER
from .exporting import COLUMNS, INFORMATIONAL_COLUMNS, SECTOR_SEPARATOR
from .models import Affiliate, Sector, Status, StatusChange, normalise_name
from .selectors import public_cache_bump
from .services import RESERVED_SLUGS, region_for_country, sector_names_text

REQUIRED_COLUMNS = ["name", "country", "organisation_type"]
CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
ACTION_LABELS = {
    CREATE: pgettext_lazy("import row", "Create"),
    UPDATE: pgettext_lazy("import row", "Update"),
    UNCHANGED: pgettext_lazy("import row", "Unchanged"),
    REFUSED: pgettext_lazy("import row", "Refused"),
}
BATCH_SIZE = 1000
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


class FileRefused(Exception):
    """The file as a whole cannot be read: nothing in it is looked at row by row."""


class ChangedMeanwhile(Exception):
    """Affiliates the import would update were saved by someone else after they were read."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


@dataclass
class RowResult:
    number: int  # the line or sheet row, the header being 1
    action: str
    name: str
    slug: str = ""
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        """The action in the reader's language (`action` is a code, for CSS and tests)."""
        return str(ACTION_LABELS[self.action])


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    written: bool = False

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in (CREATE, UPDATE, UNCHANGED, REFUSED)}

    @property
    def refused(self) -> bool:
        return bool(self.file_errors) or self.count(REFUSED) > 0

    @property
    def changes_nothing(self) -> bool:
        return not self.refused and self.count(CREATE) == 0 and self.count(UPDATE) == 0

    def summary(self) -> str:
        if self.file_errors:
            return _("File refused: %(errors)s") % {"errors": " ".join(self.file_errors)}
        counts = self.counts
        if counts[REFUSED]:
            return _(
                "Nothing imported: %(refused)d of %(rows)d rows are refused. "
                "Fix them and try again."
            ) % {"refused": counts[REFUSED], "rows": len(self.rows)}
        if self.changes_nothing:
            return _("Nothing to change: all %(rows)d rows match the registry.") % {
                "rows": len(self.rows)
            }
        values = {"create": counts[CREATE], "update": counts[UPDATE], "same": counts[UNCHANGED]}
        if self.written:
            return _("Imported: %(create)d created, %(update)d updated, %(same)d unchanged.") % (
                values
            )
        return (
            _("Dry run: %(create)d would be created, %(update)d updated, %(same)d unchanged.")
            % values
        )


# Reading ---------------------------------------------------------------------------------------


def _is_xlsx(content: bytes, filename: str) -> bool:
    if filename.lower().endswith(".xlsx"):
        return True
    if filename.lower().endswith(".csv"):
        return False
    return content[:4] == b"PK\x03\x04"


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _read_csv(content: bytes) -> list[list[str]]:
    # Counting line ends is a cheap upper bound on the rows, known before parsing.
    if content.count(b"\n") > settings.IMPORT_MAX_ROWS + 1:
        raise FileRefused(
            _("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS}
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _(
                "The file is not UTF-8 text (byte %(position)d). Save it as “CSV UTF-8” and "
                "import it again."
            )
            % {"position": error.start + 1}
        ) from error
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many languages save CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise FileRefused(_("The CSV file is malformed: %(error)s") % {"error": error}) from error


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile as error:
        raise FileRefused(_("The file is not a valid XLSX workbook.")) from error
    # A small zip can expand to gigabytes: refuse it from the sizes its directory declares
    # (zipfile never inflates a member beyond its declared size).
    expanded = sum(member.file_size for member in members)
    if expanded > settings.IMPORT_MAX_EXPANDED_BYTES or len(members) > 1000:
        raise FileRefused(
            _("The workbook expands to %(size)d MB, more than the %(max)d MB allowed.")
            % {
                "size": expanded // 2**20,
                "max": settings.IMPORT_MAX_EXPANDED_BYTES // 2**20,
            }
        )
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > settings.IMPORT_MAX_ROWS + 1:
            raise FileRefused(
                _("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS}
            )
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > settings.IMPORT_MAX_ROWS + 1:
                raise FileRefused(
                    _("The file has more than %(max)d rows.") % {"max": settings.IMPORT_MAX_ROWS}
                )
        workbook.close()
        return rows
    except FileRefused:
        raise
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise FileRefused(_("The XLSX workbook cannot be read.")) from error


def read_table(content: bytes, filename: str) -> tuple[list[str], list[tuple[int, dict]]]:
    """The header and the non-empty rows (with their row numbers) of a CSV or XLSX file."""
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise FileRefused(
            _("The file is larger than %(max)d MB.") % {"max": settings.IMPORT_MAX_BYTES // 2**20}
        )
    table = _read_xlsx(content) if _is_xlsx(content, filename) else _read_csv(content)
    if not table:
        raise FileRefused(_("The file is empty."))
    header = [cell.strip().lower() for cell in table[0]]
    while header and header[-1] == "":
        header.pop()
    known = set(COLUMNS) | set(INFORMATIONAL_COLUMNS)
    problems = []
    unknown = [column for column in header if column not in known]
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        problems.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    repeated = sorted({column for column in header if header.count(column) > 1})
    if repeated:
        problems.append(_("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)})
    if problems:
        problems.append(
            _("The first row must name the columns: %(columns)s.") % {"columns": ", ".join(COLUMNS)}
        )
        raise FileRefused(" ".join(problems))
    rows = []
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        padded = cells + [""] * (len(header) - len(cells))
        rows.append((number, dict(zip(header, padded, strict=False))))
    if not rows:
        raise FileRefused(_("The file has a header but no rows."))
    return header, rows


# Checking --------------------------------------------------------------------------------------


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
        for chunk in _chunks(sorted(slugs)):
            matching = matching | Affiliate.objects.filter(slug__in=chunk)
        # By country, so that the (country, name_key) unique index serves the lookup.
        for country, keys in keys_by_country.items():
            for chunk in _chunks(sorted(keys)):
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
        for chunk in _chunks(sorted(bases)):
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


def _chunks(values: list, size: int = 5000):
    for start in range(0, len(values), size):
        yield values[start : start + size]


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


def _lock_unchanged(updates: list[_Planned], checked_at: dt.datetime | None) -> None:
    """Lock the rows the import updates; refuse if any was saved since the file was checked.

    The update writes whole rows from the copies read when the file was checked: a
    coordinator's edit saved in between would be overwritten without a word. Each row's
    `updated_at` must still be the one read then (and not after `checked_at`, the preview's
    time, when the file was previewed in an earlier request). Locked in id order, the
    order every bulk update here takes, so two imports cannot deadlock.
    """
    read_at = {p.affiliate.pk: p.affiliate.updated_at for p in updates}
    changed = 0
    seen = 0
    for chunk in _chunks(sorted(read_at)):
        locked = (
            Affiliate.objects.select_for_update()
            .filter(pk__in=chunk)
            .order_by("pk")
            .values_list("pk", "updated_at")
        )
        for pk, updated_at in locked:
            seen += 1
            if updated_at != read_at[pk] or (checked_at is not None and updated_at > checked_at):
                changed += 1
    changed += len(read_at) - seen  # deleted in the meantime
    if changed:
        raise ChangedMeanwhile(changed)


def _bulk_update(affiliates: list[Affiliate], fields: list[str]) -> None:
    """bulk_update(), faster: one UPDATE ... FROM unnest(arrays) per batch.

    Django's bulk_update writes a CASE WHEN per field whose cost grows with the square of the
    batch. The history triggers fire for it as for any UPDATE.
    """
    model_fields = [Affiliate._meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in model_fields)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in model_fields)
    assignments = ", ".join(
        f"{connection.ops.quote_name(f.column)} = v.{connection.ops.quote_name(f.column)}"
        for f in model_fields
    )
    statement = (
        f"UPDATE {Affiliate._meta.db_table} AS a SET {assignments} "
        f"FROM unnest(%s::integer[], {arrays}) AS v(id, {columns}) WHERE a.id = v.id"
    )
    with connection.cursor() as cursor:
        for chunk in _chunks(affiliates, BATCH_SIZE):
            params = [[a.pk for a in chunk]] + [
                [f.get_db_prep_save(getattr(a, f.attname), connection) for a in chunk]
                for f in model_fields
            ]
            cursor.execute(statement, params)


def _write(planned: list[_Planned], user, reason: str, checked_at: dt.datetime | None) -> None:
    """Write the planned rows; the triggers record each insert and update in the history."""
    through = Affiliate.sectors.through
    creates = [p for p in planned if p.result.action == CREATE]
    updates = [p for p in planned if p.result.action == UPDATE]
    _lock_unchanged(updates, checked_at)
    now = timezone.now()
    user = user if user is not None and user.is_authenticated else None

    sectors = Sector.objects.in_bulk()

    def names_of(sector_ids) -> str:
        # The searchable copy of the sectors' names (see affiliate_set_sectors).
        return sector_names_text(sectors[pk] for pk in sector_ids or ())

    new = [p.affiliate for p in creates]
    for p in creates:
        p.affiliate.name_key = normalise_name(p.affiliate.name)
        p.affiliate.created_by = user
        p.affiliate.sector_names = names_of(p.sector_ids)
    bulk_insert(Affiliate, new)
    bulk_insert(
        through,
        [
            through(affiliate_id=p.affiliate.pk, sector_id=sector_id)
            for p in creates
            for sector_id in sorted(p.sector_ids or ())
        ],
    )
    bulk_insert(
        StatusChange,
        [
            StatusChange(
                affiliate=a, from_status="", to_status=a.status, actor=user, comment=reason
            )
            for a in new
        ],
    )

    changed = [p.affiliate for p in updates]
    fields = sorted(
        {c for p in updates for c in p.result.changes if c != "sectors"} | {"updated_at"}
    )
    for affiliate in changed:
        affiliate.name_key = normalise_name(affiliate.name)
        affiliate.updated_at = now
    if "name" in fields:
        fields.append("name_key")
    moved = [p for p in updates if p.sectors_changed]
    for p in moved:
        p.affiliate.sector_names = names_of(p.sector_ids)
    if moved:
        fields.append("sector_names")
    _bulk_update(changed, fields)
    through.objects.filter(affiliate_id__in=[p.affiliate.pk for p in moved]).delete()
    through.objects.bulk_create(
        [
            through(affiliate_id=p.affiliate.pk, sector_id=sector_id)
            for p in moved
            for sector_id in sorted(p.sector_ids)
        ],
        batch_size=BATCH_SIZE * 5,
    )


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
            _write(planned, user, reason, checked_at)
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
