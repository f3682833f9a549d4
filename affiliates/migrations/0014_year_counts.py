"""The membership declared each year by today's public affiliates, kept by the database
(affiliates.models.YearCount) for /stats/, as 0010 keeps FacetCount.

Statement triggers on the declarations add or take off a declaration whose affiliate exists and
is public at that moment; on the affiliates, every declaration of one that becomes public or
stops being so. Whichever of an affiliate and its declarations is deleted first, the counts
end right (the same reasoning as 0010's).
"""

from django.db import migrations, models



def _upsert(changes: str) -> str:
    """Add the signed declarations of `changes` (sign, year, women, men, total) to the years."""
    return f"""
    INSERT INTO affiliates_yearcount AS y (year, organisations, women, men, total)
    SELECT year, sum(sign), sum(sign * women), sum(sign * men), sum(sign * total)
    FROM ({changes}) c GROUP BY year ORDER BY year
    ON CONFLICT (year) DO UPDATE SET
        organisations = y.organisations + EXCLUDED.organisations,
        women = y.women + EXCLUDED.women,
        men = y.men + EXCLUDED.men,
        total = y.total + EXCLUDED.total;
    """


def _declarations(sign: int, rows: str) -> str:
    return (
        f"SELECT {sign} AS sign, d.year, d.women, d.men, d.total FROM {rows} d "
        "JOIN affiliates_affiliate a ON a.id = d.affiliate_id WHERE a.status = 'affiliated'"
    )


def _of_affiliates(sign: int, rows: str, condition: str = "") -> str:
    return (
        f"SELECT {sign} AS sign, d.year, d.women, d.men, d.total FROM {rows} "
        f"JOIN affiliates_membershipdeclaration d ON d.affiliate_id = r.id "
        f"WHERE r.status = 'affiliated' {condition}"
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


# An affiliate's public-ness changing moves its declarations; no other change of it does.
MOVED = "AND r.status IS DISTINCT FROM o.status"
DECLARATIONS_FUNCTION = _function(
    "hn_year_count_declarations",
    _upsert(_declarations(1, "new_rows")),
    _upsert(_declarations(-1, "old_rows")),
    _upsert(_declarations(-1, "old_rows") + " UNION ALL " + _declarations(1, "new_rows")),
)
AFFILIATES_FUNCTION = _function(
    "hn_year_count_affiliates",
    _upsert(_of_affiliates(1, "new_rows r")),
    _upsert(_of_affiliates(-1, "old_rows r")),
    _upsert(
        _of_affiliates(-1, "old_rows r JOIN new_rows o ON o.id = r.id", MOVED)
        + " UNION ALL "
        + _of_affiliates(1, "new_rows r JOIN old_rows o ON o.id = r.id", MOVED)
    ),
)


def _triggers(table: str, function: str) -> list[str]:
    transitions = {
        "INSERT": "NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }
    return [
        f"CREATE TRIGGER hn_year_count_{op.lower()} AFTER {op} ON {table} "
        f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for op, transition in transitions.items()
    ]


FORWARD = [
    DECLARATIONS_FUNCTION,
    AFFILIATES_FUNCTION,
    *_triggers("affiliates_membershipdeclaration", "hn_year_count_declarations"),
    *_triggers("affiliates_affiliate", "hn_year_count_affiliates"),
    # Every declaration of a public affiliate, counted once.
    _upsert(_declarations(1, "affiliates_membershipdeclaration")),
]
BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS hn_year_count_{op} ON {table}"
        for op in ("insert", "delete", "update")
        for table in ("affiliates_membershipdeclaration", "affiliates_affiliate")
    ),
    "DROP FUNCTION IF EXISTS hn_year_count_declarations()",
    "DROP FUNCTION IF EXISTS hn_year_count_affiliates()",
]


class Migration(migrations.Migration):

    dependencies = [
        ('affiliates', '0013_directory_order_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='YearCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(unique=True)),
                ('organisations', models.IntegerField(default=0)),
                ('women', models.BigIntegerField(default=0)),
                ('men', models.BigIntegerField(default=0)),
                ('total', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
