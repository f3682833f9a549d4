"""Carry the history kept by django-simple-history over into pghistory's event tables.

Each historical row becomes an event of the same record, at the same time, with the same
values; who and why become the event's context. An affiliate's sectors were kept in a
separate table per historical row: they become the event's `sector_names`, as the
triggers record them from now on. Reversing leaves the events (the old tables stay until the
next migrations drop them).

Records that have no history (loaded in bulk, which simple-history missed), or whose latest
event differs from the row, get a "baseline" event of their current state, so that their next
change reads as just that.
"""

from django.db import migrations

# (app, tracked model): the simple-history table and the event table follow from them.
AUDITED = [
    ("affiliates", "Affiliate"),
    ("affiliates", "MembershipDeclaration"),
    ("regions", "Region"),
    ("regions", "RegionCountry"),
    ("regions", "CoordinatorAssignment"),
]

# A sector deleted since reads as such, as the history pages name a missing reference.
SECTOR_NAMES = """COALESCE((
    SELECT string_agg(COALESCE(s.name, 'deleted (#' || hs.sector_id || ')'), ', '
                      ORDER BY COALESCE(s.name, 'deleted (#' || hs.sector_id || ')') COLLATE "C")
    FROM affiliates_historicalaffiliate_sectors hs
    LEFT JOIN affiliates_sector s ON s.id = hs.sector_id
    WHERE hs.history_id = h.history_id
), '')"""


def copy_history(apps, schema_editor):
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for app_label, name in AUDITED:
        historical = apps.get_model(app_label, f"Historical{name}")._meta.db_table
        events = apps.get_model(app_label, f"{name}Event")._meta
        with connection.cursor() as cursor:
            kept = {
                c.name for c in connection.introspection.get_table_description(cursor, historical)
            }
        columns, values = [], []
        for field in events.concrete_fields:
            if field.column.startswith("pgh_"):
                continue
            if field.column in kept:
                columns.append(quote(field.column))
                values.append(f"h.{quote(field.column)}")
            elif field.column == "sector_names":
                columns.append(quote(field.column))
                values.append(SECTOR_NAMES)
        schema_editor.execute(
            f"INSERT INTO {quote(events.db_table)} "
            f"({', '.join(columns)}, pgh_created_at, pgh_label, pgh_obj_id, pgh_context_id, "
            "pgh_context) "
            f"SELECT {', '.join(values)}, h.history_date, "
            "CASE WHEN h.history_change_reason = 'baseline' THEN 'baseline' "
            "WHEN h.history_type = '+' THEN 'insert' WHEN h.history_type = '-' THEN 'delete' "
            "ELSE 'update' END, h.id, gen_random_uuid(), "
            "jsonb_strip_nulls(jsonb_build_object("
            "'user', h.history_user_id, 'reason', h.history_change_reason)) "
            f"FROM {quote(historical)} h ORDER BY h.history_date, h.history_id"
        )


def record_baselines(apps, schema_editor):
    quote = schema_editor.connection.ops.quote_name
    for app_label, name in AUDITED:
        table = apps.get_model(app_label, name)._meta.db_table
        events = apps.get_model(app_label, f"{name}Event")._meta
        columns = [
            quote(f.column) for f in events.concrete_fields if not f.column.startswith("pgh_")
        ]
        schema_editor.execute(
            f"INSERT INTO {quote(events.db_table)} ({', '.join(columns)}, pgh_created_at, "
            "pgh_label, pgh_obj_id, pgh_context_id, pgh_context) "
            f"SELECT {', '.join(f'r.{c}' for c in columns)}, now(), 'baseline', r.id, "
            """gen_random_uuid(), '{"reason": "baseline"}'::jsonb """
            # No history, or a latest event that differs from the row (a sector order written
            # otherwise, a bulk write simple-history missed): the next change must diff
            # against the row as it is.
            f"FROM {quote(table)} r WHERE ROW({', '.join(f'r.{c}' for c in columns)}) "
            f"IS DISTINCT FROM (SELECT ROW({', '.join(f'e.{c}' for c in columns)}) "
            f"FROM {quote(events.db_table)} e WHERE e.pgh_obj_id = r.id "
            "ORDER BY e.pgh_id DESC LIMIT 1) ORDER BY r.id"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("affiliates", "0006_history_events"),
        ("regions", "0003_history_events"),
    ]

    operations = [
        migrations.RunPython(copy_history, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(record_baselines, migrations.RunPython.noop, elidable=True),
    ]
