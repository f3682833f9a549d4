"""The database side of the directory's search: its text configuration and the expressions
of the columns the database computes (Affiliate.search_vector, Affiliate.name_plain)."""

from django.contrib.postgres.search import CombinedSearchVector, SearchVector
from django.db import models
from django.db.models import Expression, F, Func

# The directory's text search configuration (migration 0005): 'simple', language-neutral,
# with unaccent before it for words that are not plain ASCII.
SEARCH_CONFIG = "hn_search"


def lower_case(expression: Expression | F) -> Func:
    """lower() by a Unicode collation (hn_lower, migration 0005), whatever the server's locale.

    Under a C locale PostgreSQL's lower() and text search leave Cyrillic or accented capitals
    as they are: "Другая" would not find "другая".
    """
    return Func(expression, function="hn_lower", output_field=models.TextField())


def unaccented(expression: Expression | F) -> Func:
    """unaccent() pinned IMMUTABLE (hn_unaccent, migration 0003), so a column can store it."""
    return Func(expression, function="hn_unaccent", output_field=models.TextField())


def search_vector() -> CombinedSearchVector:
    """The directory's weighted words: name and acronym, then city and sectors (in every
    language they are written in), then description."""

    def words(*fields: str, weight: str) -> SearchVector:
        folded = [lower_case(F(name)) for name in fields]
        return SearchVector(*folded, weight=weight, config=SEARCH_CONFIG)

    vector = (
        words("name", "acronym", weight="A")
        + words("city", "sector_names", "sector_names_translated", weight="B")
        + words("description", weight="C")
    )
    # The stubs type `+` as Combinable's; SearchVector's gives a CombinedSearchVector.
    return vector  # type: ignore[return-value]
