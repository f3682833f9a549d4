"""The directory's facets: for each filter, its options with how many results each would give.

Counted in one pass over the matching rows (GROUPING SETS), each filter's counts ignoring that
filter itself, so choosing another option of it never leads to nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FullResultSet
from django.db import connection
from django.db.models import QuerySet

from affiliates.choices import OrganisationType, WorkerCategory
from affiliates.models import Affiliate, Sector
from affiliates.search import DirectoryQuery, cache_key, country_names, filter_q, searched
from core.public_cache import cached
from regions.models import Region


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facets:
    total: int
    options: dict[str, list[Option]]


def _where_sql(queryset: QuerySet[Affiliate]) -> tuple[str, list[Any]]:
    """The WHERE clause of a queryset on the affiliates table, as SQL and parameters."""
    sql_query = queryset.query
    compiler = sql_query.get_compiler(connection=connection)
    try:
        sql, params = compiler.compile(sql_query.where)
    except FullResultSet:
        return "1 = 1", []
    return sql or "1 = 1", list(params)


_FACET_COLUMNS = {
    "region": "region_id",
    "country": "country",
    "type": "organisation_type",
    "worker_piece_rate": "has_piece_rate_workers",
    "worker_self_employed": "has_self_employed_workers",
}


def _facet_counts(
    query: DirectoryQuery, regions: Sequence[Region], sectors: Sequence[Sector]
) -> dict[str, dict[str, int]]:
    """{facet: {value: count}}, each facet counted under every filter but its own.

    Two queries whatever the number of results: one pass over the matching affiliates for
    the region, country, type and worker facets, one over their sectors.
    """
    table = Affiliate._meta.db_table
    matching = searched(query)
    base_sql, base_params = _where_sql(matching)
    others: dict[str, tuple[str, list[Any]]] = {}
    for name in ("region", "country", "type", "worker"):
        sql, params = _where_sql(
            Affiliate.objects.filter(filter_q(query, regions, sectors, skip=name))
        )
        others[name] = (sql, params)
    keys = list(_FACET_COLUMNS)
    facet_of = {key: key.split("_")[0] if key.startswith("worker") else key for key in keys}
    select_params: list[Any] = []
    counts_sql = []
    for key in keys:
        sql, params = others[facet_of[key]]
        counts_sql.append(f"COUNT(*) FILTER (WHERE {sql})")
        select_params += params
    columns = ", ".join(_FACET_COLUMNS[key] for key in keys)
    sets = ", ".join(f"({_FACET_COLUMNS[key]})" for key in keys)
    statement = (
        f"SELECT {columns}, GROUPING({columns}), {', '.join(counts_sql)} "
        f'FROM "{table}" WHERE {base_sql} GROUP BY GROUPING SETS ({sets})'
    )
    all_params = select_params + base_params

    result: dict[str, dict[str, int]] = {"region": {}, "country": {}, "type": {}, "worker": {}}
    with connection.cursor() as cursor:
        cursor.execute(statement, all_params)
        rows = cursor.fetchall()
    for row in rows:
        grouping = row[len(keys)]
        # GROUPING() has a 0 bit for the column this row is grouped by (first = highest).
        index = next(i for i in range(len(keys)) if not grouping & (1 << (len(keys) - 1 - i)))
        value, count = row[index], row[len(keys) + 1 + index]
        key = keys[index]
        if key.startswith("worker"):
            if value is True:
                result["worker"][key.removeprefix("worker_")] = count
        else:
            result[key][str(value)] = count

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


def directory_facets(
    query: DirectoryQuery, regions: Sequence[Region], sectors: Sequence[Sector]
) -> Facets:
    """Options for every filter with their counts, and the number of results."""
    counts = cached(
        "facets", cache_key(query, page=False), lambda: _facet_counts(query, regions, sectors)
    )
    by_region = counts["region"]
    if query.region:
        region_pk = next(r.pk for r in regions if r.slug == query.region)
        total = by_region.get(str(region_pk), 0)
    else:
        total = sum(by_region.values())

    names = country_names()
    options = {
        "region": [
            Option(r.slug, r.name, by_region.get(str(r.pk), 0), r.slug == query.region)
            for r in regions
        ],
        "country": sorted(
            (
                Option(code, names.get(code, code), count, code == query.country)
                for code, count in counts["country"].items()
                if count or code == query.country
            ),
            key=lambda option: option.label,
        ),
        "type": [
            Option(value, str(label), counts["type"].get(value, 0), value == query.type)
            for value, label in OrganisationType.choices
        ],
        "worker": [
            Option(value, str(label), counts["worker"].get(value, 0), value == query.worker)
            for value, label in WorkerCategory.choices
        ],
        "sector": [
            Option(s.slug, s.name, counts["sector"].get(str(s.pk), 0), s.slug == query.sector)
            for s in sectors
        ],
    }
    if query.country and not any(o.value == query.country for o in options["country"]):
        options["country"].insert(0, Option(query.country, names[query.country], 0, True))
    return Facets(total=total, options=options)
