"""Which countries a region covers: a country handed over takes its affiliates along."""

from collections.abc import Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from affiliates.services.affiliates import affiliates_follow_countries
from core.history import acting
from core.public_cache import public_cache_bump
from regions.models import Region, RegionCountry


@transaction.atomic
def region_countries_save(
    *,
    region: Region,
    saved: Sequence[RegionCountry],
    deleted: Sequence[RegionCountry] = (),
    changed_by: AbstractBaseUser | AnonymousUser | None,
) -> int:
    """Save the countries added to (or changed in) a region and remove the deleted ones.

    The affiliates of every saved country move to this region (affiliates_follow_countries).
    Returns how many affiliates moved.
    """
    with acting(changed_by):
        for covered in deleted:
            covered.delete()
        for covered in saved:
            covered.region = region
            covered.full_clean()
            covered.save()
    moved = affiliates_follow_countries(
        countries=[str(covered.country) for covered in saved], changed_by=changed_by
    )
    transaction.on_commit(public_cache_bump)
    return moved
