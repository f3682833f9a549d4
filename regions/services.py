"""Writes to regions. Their countries' moves, which carry affiliates along, are
affiliates.services.region_countries_save."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import translation

from core.history import acting
from core.public_cache import public_cache_bump
from regions.models import Region


@transaction.atomic
def region_save(region: Region, *, saved_by: AbstractBaseUser | AnonymousUser | None) -> Region:
    """Save a region as staff edit it; public pages show its name and description.

    Their translations (name_fr, ...) are columns of their own. The original columns, which the
    history records, are saved with the English: saving reads `name` in the active language.
    """
    with translation.override(settings.LANGUAGE_CODE), acting(saved_by):
        region.full_clean()
        region.save()
    transaction.on_commit(public_cache_bump)
    return region


@transaction.atomic
def region_delete(region: Region, *, deleted_by: AbstractBaseUser | AnonymousUser | None) -> None:
    """Delete a region (the database refuses while affiliates still belong to it)."""
    with acting(deleted_by):
        region.delete()
    transaction.on_commit(public_cache_bump)
