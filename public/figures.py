"""The network's public figures with each region's, as home and /regions/ show them."""

from django.utils.translation import get_language

from affiliates import stats
from affiliates.selectors import Figures, public_figures, public_figures_by_region
from core.public_cache import cached
from regions.models import Region


def regions_with_figures() -> tuple[Figures, list[Region]]:
    """The network's figures, and every region with its own attached as `region.figures`.

    The figures come from one cached pass over public affiliates (see public_figures_by_region).
    """
    network, by_region = cached("figures", (), public_figures_by_region)
    regions = list(Region.objects.all())
    for region in regions:
        region.figures = by_region.get(region.pk)
    return network, regions


def public_statistics() -> tuple[Figures, list[stats.Figure]]:
    """The headline figures and every figure of /stats/, cached (one entry per language, since
    the figures carry their translated labels): /stats/ and the API's /stats/."""
    return cached("headline", (), public_figures), cached(
        "stats", get_language(), stats.all_figures
    )
