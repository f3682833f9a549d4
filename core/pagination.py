"""A paginator for tables too large to count on every page view."""

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to EXACT_UP_TO rows (reading no more than that); beyond, says what
    PostgreSQL's planner estimates: counting a million rows for the page numbers costs a pass
    over the table on every page view, for a figure nobody needs to the unit.

    The estimate comes from the table's statistics (autovacuum keeps them fresh), so the last
    page number may be off by a little on a large list.
    """

    EXACT_UP_TO = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return super().count
        counted = queryset.order_by().values("pk")[: self.EXACT_UP_TO + 1].count()
        if counted <= self.EXACT_UP_TO:
            return counted
        return max(counted, _planner_rows(queryset.order_by()))


def _planner_rows(queryset: QuerySet[Any]) -> int:
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])
