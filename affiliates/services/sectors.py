"""Sectors and the searchable copy of each affiliate's sector names."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from affiliates.models import Affiliate, Sector
from core.history import acting
from core.public_cache import public_cache_bump
from core.translated_fields import translated_fields


def affiliate_set_sectors(affiliate: Affiliate, sectors: Iterable[Sector]) -> Affiliate:
    """Set an affiliate's sectors and the denormalised names the search vector is built from.

    Every write of an affiliate's sectors goes through here (forms, admin, imports). The history
    records the change as one of `sector_names`, naming whoever the caller's context names.
    """
    affiliate.sectors.set(sectors)
    return affiliate_refresh_sector_names(affiliate)


def affiliate_refresh_sector_names(affiliate: Affiliate) -> Affiliate:
    """Copy the sectors' names into `sector_names` and their translations into
    `sector_names_translated` (the search covers them through these)."""
    sectors = list(affiliate.sectors.all())
    affiliate.sector_names = sector_names_text(sectors)
    affiliate.sector_names_translated = sector_translations_text(sectors)
    Affiliate.objects.filter(pk=affiliate.pk).update(
        sector_names=affiliate.sector_names,
        sector_names_translated=affiliate.sector_names_translated,
    )
    transaction.on_commit(public_cache_bump)
    return affiliate


def sector_names_text(sectors: Iterable[Sector]) -> str:
    """The English names (exports show them), whatever language the request is in."""
    with translation.override(settings.LANGUAGE_CODE):
        return ", ".join(sorted(sector.name for sector in sectors))


def sector_translations_text(sectors: Iterable[Sector]) -> str:
    """Every translation staff gave the sectors' names, for the search only."""
    english = f"name_{settings.LANGUAGE_CODE}"  # sector_names has it
    fields = [field for field in translated_fields("name") if field != english]
    names = {getattr(sector, field) or "" for sector in sectors for field in fields}
    return ", ".join(sorted(names - {""}))


def _refresh_sector_names_of(affiliates: QuerySet[Affiliate]) -> list[Affiliate]:
    """Rewrite `sector_names` of many affiliates from their sectors; returns them, sectors loaded.

    The history records each affiliate whose sectors changed (by trigger, bulk write or not).
    """
    batch = []
    for affiliate in affiliates.prefetch_related("sectors").iterator(chunk_size=2000):
        affiliate.sector_names = sector_names_text(affiliate.sectors.all())
        affiliate.sector_names_translated = sector_translations_text(affiliate.sectors.all())
        batch.append(affiliate)
    Affiliate.objects.bulk_update(
        batch, ["sector_names", "sector_names_translated"], batch_size=2000
    )
    transaction.on_commit(public_cache_bump)
    return batch


@transaction.atomic
def sector_save(sector: Sector) -> Sector:
    """Save a sector; a renamed sector is renamed in every affiliate's searchable text (a new
    translation of its name, too). The original column keeps the English (see region_save)."""
    with translation.override(settings.LANGUAGE_CODE):
        sector.full_clean()
        sector.save()
    _refresh_sector_names_of(Affiliate.objects.filter(sectors=sector))
    return sector


@transaction.atomic
def sector_delete(
    *, sector: Sector, deleted_by: AbstractBaseUser | AnonymousUser | None = None
) -> int:
    """Delete a sector: its affiliates lose it from their sectors, their search text and history.

    Deleting cascades to the affiliates' sector links; their `sector_names` follow here, which
    records the change in each one's history. Returns how many affiliates.
    """
    affected = list(Affiliate.objects.filter(sectors=sector).values_list("pk", flat=True))
    with acting(deleted_by, reason=_("Sector “%(name)s” deleted") % {"name": sector.name}):
        sector.delete()
        affiliates = _refresh_sector_names_of(Affiliate.objects.filter(pk__in=affected))
    return len(affiliates)
