"""The directory's counts kept by the database (affiliates.models.FacetCount), and indexes
for the lists in name order and for a common word's candidates.

Statement triggers (one grouped upsert per statement, from its transition tables: an import's
COPY of 10,000 rows costs one upsert, not 10,000) on the affiliates and on their sectors add
+1 or -1, and the members, to the row of each public affiliate's region, country, type and
kinds of workers, for sector 0 (the affiliate) and for each of its sectors. An update counts
only when one of those columns, the status or the members change. A sector row counts when its
affiliate exists and is public at that moment, and an affiliate counts the sector rows that
exist at that moment: whichever of the two is deleted first, the counts end right.
"""

from django.conf import settings
from django.db import migrations, models


KEY = "region_id, country, organisation_type, has_piece_rate_workers, has_self_employed_workers"
SIGNED = f"id, {KEY}, members_women, members_men, members_total"
# What an update must change to move a count.
COUNTED = f"status, {KEY}, members_women, members_men, members_total"


def _upsert(changes: str, sectors: str) -> str:
    """Add the signed rows of `changes` to the counts; `sectors` gives each row's sector ids."""
    return f"""
    INSERT INTO affiliates_facetcount AS f (
        {KEY}, sector_id, organisations, women, men, total
    )
    SELECT {KEY}, s.sector_id, sum(sign), sum(sign * members_women),
        sum(sign * members_men), sum(sign * members_total)
    FROM ({changes}) c CROSS JOIN LATERAL ({sectors}) s
    GROUP BY {KEY}, s.sector_id
    ORDER BY s.sector_id, {KEY}
    ON CONFLICT (sector_id, {KEY}) DO UPDATE SET
        organisations = f.organisations + EXCLUDED.organisations,
        women = f.women + EXCLUDED.women,
        men = f.men + EXCLUDED.men,
        total = f.total + EXCLUDED.total;
    """


def _signed(sign: int, source: str, condition: str = "") -> str:
    """Public rows of `source` (aliased r) with a sign: +1 counted in, -1 counted out."""
    columns = ", ".join(f"r.{c.strip()}" for c in SIGNED.split(","))
    return (
        f"SELECT {sign} AS sign, {columns} FROM {source} WHERE r.status = 'affiliated' {condition}"
    )


def _changed(sign: int, rows: str, other: str) -> str:
    """Rows of an update whose counted columns changed (`rows` old or new, `other` the twin)."""
    mine = ", ".join(f"r.{c.strip()}" for c in COUNTED.split(","))
    theirs = ", ".join(f"o.{c.strip()}" for c in COUNTED.split(","))
    return _signed(
        sign, f"{rows} r JOIN {other} o ON o.id = r.id", f"AND ({mine}) IS DISTINCT FROM ({theirs})"
    )


AFFILIATE_SECTORS = (
    "SELECT 0 AS sector_id UNION ALL SELECT t.sector_id FROM affiliates_affiliate_sectors t "
    "WHERE t.affiliate_id = c.id"
)


def _function(name: str, inserted: str, deleted: str, updated: str) -> str:
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN {inserted}
        ELSIF TG_OP = 'DELETE' THEN {deleted}
        ELSE {updated}
        END IF;
        RETURN NULL;
    END $$
    """


def _affiliate_function() -> str:
    return _function(
        "hn_facet_count_affiliates",
        _upsert(_signed(1, "new_rows r"), AFFILIATE_SECTORS),
        _upsert(_signed(-1, "old_rows r"), AFFILIATE_SECTORS),
        _upsert(
            _changed(-1, "old_rows", "new_rows")
            + " UNION ALL "
            + _changed(1, "new_rows", "old_rows"),
            AFFILIATE_SECTORS,
        ),
    )


def _sector_function() -> str:
    def changes(sign: int, rows: str) -> str:
        columns = ", ".join(f"a.{c.strip()}" for c in SIGNED.split(","))
        return (
            f"SELECT {sign} AS sign, t.sector_id AS link_sector, {columns} FROM {rows} t "
            "JOIN affiliates_affiliate a ON a.id = t.affiliate_id WHERE a.status = 'affiliated'"
        )

    own = "SELECT c.link_sector AS sector_id"
    return _function(
        "hn_facet_count_sectors",
        _upsert(changes(1, "new_rows"), own),
        _upsert(changes(-1, "old_rows"), own),
        _upsert(changes(-1, "old_rows") + " UNION ALL " + changes(1, "new_rows"), own),
    )


def _triggers(table: str, function: str) -> list[str]:
    transitions = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }
    return [
        f"CREATE TRIGGER hn_facet_count_{op.lower()} AFTER {op} ON {table} "
        f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for op, transition in transitions.items()
    ]


# Every public affiliate counted once, and once per sector: what the triggers keep up to date.
RECOUNT = [
    "DELETE FROM affiliates_facetcount",
    _upsert(_signed(1, "affiliates_affiliate r"), AFFILIATE_SECTORS),
]

FORWARD = [
    _affiliate_function(),
    _sector_function(),
    *_triggers("affiliates_affiliate", "hn_facet_count_affiliates"),
    *_triggers("affiliates_affiliate_sectors", "hn_facet_count_sectors"),
    *RECOUNT,
]
BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS hn_facet_count_{op} ON {table}"
        for op in ("insert", "delete", "update")
        for table in ("affiliates_affiliate", "affiliates_affiliate_sectors")
    ),
    "DROP FUNCTION IF EXISTS hn_facet_count_affiliates()",
    "DROP FUNCTION IF EXISTS hn_facet_count_sectors()",
]


class Migration(migrations.Migration):

    dependencies = [
        ('affiliates', '0011_sector_translations'),
        ('regions', '0004_drop_simple_history'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='FacetCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_id', models.IntegerField()),
                ('country', models.CharField(max_length=2)),
                ('organisation_type', models.CharField(max_length=20)),
                ('has_piece_rate_workers', models.BooleanField()),
                ('has_self_employed_workers', models.BooleanField()),
                ('sector_id', models.IntegerField()),
                ('organisations', models.IntegerField(default=0)),
                ('women', models.BigIntegerField(default=0)),
                ('men', models.BigIntegerField(default=0)),
                ('total', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.AddIndex(
            model_name='affiliate',
            index=models.Index(fields=['name', 'id'], name='affiliate_name_id'),
        ),
        migrations.AddIndex(
            model_name='affiliate',
            index=models.Index(fields=['region', 'name', 'id'], name='affiliate_region_name'),
        ),
        migrations.AddIndex(
            model_name='affiliate',
            index=models.Index(models.OrderBy(models.F('members_total'), descending=True), models.F('id'), condition=models.Q(('status', 'affiliated')), name='affiliate_public_members'),
        ),
        migrations.AddConstraint(
            model_name='facetcount',
            constraint=models.UniqueConstraint(fields=('sector_id', 'region_id', 'country', 'organisation_type', 'has_piece_rate_workers', 'has_self_employed_workers'), name='facet_count_key'),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
