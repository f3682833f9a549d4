"""The directory search on django.contrib.postgres: its columns become model fields.

0003 added `search_vector` as a raw generated column that no model field maps, and a trigram
index on an expression. They make way for two GeneratedFields on Affiliate, with GinIndexes
declared in its Meta:

- hn_lower(text): lower() by a Unicode collation, so that case folding does not depend on the
  server's locale (under C, lower() and text search leave "Д" or "É" as they are). The first
  collation the server has: PostgreSQL's own pg_c_utf8 (17+), ICU's root, glibc's C.UTF-8;
  failing all three, plain lower(). IMMUTABLE for the same reason as hn_unaccent (0003);
- hn_search: a text search configuration, 'simple' (language-neutral) with unaccent before it
  for the words that are not plain ASCII, so neither the column nor a query calls hn_unaccent;
- search_vector: setweight(to_tsvector('hn_search', hn_lower(...)), ...) for name and acronym
  (A), city and sectors (B), description (C);
- name_plain: hn_unaccent(hn_lower(name)), with a trigram GIN index, for typos.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

# In order of preference: built into PostgreSQL, then ICU, then the C library.
FOLD_COLLATIONS = ["pg_c_utf8", "und-x-icu", "C.utf8", "C.UTF-8"]

DROP_RAW_SEARCH = [
    "DROP INDEX IF EXISTS affiliate_name_trgm",
    "DROP INDEX IF EXISTS affiliate_search_vector",
    "ALTER TABLE affiliates_affiliate DROP COLUMN IF EXISTS search_vector",
]
# 0003's column and indexes, for going back.
RAW_SEARCH = [
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

SEARCH_CONFIGURATION = [
    "CREATE TEXT SEARCH CONFIGURATION hn_search (COPY = pg_catalog.simple)",
    # ASCII words (asciiword, asciihword, hword_asciipart) have no accents to take off.
    """
    ALTER TEXT SEARCH CONFIGURATION hn_search
    ALTER MAPPING FOR word, numword, hword, numhword, hword_part, hword_numpart
    WITH unaccent, pg_catalog.simple
    """,
]


def create_hn_lower(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT collname FROM pg_collation WHERE collname = ANY(%s) "
            "AND collencoding IN (-1, pg_char_to_encoding(getdatabaseencoding()))",
            [FOLD_COLLATIONS],
        )
        available = {name for (name,) in cursor.fetchall()}
    collation = next((name for name in FOLD_COLLATIONS if name in available), None)
    folded = f"$1 COLLATE {schema_editor.quote_name(collation)}" if collation else "$1"
    schema_editor.execute(
        "CREATE FUNCTION hn_lower(text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
        f"AS $$ SELECT lower({folded}) $$"
    )


def drop_hn_lower(apps, schema_editor) -> None:
    schema_editor.execute("DROP FUNCTION IF EXISTS hn_lower(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("affiliates", "0004_statuschange_withdrawal_kind"),
    ]

    operations = [
        migrations.RunSQL(DROP_RAW_SEARCH, RAW_SEARCH),
        migrations.RunPython(create_hn_lower, drop_hn_lower),
        migrations.RunSQL(
            SEARCH_CONFIGURATION, "DROP TEXT SEARCH CONFIGURATION IF EXISTS hn_search"
        ),
        migrations.AddField(
            model_name="affiliate",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.CombinedSearchVector(
                        django.contrib.postgres.search.SearchVector(
                            models.Func(
                                models.F("name"),
                                function="hn_lower",
                                output_field=models.TextField(),
                            ),
                            models.Func(
                                models.F("acronym"),
                                function="hn_lower",
                                output_field=models.TextField(),
                            ),
                            config="hn_search",
                            weight="A",
                        ),
                        "||",
                        django.contrib.postgres.search.SearchVector(
                            models.Func(
                                models.F("city"),
                                function="hn_lower",
                                output_field=models.TextField(),
                            ),
                            models.Func(
                                models.F("sector_names"),
                                function="hn_lower",
                                output_field=models.TextField(),
                            ),
                            config="hn_search",
                            weight="B",
                        ),
                        django.contrib.postgres.search.SearchConfig("hn_search"),
                    ),
                    "||",
                    django.contrib.postgres.search.SearchVector(
                        models.Func(
                            models.F("description"),
                            function="hn_lower",
                            output_field=models.TextField(),
                        ),
                        config="hn_search",
                        weight="C",
                    ),
                    django.contrib.postgres.search.SearchConfig("hn_search"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="affiliate",
            name="name_plain",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    models.Func(
                        models.F("name"), function="hn_lower", output_field=models.TextField()
                    ),
                    function="hn_unaccent",
                    output_field=models.TextField(),
                ),
                output_field=models.TextField(),
            ),
        ),
        migrations.AddIndex(
            model_name="affiliate",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="affiliate_search_vector"
            ),
        ),
        migrations.AddIndex(
            model_name="affiliate",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["name_plain"], name="affiliate_name_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]
