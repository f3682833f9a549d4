"""Writes to affiliates. Views, admin, commands and the API all go through these functions."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from regions.models import Region

from .models import Affiliate, MembershipDeclaration, Sector, Status, StatusChange
from .selectors import public_cache_bump


def region_for_country(country) -> Region:
    """The regional network covering a country, or a ValidationError on the country field."""
    region = Region.objects.covering(country).first()
    if region is None:
        raise ValidationError(
            {"country": _("No regional network covers this country yet. Write to the network.")}
        )
    return region


# Slugs that would shadow a fixed address such as /workspace/affiliates/new/.
RESERVED_SLUGS = {"new", "export", "edit"}


def unique_slug(name: str) -> str:
    """A readable, unique slug for a new affiliate; names in any script still get one."""
    base = slugify(name)[:200] or "organisation"
    candidate, counter = base, 1
    while candidate in RESERVED_SLUGS or Affiliate.objects.filter(slug=candidate).exists():
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate


def _save_checked(affiliate: Affiliate) -> None:
    """Validate against every model rule, then save; a lost race on a constraint reads the same."""
    affiliate.full_clean()
    try:
        with transaction.atomic():
            affiliate.save()
    except IntegrityError:
        # Another request saved the same organisation between our check and our write.
        affiliate.validate_constraints()
        raise
    transaction.on_commit(public_cache_bump)


@transaction.atomic
def affiliate_create(
    *,
    name: str,
    country: str,
    organisation_type: str,
    created_by=None,
    status: str = Status.APPLIED,
    sectors: Iterable[Sector] = (),
    comment: str = "",
    **details,
) -> Affiliate:
    """Register an organisation in the region that covers its country.

    `details` are further Affiliate fields (city, contacts, worker categories...); every model
    rule is checked before anything is written.
    """
    affiliate = Affiliate(
        name=name.strip(),
        country=country,
        organisation_type=organisation_type,
        status=status,
        created_by=created_by if created_by and created_by.is_authenticated else None,
        **details,
    )
    if affiliate.publish_contact and not affiliate.publish_contact_given_on:
        affiliate.publish_contact_given_on = timezone.localdate()
    if status == Status.AFFILIATED and not affiliate.affiliated_on:
        affiliate.affiliated_on = timezone.localdate()
    affiliate.region = region_for_country(country)
    affiliate.slug = unique_slug(affiliate.name)
    _save_checked(affiliate)
    affiliate_set_sectors(affiliate, sectors)
    StatusChange.objects.create(
        affiliate=affiliate,
        from_status="",
        to_status=status,
        actor=affiliate.created_by,
        comment=comment,
    )
    return affiliate


def affiliate_set_sectors(affiliate: Affiliate, sectors: Iterable[Sector]) -> Affiliate:
    """Set an affiliate's sectors and the denormalised names the search vector is built from.

    Every write of an affiliate's sectors goes through here (forms, admin, imports).
    """
    affiliate.sectors.set(sectors)
    return affiliate_refresh_sector_names(affiliate)


def affiliate_refresh_sector_names(affiliate: Affiliate) -> Affiliate:
    """Copy the sectors' names into `sector_names` (the search covers them through it)."""
    affiliate.sector_names = sector_names_text(affiliate.sectors.all())
    Affiliate.objects.filter(pk=affiliate.pk).update(sector_names=affiliate.sector_names)
    transaction.on_commit(public_cache_bump)
    return affiliate


def sector_names_text(sectors: Iterable[Sector]) -> str:
    return ", ".join(sorted(sector.name for sector in sectors))


@transaction.atomic
def sector_save(sector: Sector) -> Sector:
    """Save a sector; a renamed sector is renamed in every affiliate's searchable text."""
    sector.full_clean()
    sector.save()
    affiliates = Affiliate.objects.filter(sectors=sector).prefetch_related("sectors")
    batch = []
    for affiliate in affiliates.iterator(chunk_size=2000):
        affiliate.sector_names = sector_names_text(affiliate.sectors.all())
        batch.append(affiliate)
    Affiliate.objects.bulk_update(batch, ["sector_names"], batch_size=2000)
    transaction.on_commit(public_cache_bump)
    return sector


def affiliate_refresh_membership(affiliate: Affiliate) -> Affiliate:
    """Make the affiliate's current figures those of its latest declaration."""
    transaction.on_commit(public_cache_bump)
    latest = affiliate.declarations.order_by("-year").first()
    if latest is None:
        affiliate.members_women = affiliate.members_men = affiliate.members_total = 0
        affiliate.members_year = None
    else:
        affiliate.members_women = latest.women
        affiliate.members_men = latest.men
        affiliate.members_total = latest.total
        affiliate.members_year = latest.year
    affiliate.save(
        update_fields=[
            "members_women",
            "members_men",
            "members_total",
            "members_year",
            "updated_at",
        ]
    )
    return affiliate


@transaction.atomic
def declaration_record(
    *,
    affiliate: Affiliate,
    year: int,
    women: int,
    men: int,
    total: int | None = None,
    declared_on=None,
    source: str = "",
    notes: str = "",
    recorded_by=None,
) -> MembershipDeclaration:
    """Record (or correct) an affiliate's membership for a year and update its current figures.

    The affiliate row is locked so that two declarations recorded at once leave the current
    figures matching the latest year.
    """
    Affiliate.objects.select_for_update().filter(pk=affiliate.pk).first()
    declaration = MembershipDeclaration.objects.filter(affiliate=affiliate, year=year).first()
    if declaration is None:
        declaration = MembershipDeclaration(affiliate=affiliate, year=year)
    declaration.women = women
    declaration.men = men
    declaration.total = women + men if total is None else total
    declaration.declared_on = declared_on or timezone.localdate()
    declaration.source = source
    declaration.notes = notes
    if recorded_by is not None and recorded_by.is_authenticated:
        declaration.recorded_by = recorded_by
    declaration.full_clean()
    declaration.save()
    affiliate_refresh_membership(affiliate)
    return declaration


# Fields a coordinator keeps current from the workspace. Status moves through the affiliation
# workflow and membership through declarations, so neither is here.
AFFILIATE_EDITABLE_FIELDS = (
    "name",
    "acronym",
    "country",
    "city",
    "languages",
    "founded_year",
    "is_registered",
    "registration_number",
    "organisation_type",
    "has_piece_rate_workers",
    "has_self_employed_workers",
    "parent_network",
    "description",
    "website",
    "public_email",
    "public_phone",
    "publish_contact",
    "contact_name",
    "contact_role",
    "contact_email",
    "contact_phone",
)


class AffiliateEditConflict(Exception):
    """The record changed after the editor opened it: saving would overwrite someone's work."""

    def __init__(self, current: Affiliate):
        super().__init__(f"{current} changed at {current.updated_at}")
        self.current = current


def _history_baseline(affiliate: Affiliate) -> None:
    """Record the state of an affiliate that has no history yet, before its first edit.

    Rows loaded in bulk (demo data, imports) skip django-simple-history; without a baseline the
    first edit's entry could not say what it changed.
    """
    if affiliate.history.exists():
        return
    [baseline] = Affiliate.history.bulk_history_create(
        [affiliate],
        update=True,
        default_date=affiliate.updated_at,
        default_change_reason="baseline",
    )
    sectors_history = baseline.sectors.model
    sectors_history.objects.bulk_create(
        sectors_history(history=baseline, id=row.pk, affiliate=affiliate, sector_id=row.sector_id)
        for row in Affiliate.sectors.through.objects.filter(affiliate=affiliate)
    )


@transaction.atomic
def affiliate_update(
    *,
    affiliate: Affiliate,
    updated_by,
    seen_updated_at=None,
    sectors: Iterable[Sector] | None = None,
    **changes,
) -> Affiliate:
    """Change an affiliate's details, as `updated_by`, in a region they coordinate.

    The row is locked and its `updated_at` compared with the one the editor saw
    (`seen_updated_at`): if somebody saved in between, AffiliateEditConflict is raised and
    nothing is written. A new country moves the affiliate to the region covering it, which must
    be one `updated_by` coordinates.
    """
    unknown = set(changes) - set(AFFILIATE_EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"affiliate_update cannot change {', '.join(sorted(unknown))}")
    if not Affiliate.objects.editable_by(updated_by).filter(pk=affiliate.pk).exists():
        raise PermissionDenied
    locked = Affiliate.objects.select_for_update().get(pk=affiliate.pk)
    if seen_updated_at is not None and locked.updated_at != seen_updated_at:
        raise AffiliateEditConflict(locked)
    _history_baseline(locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    if isinstance(locked.name, str):
        locked.name = locked.name.strip()
    if "country" in changes:
        locked.region = region_for_country(locked.country)
        if not Region.objects.coordinated_by(updated_by).filter(pk=locked.region_id).exists():
            raise ValidationError(
                {"country": _("This country belongs to a region you do not coordinate.")}
            )
    if locked.publish_contact and not locked.publish_contact_given_on:
        locked.publish_contact_given_on = timezone.localdate()
    elif not locked.publish_contact:
        locked.publish_contact_given_on = None
    locked._history_user = updated_by  # the change history says who, also outside a request
    _save_checked(locked)
    if sectors is not None:
        sectors = list(sectors)
        if {s.pk for s in sectors} != set(locked.sectors.values_list("pk", flat=True)):
            affiliate_set_sectors(locked, sectors)
    return locked


@dataclass(frozen=True)
class DeclarationRow:
    """One affiliate's figures for a year, as typed in the table or read from a CSV file."""

    affiliate: Affiliate
    women: int
    men: int
    total: int | None = None


class DeclarationBatchError(Exception):
    """Some rows of a batch were refused; `errors` maps the row's index to its ValidationError."""

    def __init__(self, errors: dict[int, ValidationError]):
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors


@transaction.atomic
def declarations_record(
    *, year: int, rows: Sequence[DeclarationRow], recorded_by, source: str = ""
) -> int:
    """Record many affiliates' declarations for a year: all of them, or none.

    Each row goes through `declaration_record`; rows identical to what is already declared are
    left alone. Returns how many declarations were written; raises DeclarationBatchError
    listing every refused row (and writes nothing) otherwise.
    """
    editable = set(
        Affiliate.objects.editable_by(recorded_by)
        .filter(pk__in=[row.affiliate.pk for row in rows])
        .values_list("pk", flat=True)
    )
    existing = {
        d.affiliate_id: (d.women, d.men, d.total)
        for d in MembershipDeclaration.objects.filter(
            year=year, affiliate_id__in=[row.affiliate.pk for row in rows]
        )
    }
    errors: dict[int, ValidationError] = {}
    written = 0
    for index, row in enumerate(rows):
        if row.affiliate.pk not in editable:
            errors[index] = ValidationError(_("You cannot record declarations for this affiliate."))
            continue
        total = row.women + row.men if row.total is None else row.total
        if existing.get(row.affiliate.pk) == (row.women, row.men, total):
            continue
        try:
            # A savepoint per row: on PostgreSQL a failed statement would spoil the rest.
            with transaction.atomic():
                declaration_record(
                    affiliate=row.affiliate,
                    year=year,
                    women=row.women,
                    men=row.men,
                    total=total,
                    source=source,
                    recorded_by=recorded_by,
                )
        except ValidationError as error:
            errors[index] = error
        else:
            written += 1
    if errors:
        raise DeclarationBatchError(errors)  # leaving the atomic block undoes every row
    return written
