"""The directory's facets: for each filter, its options with how many results each would give.

Each filter's counts ignore that filter itself, so choosing another option of it never leads
to nothing. Without search words they come from the counts the database keeps (FacetCount, a
few thousand rows whatever the size of the registry); with words, from one pass over the
matching rows (GROUPING SETS) when the words match at most search.COUNT_CAP affiliates. Beyond that
the options show no counts and the total is "more than COUNT_CAP": exact figures would read
most of the table on every search, for options a visitor narrows down with more words anyway.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import QuerySet

from affiliates import search
from affiliates.choices import OrganisationType, WorkerCategory
from affiliates.models import Affiliate, FacetCount, Sector
from affiliates.search import (
    DirectoryQuery,
    cache_key,
    country_names,
    filter_q,
    searched,
)
from core.public_cache import cached
from regions.models import Region


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int | None  # None: not counted (see the module's docstring)
    selected: bool


@dataclass(frozen=True)
class Facets:
    # The number of results; search.COUNT_CAP + 1 when `capped` (more than that many).
    total: int
    options: dict[str, list[Option]]
    capped: bool = False
    cap: int = 0  # search.COUNT_CAP when capped
    # False: the words alone match more than search.COUNT_CAP; the options have no counts.
    counted: bool = True


def _where_sql(queryset: QuerySet[Affiliate]) -> tuple[str, list[Any]]:
    """The WHERE clause of a queryset on the affiliates table, as SQL and parameters."""
    sql_query = queryset.query
    compiler = sql_query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(sql_query.where)
    except FullResultSet:
        return "1 = 1", []
    except EmptyResultSet:  # e.g. a typo search's ids, none found
        return "1 = 0", []
    return sql or "1 = 1", list(params)


_FACET_COLUMNS = {
    "region": "region_id",
    "country": "country",
    "type": "organisation_type",
    "worker_piece_rate": "has_piece_rate_workers",
    "worker_self_employed": "has_self_employed_workers",
}


Where = tuple[str, list[Any]]


def _grouped_counts(
    table: str, base: Where, others: dict[str, Where], counted: str
) -> dict[str, dict[str, int]]:
    """The region, country, type and worker counts from one GROUPING SETS pass over `table`.

    `base` selects the rows; `others[facet]` is the condition of every filter but the facet's
    own; `counted` what a row counts for (COUNT(*) or SUM(...)).
    """
    keys = list(_FACET_COLUMNS)
    facet_of = {key: key.split("_")[0] if key.startswith("worker") else key for key in keys}
    select_params: list[Any] = []
    counts_sql = []
    for key in keys:
        sql, params = others[facet_of[key]]
        counts_sql.append(f"COALESCE({counted} FILTER (WHERE {sql}), 0)")
        select_params += params
    columns = ", ".join(_FACET_COLUMNS[key] for key in keys)
    sets = ", ".join(f"({_FACET_COLUMNS[key]})" for key in keys)
    statement = (
        f"SELECT {columns}, GROUPING({columns}), {', '.join(counts_sql)} "
        f'FROM "{table}" WHERE {base[0]} GROUP BY GROUPING SETS ({sets})'
    )
    result: dict[str, dict[str, int]] = {"region": {}, "country": {}, "type": {}, "worker": {}}
    with connection.cursor() as cursor:
        cursor.execute(statement, select_params + base[1])
        rows = cursor.fetchall()
    for row in rows:
        grouping = row[len(keys)]
        # GROUPING() has a 0 bit for the column this row is grouped by (first = highest).
        index = next(i for i in range(len(keys)) if not grouping & (1 << (len(keys) - 1 - i)))
        value, count = row[index], int(row[len(keys) + 1 + index])
        key = keys[index]
        if key.startswith("worker"):
            if value is True:
                result["worker"][key.removeprefix("worker_")] = count
        else:
            result[key][str(value)] = count
    return result


def _kept_where(
    query: DirectoryQuery, regions: Sequence[Region], sectors: Sequence[Sector], skip: str
) -> Where:
    """The filters but `skip` over FacetCount's columns (sectors: see _kept_counts)."""
    parts: list[str] = []
    params: list[Any] = []
    if query.region and skip != "region":
        parts.append("region_id = %s")
        params.append(next(r.pk for r in regions if r.slug == query.region))
    if query.country and skip != "country":
        parts.append("country = %s")
        params.append(query.country)
    if query.type and skip != "type":
        parts.append("organisation_type = %s")
        params.append(query.type)
    if query.worker and skip != "worker":
        parts.append(f"{_FACET_COLUMNS['worker_' + query.worker]}")
    return " AND ".join(parts) or "TRUE", params


def _kept_counts(
    query: DirectoryQuery, regions: Sequence[Region], sectors: Sequence[Sector]
) -> dict[str, dict[str, int]]:
    """{facet: {value: count}} without search words, from the counts the database keeps.

    Rows of sector 0 count affiliates; with a sector chosen, that sector's rows count those
    having it (once each), which is the sector filter.
    """
    table = FacetCount._meta.db_table
    sector_id = next(s.pk for s in sectors if s.slug == query.sector) if query.sector else 0
    others = {
        name: _kept_where(query, regions, sectors, skip=name)
        for name in ("region", "country", "type", "worker")
    }
    result = _grouped_counts(table, ("sector_id = %s", [sector_id]), others, "SUM(organisations)")
    sql, params = _kept_where(query, regions, sectors, skip="sector")
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT sector_id, SUM(organisations) FROM "{table}" '
            f"WHERE sector_id <> 0 AND {sql} GROUP BY sector_id",
            params,
        )
        result["sector"] = {str(pk): int(count) for pk, count in cursor.fetchall()}
    return result


def _facet_counts(
    query: DirectoryQuery, regions: Sequence[Region], sectors: Sequence[Sector]
) -> dict[str, dict[str, int]]:
    """{facet: {value: count}}, each facet counted under every filter but its own.

    Two queries whatever the number of results: one pass over the matching affiliates for
    the region, country, type and worker facets, one over their sectors.
    """
    table = Affiliate._meta.db_table
    matching = searched(query)
    others = {
        name: _where_sql(Affiliate.objects.filter(filter_q(query, regions, sectors, skip=name)))
        for name in ("region", "country", "type", "worker")
    }
    result = _grouped_counts(table, _where_sql(matching), others, "COUNT(*)")

    sql, params = _where_sql(matching.filter(filter_q(query, regions, sectors, skip="sector")))
    through = Affiliate.sectors.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "{through}"."sector_id", COUNT(*) FROM "{through}" '
            f'INNER JOIN "{table}" ON "{table}"."id" = "{through}"."affiliate_id" '
            f'WHERE {sql} GROUP BY "{through}"."sector_id"',
            params,
        )
        result["sector"] = {str(sector_id): count for sector_id, count in cursor.fetchall()}
    return result


def _counts(
    query: DirectoryQuery, regions: Sequence[Region], sectors: Sequence[Sector]
) -> tuple[dict[str, dict[str, int]] | None, int]:
    """The facets' counts (None: not counted) and the number of results (capped)."""
    if not query.words:
        return _kept_counts(query, regions, sectors), -1
    matches = query.word_matches
    if matches <= search.COUNT_CAP:
        # Few matches for the words alone: every facet's rows are among them, count exactly.
        return _facet_counts(query, regions, sectors), -1
    # The first results of the words and filters, read once: the ranking reads the same ids.
    return None, len(query.result_ids)


def directory_facets(
    query: DirectoryQuery, regions: Sequence[Region], sectors: Sequence[Sector]
) -> Facets:
    """Options for every filter with their counts, and the number of results."""
    counts, total = cached(
        # "facets" held the counts alone: a new kind, so that no such entry is read here.
        "facet-counts",
        cache_key(query, page=False),
        lambda: _counts(query, regions, sectors),
    )
    names = country_names()
    if counts is None:
        # Options without counts: every country a region takes in, whatever the words.
        counts = {
            "region": {},
            "country": dict.fromkeys(_network_countries(), 0),
            "type": {},
            "worker": {},
            "sector": {},
        }
        counted = False
    else:
        by_region = counts["region"]
        if query.region:
            region_pk = next(r.pk for r in regions if r.slug == query.region)
            total = by_region.get(str(region_pk), 0)
        else:
            total = sum(by_region.values())
        counted = True

    def option(value: str, label: str, counts_of: dict[str, int], key: str, chosen: str):
        return Option(value, label, counts_of.get(key, 0) if counted else None, value == chosen)

    options = {
        "region": [
            option(r.slug, r.name, counts["region"], str(r.pk), query.region) for r in regions
        ],
        "country": sorted(
            (
                option(code, names.get(code, code), counts["country"], code, query.country)
                for code, count in counts["country"].items()
                if count or not counted or code == query.country
            ),
            key=lambda o: search.name_order(o.label),
        ),
        "type": [
            option(value, str(label), counts["type"], value, query.type)
            for value, label in OrganisationType.choices
        ],
        "worker": [
            option(value, str(label), counts["worker"], value, query.worker)
            for value, label in WorkerCategory.choices
        ],
        "sector": [
            option(s.slug, s.name, counts["sector"], str(s.pk), query.sector) for s in sectors
        ],
    }
    if query.country and not any(o.value == query.country for o in options["country"]):
        options["country"].insert(
            0, Option(query.country, names[query.country], 0 if counted else None, True)
        )
    capped = not counted and total > search.COUNT_CAP
    return Facets(
        total=total, options=options, capped=capped, cap=search.COUNT_CAP, counted=counted
    )


def _network_countries() -> list[str]:
    """Countries with public affiliates (from the kept counts: a few thousand rows)."""
    return cached(
        "countries",
        (),
        lambda: list(
            FacetCount.objects.filter(sector_id=0, organisations__gt=0)
            .order_by()
            .values_list("country", flat=True)
            .distinct()
        ),
    )
