"""Everything the directory page shows, from its query string, in one call."""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from affiliates import search
from affiliates.facets import Facets, directory_facets
from affiliates.models import Affiliate, Sector
from core.public_cache import cached
from regions.models import Region


@dataclass(frozen=True)
class DirectoryPage:
    query: search.DirectoryQuery
    facets: Facets
    page: search.Page
    # With no result: each active filter (and the text) with the query string without it.
    loosen: list[tuple[str, str]]


def _reference_lists() -> tuple[list[Region], list[Sector]]:
    regions = cached("regions", (), lambda: list(Region.objects.all()))
    sectors = cached("sectors", (), lambda: list(Sector.objects.all()))
    return regions, sectors


def directory_query(params: QueryDict) -> search.DirectoryQuery:
    """The search and filters a query string asks for (unknown values are dropped, with notes)."""
    return search.directory_parse(params, *_reference_lists())


def directory_results(params: QueryDict) -> QuerySet[Affiliate]:
    """The public affiliates matching the query string, ordered as asked (for the CSV)."""
    return search.directory_search(directory_query(params), *_reference_lists(), every=True)


def directory_page(params: QueryDict) -> DirectoryPage:
    regions, sectors = _reference_lists()
    query = search.directory_parse(params, regions, sectors)
    facets = directory_facets(query, regions, sectors)
    results = search.directory_search(query, regions, sectors)
    page = search.directory_page(query, results, facets.total, capped=facets.capped)
    return DirectoryPage(query, facets, page, [] if facets.total else _loosen(params, query))


def _loosen(params: QueryDict, query: search.DirectoryQuery) -> list[tuple[str, str]]:
    labels = {
        "q": _("the search words"),
        "region": _("the region"),
        "country": _("the country"),
        "type": _("the type of organisation"),
        "worker": _("the category of workers"),
        "sector": _("the sector"),
    }
    hints = []
    for name in ("q", *search.FACETS):
        if getattr(query, name):
            without = params.copy()
            without.pop(name, None)
            without.pop("page", None)
            hints.append((labels[name], "?" + without.urlencode()))
    return hints


def directory_matches(params: QueryDict) -> tuple[search.DirectoryQuery, QuerySet[Affiliate]]:
    """The query string's search (with its notes) and the public affiliates matching it: the
    directory's rules for the API's list, which pages through them its own way."""
    regions, sectors = _reference_lists()
    query = search.directory_parse(params, regions, sectors)
    results = search.directory_search(query, regions, sectors)
    if search.ranks_candidates_only(query):
        # As the page's last page says it (the same words, already translated).
        note = _(
            "Only the first %(n)s results are listed page by page. Narrow the search with "
            "words or filters, or download the CSV, which has them all."
        ) % {"n": intcomma(search.CANDIDATES)}
        query = replace(query, notes=(*query.notes, note))
    return query, results


def directory_sectors() -> list[Sector]:
    """The sectors the directory filters by (its `sector` values are their slugs)."""
    return _reference_lists()[1]


def sectors_of(affiliates: Sequence[Affiliate]) -> dict[int, list[Sector]]:
    """Each affiliate's sectors, in the sectors' own order, from one query of the links and
    the sectors already read: a page of the API's list without a prefetch per row."""
    sectors = _reference_lists()[1]
    position = {sector.pk: index for index, sector in enumerate(sectors)}
    links = Affiliate.sectors.through.objects.filter(
        affiliate_id__in=[affiliate.pk for affiliate in affiliates]
    ).values_list("affiliate_id", "sector_id")
    if any(sector_id not in position for _affiliate_id, sector_id in links):
        # A sector added since the list was cached.
        sectors = list(Sector.objects.all())
        position = {sector.pk: index for index, sector in enumerate(sectors)}
    found: dict[int, list[Sector]] = {affiliate.pk: [] for affiliate in affiliates}
    for affiliate_id, sector_id in sorted(links, key=lambda link: position[link[1]]):
        found[affiliate_id].append(sectors[position[sector_id]])
    return found
