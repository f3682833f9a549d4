"""Registering and editing affiliates: one organisation per name and country, in its region."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from affiliates.access import affiliates_editable_by, regions_coordinated_by
from affiliates.choices import Status
from affiliates.models import Affiliate, Sector, StatusChange
from affiliates.rules import clean_name, first_free_slug
from affiliates.services.sectors import affiliate_set_sectors
from core.history import acting
from core.public_cache import public_cache_bump
from regions.models import Region


def region_for_country(country: str) -> Region:
    """The regional network covering a country, or a ValidationError on the country field."""
    region = Region.objects.covering(country).first()
    if region is None:
        raise ValidationError(
            {"country": _("No regional network covers this country yet. Write to the network.")}
        )
    return region


def unique_slug(name: str) -> str:
    """A readable, unique slug for a new affiliate; names in any script still get one."""
    return first_free_slug(name, lambda slug: Affiliate.objects.filter(slug=slug).exists())


# How many times a new affiliate's insert is tried with the next free slug after another
# request took the one picked: each retry follows a commit by someone else, so a few suffice.
SLUG_ATTEMPTS = 5


def _save_checked(affiliate: Affiliate, *, exclude: Iterable[str] = ()) -> None:
    """Validate against every model rule, then save; a lost race on a constraint reads the same.

    Whoever registers or edits a record has its details before them: they count as confirmed.
    """
    affiliate.details_confirmed_on = timezone.localdate()
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
    created_by: User | AnonymousUser | None = None,
    status: str = Status.APPLIED,
    sectors: Iterable[Sector] = (),
    comment: str = "",
    **details: Any,
) -> Affiliate:
    """Register an organisation in the region that covers its country.

    `details` are further Affiliate fields (city, contacts, worker categories...); every model
    rule is checked before anything is written.
    """
    affiliate = Affiliate(
        name=clean_name(name),
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
    _record_first_step(affiliate, comment=comment)
    return affiliate


def _record_first_step(affiliate: Affiliate, *, comment: str = "") -> None:
    """The first step of an affiliate's lifecycle: from nothing to the status it starts in."""
    StatusChange.objects.create(
        affiliate=affiliate,
        from_status="",
        to_status=affiliate.status,
        actor=affiliate.created_by,
        comment=comment,
    )


@transaction.atomic
def affiliate_save(affiliate: Affiliate, *, saved_by: User | AnonymousUser | None) -> Affiliate:
    """Save a whole record as staff keep it in the admin, new or changed.

    Every model rule is checked; a new record gets its first lifecycle step and its creator.
    Its sectors are the caller's to set (affiliate_set_sectors), after this save.
    """
    new = affiliate._state.adding
    if new and saved_by is not None and saved_by.is_authenticated:
        affiliate.created_by = saved_by
    with acting(saved_by):
        _save_checked(affiliate)
    if new:
        _record_first_step(affiliate)
    return affiliate


@transaction.atomic
def affiliates_delete(
    affiliates: QuerySet[Affiliate], *, deleted_by: AbstractBaseUser | AnonymousUser | None
) -> int:
    """Delete affiliates with their declarations and lifecycle (staff, in the admin)."""
    with acting(deleted_by):
        deleted, _by_model = affiliates.delete()
    transaction.on_commit(public_cache_bump)
    return deleted


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

    def __init__(self, current: Affiliate) -> None:
        super().__init__(f"{current} changed at {current.updated_at}")
        self.current = current


@transaction.atomic
def affiliate_update(
    *,
    affiliate: Affiliate,
    updated_by: AbstractBaseUser | AnonymousUser,
    seen_updated_at: datetime | None = None,
    sectors: Iterable[Sector] | None = None,
    **changes: Any,
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
    if not affiliates_editable_by(updated_by).filter(pk=affiliate.pk).exists():
        raise PermissionDenied
    locked = Affiliate.objects.select_for_update().get(pk=affiliate.pk)
    if seen_updated_at is not None and locked.updated_at != seen_updated_at:
        raise AffiliateEditConflict(locked)
    for field, value in changes.items():
        setattr(locked, field, value)
    if isinstance(locked.name, str):
        locked.name = clean_name(locked.name)
    if "country" in changes:
        locked.region = region_for_country(locked.country)
        if not regions_coordinated_by(updated_by).filter(pk=locked.region_id).exists():
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


@transaction.atomic
def affiliate_confirm_details(
    *, affiliate: Affiliate, confirmed_by: AbstractBaseUser | AnonymousUser
) -> Affiliate:
    """Record that `confirmed_by` checked the affiliate's details and found them current.

    Only the date moves (not `updated_at`: an edit form open elsewhere stays valid); the
    history records who confirmed. Confirming twice on one day changes nothing.
    """
    if not affiliates_editable_by(confirmed_by).filter(pk=affiliate.pk).exists():
        raise PermissionDenied
    today = timezone.localdate()
    with acting(confirmed_by, reason=_("Details confirmed as current")):
        Affiliate.objects.filter(pk=affiliate.pk).update(details_confirmed_on=today)
    affiliate.details_confirmed_on = today
    transaction.on_commit(public_cache_bump)  # the public profile shows the date
    return affiliate


@transaction.atomic
def affiliates_follow_countries(
    *, countries: Iterable[str], changed_by: AbstractBaseUser | AnonymousUser | None = None
) -> int:
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
