"""Sectors and the searchable copy of each affiliate's sector names."""

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from affiliates.models import Affiliate, Sector
from core.history import acting
from core.public_cache import public_cache_bump


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


def _refresh_sector_names_of(affiliates: QuerySet[Affiliate]) -> list[Affiliate]:
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
def sector_save(sector: Sector) -> Sector:
    """Save a sector; a renamed sector is renamed in every affiliate's searchable text."""
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
