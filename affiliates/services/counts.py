"""The counts the database keeps (FacetCount, YearCount), rebuilt from the rows in one pass.

Their statement triggers (migrations 0012 and 0014) keep them right write by write. A load of
a million rows switches them off (`counting_triggers`) and rebuilds the counts at the end:
each statement's upsert joins the rows it wrote to other tables, and in a load whose indexes
are dropped until the end such a join reads the whole table every time, so the load would slow
with every batch. One rebuild reads each table once.
"""

from django.db import connection

# Each table's counting triggers, by the names the migrations gave them.
COUNTING_TRIGGERS = {
    "affiliates_affiliate": ("hn_facet_count", "hn_year_count"),
    "affiliates_affiliate_sectors": ("hn_facet_count",),
    "affiliates_membershipdeclaration": ("hn_year_count",),
}
KEY = "region_id, country, organisation_type, has_piece_rate_workers, has_self_employed_workers"
PUBLIC = "a.status = 'affiliated'"


def counts_rebuild() -> None:
    """Count every public affiliate again (once, and once per sector) and every declaration of
    one: what the triggers keep, from nothing. Inside a transaction, as one change."""
    assert connection.in_atomic_block, "counts_rebuild() needs a transaction"
    members = "count(*), sum(members_women), sum(members_men), sum(members_total)"
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM affiliates_facetcount")
        insert = (
            f"INSERT INTO affiliates_facetcount ({KEY}, sector_id, organisations, women, men, "
            "total) "
        )
        cursor.execute(
            f"{insert} SELECT {KEY}, 0, {members} FROM affiliates_affiliate a "
            f"WHERE {PUBLIC} GROUP BY {KEY}"
        )
        cursor.execute(
            f"{insert} SELECT {KEY}, t.sector_id, {members} FROM affiliates_affiliate a "
            f"JOIN affiliates_affiliate_sectors t ON t.affiliate_id = a.id "
            f"WHERE {PUBLIC} GROUP BY {KEY}, t.sector_id"
        )
        cursor.execute("DELETE FROM affiliates_yearcount")
        cursor.execute(
            "INSERT INTO affiliates_yearcount (year, organisations, women, men, total) "
            "SELECT d.year, count(*), sum(d.women), sum(d.men), sum(d.total) "
            "FROM affiliates_membershipdeclaration d "
            f"JOIN affiliates_affiliate a ON a.id = d.affiliate_id WHERE {PUBLIC} "
            "GROUP BY d.year"
        )


def counting_triggers(*, enabled: bool) -> None:
    """Switch the counting triggers off (a large load) or on again, then `counts_rebuild()`.

    Inside a transaction: ALTER TABLE locks the tables until it ends, so nobody else writes
    uncounted, and a failure rolls the switch back with the rest.
    """
    assert connection.in_atomic_block, "counting_triggers() needs a transaction"
    action = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        # PostgreSQL alters no table with trigger events pending: the deferred reference
        # checks of the rows written so far run now, later ones are deferred again (as
        # Django declares them).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, prefixes in COUNTING_TRIGGERS.items():
            for prefix in prefixes:
                for operation in ("insert", "update", "delete"):
                    cursor.execute(f"ALTER TABLE {table} {action} TRIGGER {prefix}_{operation}")
