"""Reads of affiliates shared by pages, exports and the API."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from .models import Affiliate


def cached(kind: str, key, compute):
    """`compute()`, kept in the cache for DIRECTORY_CACHE_SECONDS (0: not cached).

    For public pages' counts and ids over the whole registry, which cost a pass over many
    rows. Only numbers and ids are cached, never labels, so one entry serves every language.
    """
    seconds = settings.DIRECTORY_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    cache_key = f"public:{kind}:{digest}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, seconds)
    return value


@dataclass(frozen=True)
class Figures:
    organisations: int
    countries: int
    women: int
    men: int
    total: int


def public_figures(queryset=None) -> Figures:
    """Headline figures of the public registry, computed in one query."""
    queryset = Affiliate.objects.public() if queryset is None else queryset
    row = queryset.aggregate(
        organisations=Count("pk"),
        countries=Count("country", distinct=True),
        women=Coalesce(Sum("members_women"), 0),
        men=Coalesce(Sum("members_men"), 0),
        total=Coalesce(Sum("members_total"), 0),
    )
    return Figures(**row)


def public_figures_by_region() -> tuple[Figures, dict[int, Figures]]:
    """The network's figures and each region's, from one pass over public affiliates.

    A country belongs to one region and an affiliate to its country's region, so the network's
    number of countries is the sum of the regions'.
    """
    rows = (
        Affiliate.objects.public()
        .order_by()
        .values("region_id")
        .annotate(
            organisations=Count("pk"),
            countries=Count("country", distinct=True),
            women=Coalesce(Sum("members_women"), 0),
            men=Coalesce(Sum("members_men"), 0),
            total=Coalesce(Sum("members_total"), 0),
        )
    )
    by_region = {row.pop("region_id"): Figures(**row) for row in rows}
    network = Figures(
        **{
            name: sum(getattr(figures, name) for figures in by_region.values())
            for name in ("organisations", "countries", "women", "men", "total")
        }
    )
    return network, by_region


def public_figures_by_type(queryset) -> list[dict]:
    """Organisations and members per type of organisation, largest first."""
    return list(
        queryset.order_by()
        .values("organisation_type")
        .annotate(
            organisations=Count("pk"),
            women=Coalesce(Sum("members_women"), 0),
            men=Coalesce(Sum("members_men"), 0),
            total=Coalesce(Sum("members_total"), 0),
        )
        .order_by("-organisations", "organisation_type")
    )


def public_countries(queryset) -> dict[str, int]:
    """Number of public affiliates per country code."""
    rows = queryset.order_by().values("country").annotate(organisations=Count("pk"))
    return {row["country"]: row["organisations"] for row in rows}
