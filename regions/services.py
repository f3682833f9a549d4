"""Writes to regions that reach beyond them."""

from collections.abc import Iterable

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from affiliates.models import Affiliate
from affiliates.selectors import public_cache_bump

from .models import Region


@transaction.atomic
def affiliates_follow_countries(*, countries: Iterable[str], changed_by=None) -> int:
    """Move the affiliates of these countries into the region that now covers each country.

    A country handed to another regional network takes its organisations along, so that the
    new region's coordinators keep them and the old region's no longer see them. Each move is
    recorded in the affiliate's history. Returns how many affiliates moved.
    """
    regions = {
        str(code): region_id
        for code, region_id in Region.objects.filter(
            countries__country__in=list(countries)
        ).values_list("countries__country", "pk")
    }
    moved = []
    for affiliate in Affiliate.objects.select_for_update().filter(country__in=list(regions)):
        region_id = regions[str(affiliate.country)]
        if affiliate.region_id != region_id:
            affiliate.region_id = region_id
            moved.append(affiliate)
    if moved:
        transaction.on_commit(public_cache_bump)
        bulk_update_with_history(
            moved,
            Affiliate,
            ["region", "updated_at"],
            default_user=changed_by,
            default_change_reason="The country moved to another regional network",
        )
    return len(moved)
