"""Writes to affiliates. Views, admin, commands and the API all go through these functions."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from regions.models import Region

from .models import Affiliate, MembershipDeclaration, Sector, Status, StatusChange


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
    return sector


def affiliate_refresh_membership(affiliate: Affiliate) -> Affiliate:
    """Make the affiliate's current figures those of its latest declaration."""
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
