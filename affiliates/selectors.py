"""Reads of affiliates shared by pages, exports and the API."""

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from .models import Affiliate


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
