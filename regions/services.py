"""Writes to regions. Their countries' moves, which carry affiliates along, are
affiliates.services.region_countries_save."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from core.history import acting
from core.public_cache import public_cache_bump
from regions.models import Region


@transaction.atomic
def region_save(region: Region, *, saved_by: AbstractBaseUser | AnonymousUser | None) -> Region:
    """Save a region as staff edit it; public pages show its name and description."""
    region.full_clean()
    with acting(saved_by):
        region.save()
    transaction.on_commit(public_cache_bump)
    return region


@transaction.atomic
def region_delete(region: Region, *, deleted_by: AbstractBaseUser | AnonymousUser | None) -> None:
    """Delete a region (the database refuses while affiliates still belong to it)."""
    with acting(deleted_by):
        region.delete()
    transaction.on_commit(public_cache_bump)
