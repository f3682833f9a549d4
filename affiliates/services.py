"""Writes to affiliates. Views, admin, commands and the API all go through these functions."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from homenet.history import acting
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


# How many times a new affiliate's insert is tried with the next free slug after another
# request took the one picked: each retry follows a commit by someone else, so a few suffice.
SLUG_ATTEMPTS = 5


def _save_checked(affiliate: Affiliate, *, exclude: Iterable[str] = ()) -> None:
    """Validate against every model rule, then save; a lost race on a constraint reads the same."""
    affiliate.full_clean(exclude=list(exclude))
    try:
        with transaction.atomic():
            affiliate.save()
    except IntegrityError:
        # Another request saved the same organisation between our check and our write.
        affiliate.validate_constraints()
        raise
    transaction.on_commit(public_cache_bump)


def _insert_with_free_slug(affiliate: Affiliate) -> None:
    """Insert a new affiliate under the first free slug for its name.

    Picking a slug and inserting are two steps: a concurrent create of the same name can take
    the slug in between. The unique index then refuses the insert (in a savepoint, so the
    transaction goes on) and the next free slug is tried.
    """
    for attempt in range(1, SLUG_ATTEMPTS + 1):
        affiliate.slug = unique_slug(affiliate.name)
        try:
            # The slug's uniqueness is left to the index: checking it first would only move
            # the race.
            _save_checked(affiliate, exclude=["slug"])
        except IntegrityError:
            taken = Affiliate.objects.filter(slug=affiliate.slug).exists()
            if not taken or attempt == SLUG_ATTEMPTS:
                raise
        else:
            return


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
    with acting(created_by):
        _insert_with_free_slug(affiliate)
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

    Every write of an affiliate's sectors goes through here (forms, admin, imports). The history
    records the change as one of `sector_names`, naming whoever the caller's context names.
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


def _refresh_sector_names_of(affiliates) -> list[Affiliate]:
    """Rewrite `sector_names` of many affiliates from their sectors; returns them, sectors loaded.

    The history records each affiliate whose sectors changed (by trigger, bulk write or not).
    """
    batch = []
    for affiliate in affiliates.prefetch_related("sectors").iterator(chunk_size=2000):
        affiliate.sector_names = sector_names_text(affiliate.sectors.all())
        batch.append(affiliate)
    Affiliate.objects.bulk_update(batch, ["sector_names"], batch_size=2000)
    transaction.on_commit(public_cache_bump)
    return batch


@transaction.atomic
def affiliates_follow_countries(*, countries: Iterable[str], changed_by=None) -> int:
    """Move the affiliates of these countries into the region that now covers each country.

    A country handed to another regional network takes its organisations along, so that the
    new region's coordinators keep them and the old region's no longer see them. Each move is
    recorded in the affiliate's history. Returns how many affiliates moved.
    """
    region_of = dict(
        Region.objects.filter(countries__country__in=list(countries)).values_list(
            "countries__country", "pk"
        )
    )
    leaving = Affiliate.objects.select_for_update().filter(country__in=list(region_of))
    now = timezone.now()
    moved = []
    for affiliate in leaving:
        if affiliate.region_id != region_of[str(affiliate.country)]:
            affiliate.region_id = region_of[str(affiliate.country)]
            affiliate.updated_at = now  # an edit form opened before the move is now out of date
            moved.append(affiliate)
    with acting(changed_by, reason=_("The country moved to another regional network")):
        Affiliate.objects.bulk_update(moved, ["region", "updated_at"], batch_size=2000)
    if moved:
        transaction.on_commit(public_cache_bump)
    return len(moved)


@transaction.atomic
def sector_save(sector: Sector) -> Sector:
    """Save a sector; a renamed sector is renamed in every affiliate's searchable text."""
    sector.full_clean()
    sector.save()
    _refresh_sector_names_of(Affiliate.objects.filter(sectors=sector))
    return sector


@transaction.atomic
def sector_delete(*, sector: Sector, deleted_by=None) -> int:
    """Delete a sector: its affiliates lose it from their sectors, their search text and history.

    Deleting cascades to the affiliates' sector links; their `sector_names` follow here, which
    records the change in each one's history. Returns how many affiliates.
    """
    affected = list(Affiliate.objects.filter(sectors=sector).values_list("pk", flat=True))
    with acting(deleted_by, reason=_("Sector “%(name)s” deleted") % {"name": sector.name}):
        sector.delete()
        affiliates = _refresh_sector_names_of(Affiliate.objects.filter(pk__in=affected))
    return len(affiliates)


# The figures an affiliate carries from its latest declaration.
MEMBERSHIP_FIELDS = ("members_women", "members_men", "members_total", "members_year")


def affiliate_refresh_membership(affiliate: Affiliate, *, by=None) -> Affiliate:
    """Make the affiliate's current figures those of its latest declaration.

    `by` is named in the history when the figures change; a refresh that changes nothing
    writes nothing.
    """
    latest = affiliate.declarations.order_by("-year").first()
    if latest is None:
        figures = (0, 0, 0, None)
    else:
        figures = (latest.women, latest.men, latest.total, latest.year)
    if figures == tuple(getattr(affiliate, name) for name in MEMBERSHIP_FIELDS):
        return affiliate
    for name, value in zip(MEMBERSHIP_FIELDS, figures, strict=True):
        setattr(affiliate, name, value)
    with acting(by):
        affiliate.save(update_fields=[*MEMBERSHIP_FIELDS, "updated_at"])
    transaction.on_commit(public_cache_bump)
    return affiliate


def _locked_for_membership(affiliate: Affiliate) -> Affiliate:
    """The affiliate's row, locked and read afresh, so that its figures follow the declarations
    written now."""
    return Affiliate.objects.select_for_update().get(pk=affiliate.pk)


def _copy_membership(source: Affiliate, target: Affiliate) -> None:
    for name in (*MEMBERSHIP_FIELDS, "updated_at"):
        setattr(target, name, getattr(source, name))


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
    locked = _locked_for_membership(affiliate)
    declaration = MembershipDeclaration.objects.filter(affiliate=locked, year=year).first()
    if declaration is None:
        declaration = MembershipDeclaration(affiliate=locked, year=year)
    declaration.women = women
    declaration.men = men
    declaration.total = women + men if total is None else total
    declaration.declared_on = declared_on or timezone.localdate()
    declaration.source = source
    declaration.notes = notes
    if recorded_by is not None and recorded_by.is_authenticated:
        declaration.recorded_by = recorded_by
    declaration.full_clean()
    with acting(recorded_by):
        declaration.save()
    affiliate_refresh_membership(locked, by=recorded_by)
    # Membership over the years (/stats/) counts every declaration, not only the latest.
    transaction.on_commit(public_cache_bump)
    _copy_membership(locked, affiliate)
    return declaration


@transaction.atomic
def declaration_delete(*, declaration: MembershipDeclaration, deleted_by=None) -> Affiliate:
    """Delete a declaration; the affiliate's figures fall back to its latest remaining one.

    Returns the affiliate, its figures refreshed.
    """
    locked = _locked_for_membership(declaration.affiliate)
    with acting(deleted_by):
        declaration.delete()
    affiliate_refresh_membership(locked, by=deleted_by)
    transaction.on_commit(public_cache_bump)
    return locked


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
    with acting(updated_by):  # the change history says who, also outside a request
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

    Every row is checked against the model's rules, as `declaration_record` checks one; rows
    identical to what is already declared are left alone. Then everything is written in bulk,
    so that a region's 2,000 rows take a few queries rather than 20 each (the history triggers
    record each row all the same).
    Returns how many declarations were written; raises DeclarationBatchError listing every
    refused row (and writes nothing) otherwise.
    """
    ids = [row.affiliate.pk for row in rows]
    # Locked, like declaration_record: the figures set below follow exactly the rows written.
    affiliates = (
        Affiliate.objects.editable_by(recorded_by).select_for_update(of=("self",)).in_bulk(ids)
    )
    existing = {
        d.affiliate_id: d
        for d in MembershipDeclaration.objects.filter(year=year, affiliate_id__in=ids)
    }
    user = recorded_by if recorded_by is not None and recorded_by.is_authenticated else None
    today, now = timezone.localdate(), timezone.now()
    errors: dict[int, ValidationError] = {}
    new, changed, seen = [], [], set()
    checked: dict[int, MembershipDeclaration] = {}
    for index, row in enumerate(rows):
        affiliate = affiliates.get(row.affiliate.pk)
        if affiliate is None:
            errors[index] = ValidationError(_("You cannot record declarations for this affiliate."))
            continue
        if affiliate.pk in seen:
            errors[index] = ValidationError(_("This affiliate is on an earlier row already."))
            continue
        seen.add(affiliate.pk)
        total = row.women + row.men if row.total is None else row.total
        declaration = existing.get(affiliate.pk)
        if declaration is not None and (declaration.women, declaration.men, declaration.total) == (
            row.women,
            row.men,
            total,
        ):
            continue
        if declaration is None:
            declaration = MembershipDeclaration(affiliate=affiliate, year=year)
        declaration.women, declaration.men, declaration.total = row.women, row.men, total
        declaration.declared_on, declaration.source, declaration.notes = today, source, ""
        declaration.updated_at = now  # bulk_update leaves auto_now alone
        if user is not None:
            declaration.recorded_by = user
        try:
            # The model's field rules and clean(), with no query; its constraints below.
            declaration.full_clean(exclude=["affiliate", "recorded_by"], validate_constraints=False)
        except ValidationError as error:
            errors[index] = error
            continue
        (changed if declaration.pk else new).append(declaration)
        checked[index] = declaration
    if errors:
        raise DeclarationBatchError(errors)

    reason = _("Membership declared for %(year)s") % {"year": year}
    try:
        with transaction.atomic(), acting(recorded_by, reason=reason):
            MembershipDeclaration.objects.bulk_create(new, batch_size=1000)
            MembershipDeclaration.objects.bulk_update(
                changed,
                [
                    "women",
                    "men",
                    "total",
                    "declared_on",
                    "source",
                    "notes",
                    "recorded_by",
                    "updated_at",
                ],
                batch_size=1000,
            )
    except IntegrityError:
        # The database refused a row (a total below women plus men...): say which, with the
        # model's own messages. Checking every row this way up front costs queries per row.
        for index, declaration in checked.items():
            try:
                declaration.validate_constraints(exclude=["affiliate"])
            except ValidationError as error:
                errors[index] = error
        if errors:
            raise DeclarationBatchError(errors) from None
        raise
    with acting(recorded_by, reason=reason):
        _membership_follow_declarations([affiliates[d.affiliate_id] for d in new + changed], now)
    for row in rows:
        _copy_membership(affiliates[row.affiliate.pk], row.affiliate)
    transaction.on_commit(public_cache_bump)
    return len(new) + len(changed)


def _membership_follow_declarations(affiliates: list[Affiliate], now) -> None:
    """Set many affiliates' current figures to their latest declaration (in bulk)."""
    latest: dict[int, MembershipDeclaration] = {}
    for declaration in MembershipDeclaration.objects.filter(affiliate__in=affiliates).order_by(
        "affiliate_id", "-year"
    ):
        latest.setdefault(declaration.affiliate_id, declaration)
    refreshed = []
    for affiliate in affiliates:
        newest = latest[affiliate.pk]
        figures = (newest.women, newest.men, newest.total, newest.year)
        if figures != tuple(getattr(affiliate, name) for name in MEMBERSHIP_FIELDS):
            for name, value in zip(MEMBERSHIP_FIELDS, figures, strict=True):
                setattr(affiliate, name, value)
            affiliate.updated_at = now
            refreshed.append(affiliate)
    Affiliate.objects.bulk_update(refreshed, [*MEMBERSHIP_FIELDS, "updated_at"], batch_size=1000)
