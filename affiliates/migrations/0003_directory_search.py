"""Full-text and typo-tolerant search for the public directory.

PostgreSQL only (the SQLite default searches by containment and gets just the plain column):
- the unaccent and pg_trgm extensions;
- hn_unaccent(text): unaccent() is only STABLE (its dictionary could change), so a generated
  column or an index cannot call it; this IMMUTABLE wrapper pins the dictionary. The registry
  never edits the unaccent rules, which is what makes the promise true;
- search_vector: a stored generated tsvector, language-neutral ('simple'), accent-free, weighted
  name and acronym (A) above city and sectors (B) above description (C), with a GIN index. It is
  not a model field: no Python write path (ORM, bulk insert, COPY, history) has to know it;
- a trigram GIN index on the accent-free, lower-case name, for typos.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations, models

SEARCH_SQL = [
    """
    CREATE OR REPLACE FUNCTION hn_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    """,
    """
    ALTER TABLE affiliates_affiliate ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, hn_unaccent(name || ' ' || acronym)), 'A')
        || setweight(to_tsvector('simple'::regconfig, hn_unaccent(city || ' ' || sector_names)), 'B')
        || setweight(to_tsvector('simple'::regconfig, hn_unaccent(description)), 'C')
    ) STORED
    """,
    "CREATE INDEX affiliate_search_vector ON affiliates_affiliate USING gin (search_vector)",
    """
    CREATE INDEX affiliate_name_trgm ON affiliates_affiliate
    USING gin (hn_unaccent(lower(name)) gin_trgm_ops)
    """,
]
UNDO_SQL = [
    "DROP INDEX IF EXISTS affiliate_name_trgm",
    "ALTER TABLE affiliates_affiliate DROP COLUMN IF EXISTS search_vector",
    "DROP FUNCTION IF EXISTS hn_unaccent(text)",
]


def _run_on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


def fill_sector_names(apps, schema_editor):
    """Rows that exist before this migration get their sectors' names once."""
    Affiliate = apps.get_model("affiliates", "Affiliate")
    batch = []
    for affiliate in Affiliate.objects.prefetch_related("sectors").iterator(chunk_size=2000):
        affiliate.sector_names = ", ".join(s.name for s in affiliate.sectors.all())
        batch.append(affiliate)
        if len(batch) == 2000:
            Affiliate.objects.bulk_update(batch, ["sector_names"])
            batch = []
    Affiliate.objects.bulk_update(batch, ["sector_names"])


class Migration(migrations.Migration):
    dependencies = [
        ("affiliates", "0002_historical_records"),
    ]

    operations = [
        migrations.AddField(
            model_name="affiliate",
            name="sector_names",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill_sector_names, migrations.RunPython.noop),
        # Both operations do nothing on databases other than PostgreSQL.
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(_run_on_postgresql(SEARCH_SQL), _run_on_postgresql(UNDO_SQL)),
    ]
