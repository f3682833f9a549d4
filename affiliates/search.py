"""The public directory's search, with django.contrib.postgres.

The words match `Affiliate.search_vector` (a generated column, GIN index): those before the
last as whole words, the last as the start of one; when that finds nothing, every word as the
start of one; when that finds nothing either, a word may instead look like one of the names'
words (`NameWord`, trigram index: typos). Case and accents are folded away (migration 0005).
Best matches first.

Views call `directory_parse`, then `directory_search` and `affiliates.facets.directory_facets`.
"""

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from django.contrib.postgres.search import SearchRank
from django.db.models import F, OrderBy, Q, QuerySet
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django_countries import countries

from affiliates.choices import OrganisationType, WorkerCategory
from affiliates.models import Affiliate, Sector
from affiliates.text_queries import (
    MAX_WORDS,
    clean_text,
    fuzzy_relevance,
    look_alike_query,
    prefix_query,
    words_of,
)
from core.public_cache import cached
from regions.models import Region

PAGE_SIZE = 25
# Pages past this are not listed (ORDER BY ... OFFSET costs grow with the offset): the last
# listed page says to narrow the search or download the CSV, which has every row.
MAX_PAGES = 400
# A search's words matching more than this many affiliates are counted only up to it ("more
# than 1,000 found"), list only this many (by best match, see CANDIDATES), and their filters
# show no counts: counting, ranking or grouping every match of a common word reads most of the
# table, on every search. Below it, all is exact.
COUNT_CAP = 1000
# Beyond COUNT_CAP, the best matches are ranked among this many: the first the index gives.
# Ranking reads each candidate's row: 250 rows cost a quarter of 1,000, for a first page.
CANDIDATES = 250
MAX_QUERY_LENGTH = 200
SORTS: dict[str, list[str | OrderBy]] = {
    "name": ["name", "pk"],
    "-members": ["-members_total", "name", "pk"],
    "-affiliated": [F("affiliated_on").desc(nulls_last=True), "name", "pk"],
}
FACETS = ("region", "country", "type", "worker", "sector")
# What a result line shows: narrow rows read faster than whole records with descriptions.
LISTED_FIELDS = (
    "name", "acronym", "slug", "city", "country", "organisation_type", "members_total",
    "region__short_name",
)  # fmt: skip


def cache_key(query: "DirectoryQuery", page: bool = True) -> tuple[object, ...]:
    parts = (query.words, query.fuzzy, *(getattr(query, name) for name in FACETS))
    return (*parts, query.effective_sort) if page else parts


@dataclass(frozen=True)
class DirectoryQuery:
    """A visitor's search, cleaned: only known values remain; `notes` says what was dropped."""

    q: str = ""
    region: str = ""
    country: str = ""
    type: str = ""
    worker: str = ""
    sector: str = ""
    sort: str = ""
    page: int = 1
    notes: tuple[str, ...] = ()
    words: tuple[str, ...] = field(default=(), compare=False)
    # True when the words, whole but the last (text_queries.prefix_query), match nothing, and
    # every word as the start of a word does: "embro work" finds "embroidery workers".
    every_prefix: bool = False
    # True when the words match no name exactly or as a prefix: then names that look like
    # them (typos) are searched for instead.
    fuzzy: bool = False
    # How many public affiliates the words match (as typed, or when `fuzzy` as looked alike),
    # counted up to COUNT_CAP + 1.
    word_matches: int = field(default=0, compare=False)
    # Their ids (COUNT_CAP + 1 at most), found once by the text index: when there are no more
    # (`read_by_id`), the counts, the ranking and the page read these rows by id.
    match_ids: tuple[int, ...] = field(default=(), compare=False)
    # When the words match more than COUNT_CAP: the ids of the first COUNT_CAP + 1 results of
    # the words and filters (the words' own ids without a filter), read once for the count
    # beside the filters and for the ranking by best match.
    result_ids: tuple[int, ...] = field(default=(), compare=False)

    @property
    def read_by_id(self) -> bool:
        """Whether `match_ids` holds every match (a typo search: every match it lists)."""
        return bool(self.words) and (self.fuzzy or self.word_matches <= COUNT_CAP)

    @property
    def effective_sort(self) -> str:
        """Relevance when searching and no order was chosen; else the chosen order or name."""
        return self.sort or ("relevance" if self.words else "name")

    def filters(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}


_COUNTRY_NAMES: dict[str, dict[str, str]] = {}


def name_order(name: str) -> tuple[str, str]:
    """A sort key for names in any script, close to a dictionary's: accents and case ignored at
    first, so that in French "Égypte" comes before "Espagne", not after "Zimbabwe"."""
    folded = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).casefold()
    return folded, name


def country_names() -> dict[str, str]:
    """Country names in the active language, built once per language per process.

    django-countries translates a name on every lookup; a page names a hundred countries.
    """
    language = get_language() or "en"
    if language not in _COUNTRY_NAMES:
        _COUNTRY_NAMES[language] = {code: str(name) for code, name in countries}
    return _COUNTRY_NAMES[language]


def directory_parse(
    params: Mapping[str, str], regions: Sequence[Region], sectors: Sequence[Sector]
) -> DirectoryQuery:
    """Read GET parameters; an unknown value is dropped with a note, never an error."""
    notes: list[str] = []

    def one(name: str) -> str:
        return _one(params, name)

    q = clean_text(params.get("q", ""))
    if len(q) > MAX_QUERY_LENGTH:
        q = q[:MAX_QUERY_LENGTH]
        notes.append(
            ngettext(
                "The search was shortened to its first %(count)s character.",
                "The search was shortened to its first %(count)s characters.",
                MAX_QUERY_LENGTH,
            )
            % {"count": MAX_QUERY_LENGTH}
        )
    words = tuple(words_of(q)[:MAX_WORDS])

    values = _facet_values(params, regions, sectors, notes)

    sort = one("sort")
    if sort not in SORTS and sort != "relevance":
        sort = ""
    if sort == "relevance" and not words:
        sort = ""

    try:
        page = int(one("page") or 1)
    except ValueError:
        page = 1
    page = max(1, page)
    query = DirectoryQuery(
        q=q,
        region=values["region"],
        country=values["country"],
        type=values["type"],
        worker=values["worker"],
        sector=values["sector"],
        sort=sort,
        page=page,
        notes=tuple(notes),
        words=words,
    )
    if words:
        # One indexed query, reading COUNT_CAP + 1 ids at most: do the words, as typed, find
        # anything at all (else: typos), and few enough to count and rank them all?
        public = Affiliate.objects.public()
        whole = _text_search(public, words, fuzzy=False, every_prefix=False)
        # Kinds of entry new with these values ("matches" held a count, "typo-ids" the same
        # ids under another name): an entry cached by earlier code is never misread.
        ids = cached("match-ids", words, lambda: _first_ids(whole))
        every_prefix = not ids and len(words) > 1
        if every_prefix:
            starts = _text_search(public, words, fuzzy=False, every_prefix=True)
            ids = cached("prefix-match-ids", words, lambda: _first_ids(starts))
        fuzzy = not ids
        if fuzzy:
            # "look-alike-ids" held the ids of the earlier way (names, not words, compared).
            # Built inside: looking up the look-alike words is part of what is cached.
            ids = cached(
                "look-alike-word-ids",
                words,
                lambda: _first_ids(_text_search(public, words, fuzzy=True)),
            )
        query = replace(
            query,
            every_prefix=every_prefix and not fuzzy,
            fuzzy=fuzzy,
            word_matches=len(ids),
            match_ids=ids,
            result_ids=ids,
        )
        if not query.read_by_id and query.filters():
            filtered = searched(query).filter(filter_q(query, regions, sectors))
            key = cache_key(query, page=False)
            query = replace(
                query, result_ids=cached("result-ids", key, lambda: _first_ids(filtered))
            )
    return query


def _first_ids(queryset: QuerySet[Affiliate]) -> tuple[int, ...]:
    """The ids of the first COUNT_CAP + 1 rows found (in no order: the index's)."""
    return tuple(queryset.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])


def _one(params: Mapping[str, str], name: str) -> str:
    return clean_text(params.get(name, ""))[:100]


def _facet_values(
    params: Mapping[str, str],
    regions: Sequence[Region],
    sectors: Sequence[Sector],
    notes: list[str],
) -> dict[str, str]:
    """Each filter's value, or "" (with a note) when it names nothing known."""
    choices = {
        "region": {r.slug for r in regions},
        "country": country_names(),
        "type": set(OrganisationType.values),
        "worker": set(WorkerCategory.values),
        "sector": {s.slug for s in sectors},
    }
    messages = {
        "region": _("There is no regional network “%(value)s”; all regions are shown."),
        "country": _("“%(value)s” is not a country code; all countries are shown."),
        "type": _("“%(value)s” is not a type of organisation; all types are shown."),
        "worker": _("“%(value)s” is not a category of workers; all are shown."),
        "sector": _("There is no sector “%(value)s”; all sectors are shown."),
    }
    values: dict[str, str] = {}
    for name in FACETS:
        value = _one(params, name)
        if name == "country":
            value = value.upper()
        if value and value not in choices[name]:
            notes.append(messages[name] % {"value": value})
            value = ""
        values[name] = value
    return values


def _text_search(
    queryset: QuerySet[Affiliate],
    words: tuple[str, ...],
    *,
    fuzzy: bool,
    every_prefix: bool = True,
) -> QuerySet[Affiliate]:
    """Every word matches a word of the name, acronym, city, sectors or description: the last
    as its start, the others whole unless `every_prefix` (text_queries.prefix_query); when
    `fuzzy`, a word may instead look like a word of the name (a typo).

    Typos are looked for only when the words as typed find nothing: a common word would
    otherwise look like thousands of names, for no better result.
    """
    if not words:
        return queryset
    tsquery = prefix_query(words, every_prefix=every_prefix)
    if not fuzzy:
        return queryset.filter(search_vector=tsquery).annotate(
            relevance=SearchRank(F("search_vector"), tsquery)
        )
    return queryset.filter(search_vector=look_alike_query(words)).annotate(
        relevance=fuzzy_relevance(words)
    )


def filter_q(
    query: DirectoryQuery, regions: Sequence[Region], sectors: Sequence[Sector], *, skip: str = ""
) -> Q:
    """The filters as one Q, leaving out `skip` (a facet counts without its own filter)."""
    condition = Q()
    if query.region and skip != "region":
        condition &= Q(region_id=next(r.pk for r in regions if r.slug == query.region))
    if query.country and skip != "country":
        condition &= Q(country=query.country)
    if query.type and skip != "type":
        condition &= Q(organisation_type=query.type)
    if query.worker and skip != "worker":
        if query.worker == WorkerCategory.PIECE_RATE:
            condition &= Q(has_piece_rate_workers=True)
        else:
            condition &= Q(has_self_employed_workers=True)
    if query.sector and skip != "sector":
        sector_id = next(s.pk for s in sectors if s.slug == query.sector)
        # IN (a semi-join on the through table's sector index), not a per-row EXISTS.
        through = Affiliate.sectors.through.objects.filter(sector_id=sector_id)
        condition &= Q(pk__in=through.values("affiliate_id"))
    return condition


def searched(query: DirectoryQuery, *, every: bool = False) -> QuerySet[Affiliate]:
    """Public affiliates the words match. When the search found them all (at most COUNT_CAP;
    a typo search: the COUNT_CAP + 1 it lists at most), the counts and the page read them by
    id; `every`: all of them, from the index again (the CSV)."""
    if not query.read_by_id or every:
        return _text_search(
            Affiliate.objects.public(),
            query.words,
            fuzzy=query.fuzzy,
            every_prefix=query.every_prefix,
        )
    return matches_by_id(query, query.match_ids)


def matches_by_id(query: DirectoryQuery, ids: Sequence[int]) -> QuerySet[Affiliate]:
    """The public affiliates of `ids` (matches found earlier), with the search's relevance."""
    if query.fuzzy:
        relevance = fuzzy_relevance(query.words)
    else:
        tsquery = prefix_query(query.words, every_prefix=query.every_prefix)
        relevance = SearchRank(F("search_vector"), tsquery)
    return Affiliate.objects.public().filter(pk__in=ids).annotate(relevance=relevance)


def directory_search(
    query: DirectoryQuery,
    regions: Sequence[Region],
    sectors: Sequence[Sector],
    *,
    every: bool = False,
) -> QuerySet[Affiliate]:
    """Public affiliates matching the search and every filter, in the chosen order (`every`:
    all of a typo search's, see `searched`).

    By best match, words matching more than COUNT_CAP rank only the first CANDIDATES matches
    the index gives (the search read their ids; with filters, one more such read): a common
    word's tens of thousands of matches are never all read, scored or sorted. `every` (the
    CSV) ranks them all.
    """
    queryset = searched(query, every=every).filter(filter_q(query, regions, sectors))
    sort = query.effective_sort
    if sort != "relevance":
        return queryset.order_by(*SORTS[sort])
    if query.words and not query.read_by_id and not every:
        candidates = query.result_ids
        if ranks_candidates_only(query):
            candidates = candidates[:CANDIDATES]
        # Else the filters leave COUNT_CAP or fewer: all of them, ranked.
        queryset = matches_by_id(query, candidates)
    return queryset.order_by(F("relevance").desc(), "name", "pk")


def ranks_candidates_only(query: DirectoryQuery) -> bool:
    """Whether, by best match, only CANDIDATES of the results are ranked and listed: the words
    and filters give more than COUNT_CAP."""
    return (
        bool(query.words)
        and query.effective_sort == "relevance"
        and not query.read_by_id
        and len(query.result_ids) > COUNT_CAP
    )


@dataclass(frozen=True)
class Page:
    number: int
    count: int
    total: int
    # More results than are listed page by page: the last page says so.
    capped: bool
    items: list[Affiliate]
    # How many results the pages list at most.
    listed_max: int = MAX_PAGES * PAGE_SIZE

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.count

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.total else 0

    @property
    def end_index(self) -> int:
        return min(self.number * PAGE_SIZE, self.total)


def directory_page(
    query: DirectoryQuery, queryset: QuerySet[Affiliate], total: int, capped: bool = False
) -> Page:
    """The requested page; a page past the end (or past MAX_PAGES) gives the last one.

    `capped`: the words match more than COUNT_CAP (`total` says COUNT_CAP + 1); the pages list
    COUNT_CAP of them, or by best match CANDIDATES (the first the index gives, ranked: see
    `directory_search`).
    """
    listed_max = COUNT_CAP if capped else MAX_PAGES * PAGE_SIZE
    if ranks_candidates_only(query):
        listed_max = CANDIDATES
    pages = max(1, math.ceil(total / PAGE_SIZE))
    listed = min(pages, math.ceil(listed_max / PAGE_SIZE))
    number = min(query.page, listed)
    offset = (number - 1) * PAGE_SIZE
    # Ordering and paging read narrow rows (ids); the 25 full rows are fetched by id after.
    ids = cached(
        "page",
        (cache_key(query), number),
        lambda: list(queryset.values_list("pk", flat=True)[offset : offset + PAGE_SIZE]),
    )
    # public() again: cached ids must never bring back an organisation that left the register.
    by_id = Affiliate.objects.public().select_related("region").only(*LISTED_FIELDS).in_bulk(ids)
    items = [by_id[pk] for pk in ids if pk in by_id]
    names, types = country_names(), dict(OrganisationType.choices)
    for item in items:
        # Labels looked up once here: cheaper than the model's display methods in a loop.
        code = str(item.country)  # a Country reads as its code
        item.country_label = names.get(code, code)
        item.type_label = types.get(item.organisation_type, item.organisation_type)
    return Page(
        number=number,
        count=listed,
        total=total,
        capped=capped or pages > listed,
        items=items,
        listed_max=listed_max,
    )
