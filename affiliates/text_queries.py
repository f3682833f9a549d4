"""From what somebody types to PostgreSQL's text search: the words, the queries of the
directory's search (affiliates.search) and staff's search of every record.

Words are letters, marks and digits; a query folds case and accents as the indexed columns do
(migration 0005, affiliates.search_columns).
"""

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import Combinable

from affiliates.models import Affiliate, NameWord
from affiliates.rules import normalise_reference
from affiliates.search_columns import SEARCH_CONFIG, lower_case, unaccented

MAX_WORDS = 8
# A typo is searched as itself or as any of this many words of the names most like it.
LOOK_ALIKES = 20


def words_of(text: str) -> list[str]:
    """Split on anything that is not a letter, combining mark or digit.

    Marks count as letters: Devanagari and Thai vowel signs are part of the word.
    """
    words: list[str] = []
    current: list[str] = []
    for char in text:
        if unicodedata.category(char)[0] in "LMN":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    # A lone combining mark is no word (and would leave an empty search term).
    return [word for word in words if any(unicodedata.category(c)[0] in "LN" for c in word)]


def clean_text(text: str) -> str:
    # Control characters (NUL above all: PostgreSQL refuses it) and lone surrogates go.
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cs", "Cf"))
    return " ".join(text.split())


def prefix_query(words: tuple[str, ...], *, every_prefix: bool = True) -> SearchQuery:
    """Every word as the start of a word: 'word1':* & 'word2':*; unless `every_prefix`, the
    words before the last as whole words: 'word1' & 'word2':* (the last may be half typed).

    A whole word is one entry of the index; a prefix is every entry it starts, and the start of
    a common word ("group", "women") is tens of thousands of rows to read before the other
    words narrow them down: a search engine's rule (Meilisearch's too), a hundred times faster
    for two words at a million affiliates.

    The words hold only letters, marks and digits; quoting them anyway (quotes and
    backslashes doubled, as tsquery wants) keeps any word a lexeme, never an operator. The
    database folds the case as it does for the column (hn_lower); hn_search takes the accents off.
    """
    last = len(words) - 1
    terms = " & ".join(
        _lexeme(word) + (":*" if every_prefix or index == last else "")
        for index, word in enumerate(words)
    )
    return _raw_query(terms)


def _lexeme(word: str) -> str:
    """A word quoted for tsquery (quotes and backslashes doubled): a lexeme, never an operator."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _raw_query(terms: str) -> SearchQuery:
    return SearchQuery(lower_case(Value(terms)), search_type="raw", config=SEARCH_CONFIG)


def look_alike_query(words: tuple[str, ...]) -> SearchQuery:
    """Every word, as the start of a word or as one of the words of the names that look like it
    (typos): 'prabsng':* | 'prabhat' | ... for each, all of them together.

    The look-alikes come from NameWord, the names' few thousand distinct words (trigram index),
    not from a million names: a typo costs a lookup among words, then an indexed search.
    """
    groups = []
    for word in words:
        typed = unaccented(lower_case(Value(word)))
        alike = (
            NameWord.objects.filter(affiliates__gt=0, word__trigram_word_similar=typed)
            .annotate(similarity=TrigramWordSimilarity(typed, "word"))  # type: ignore[arg-type]
            .order_by("-similarity", "word")
            .values_list("word", flat=True)[:LOOK_ALIKES]
        )
        groups.append("(" + " | ".join([_lexeme(word) + ":*", *map(_lexeme, alike)]) + ")")
    return _raw_query(" & ".join(groups))


def fuzzy_relevance(words: tuple[str, ...]) -> Combinable:
    """A typo search's rank: the words' own, plus how much each looks like a word of the name."""
    similarity: Combinable = SearchRank(F("search_vector"), prefix_query(words))
    for word in words:
        typed = unaccented(lower_case(Value(word)))
        # The stubs want a str; an expression is what Django's own code passes too.
        similarity = similarity + TrigramWordSimilarity(typed, "name_plain")  # type: ignore[arg-type]
    return similarity


def staff_search(
    queryset: QuerySet[Affiliate], text: str, *, listed: int | None = None
) -> QuerySet[Affiliate]:
    """Staff's search of every record (any status): each word as the start of a word of the
    name, acronym, city, sectors or description (the directory's indexed column), or the
    reference as people type it, or the slug. Indexed, unlike `icontains` over five columns.

    `listed`: for a list shown in name order a page at a time, at most `listed` of the
    matches, the first the indexes give (the list says when there are more). Without it,
    PostgreSQL may walk the whole name index looking for matches of a rare word, or sort a
    common word's hundred thousand matches by name, for 25 rows. The CSV has them all.
    """
    text = clean_text(text)
    words = tuple(words_of(text)[:MAX_WORDS])
    condition = Q(slug=text[:220])
    if words:
        condition |= Q(search_vector=prefix_query(words))
    reference = normalise_reference(text)
    if reference:
        condition |= Q(reference=reference)
    if listed is None:
        return queryset.filter(condition)
    # A limited subquery is read first (by the indexes: it needs every match up to its limit),
    # then ordered: never "in name order, filtering as it goes".
    first = queryset.filter(condition).order_by().values("pk")[:listed]
    return queryset.filter(pk__in=first)
