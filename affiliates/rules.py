"""The registry's rules about names, years and membership figures, each written once.

Models check them in `clean()` and constraints; forms, files and services call them to say so
next to the field or row at fault.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

EARLIEST_FOUNDED_YEAR = 1800
EARLIEST_DECLARATION_YEAR = 1950

# One organisation per name and country (affiliates.models' constraint; forms say it first).
NAME_TAKEN = _("An organisation with this name is already registered in this country.")

# The membership rule every form, file and service checks (and the database enforces).
TOTAL_TOO_SMALL = _("The total cannot be less than women plus men.")


def membership_total(women: int, men: int, total: int | None) -> int:
    """The total members: as declared, or women plus men when none is given."""
    return women + men if total is None else total


def total_covers(women: int, men: int, total: int | None) -> bool:
    """Whether a declared total counts at least its women and men (no total: it will)."""
    return total is None or total >= women + men


def this_year() -> int:
    """The current year, in the site's time zone: the last year anything may be dated."""
    return timezone.localdate().year


def declaration_years() -> range:
    """The years a membership declaration may be for: none before 1950, none in the future."""
    return range(EARLIEST_DECLARATION_YEAR, this_year() + 1)


def declaration_due_year() -> int:
    """The year whose declaration is due now: last year, the year that has ended.

    Who owes it is AffiliateQuerySet.missing_declaration: members affiliated by the end of that
    year who have declared neither it nor a later year. Every screen that speaks of a missing
    declaration asks these two.
    """
    return this_year() - 1


# A record whose details nobody has confirmed for longer than this is listed as stale.
CONFIRMATION_MONTHS = 12


def stale_before() -> dt.date:
    """Details confirmed before this day are stale: the same day CONFIRMATION_MONTHS ago.

    (29 February looks back to the 28th.)
    """
    today = timezone.localdate()
    months = today.year * 12 + today.month - 1 - CONFIRMATION_MONTHS
    year, month = divmod(months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")


def is_stale(confirmed_on: dt.date | None) -> bool:
    """Whether details confirmed on this day (None: never) wait to be confirmed again."""
    return confirmed_on is None or confirmed_on < stale_before()


def end_of_year(year: int) -> dt.date:
    return dt.date(year, 12, 31)


FOUNDED_IN_FUTURE = _("The year founded cannot be in the future.")


def founded_in_future(year: int | None) -> bool:
    return year is not None and year > this_year()


_ACCENTS_AND_SPACES = re.compile(r"[\u0300-\u036f\s]+")

# Characters that show nothing yet make two names differ: besides every format character
# (Unicode's Cf: zero-width space, joiners, soft hyphen, byte-order mark, word joiner, the
# bidirectional embeddings, overrides, isolates and marks...), the combining grapheme joiner,
# the Hangul fillers and the Khmer inherent vowels, which are letters or marks that draw nothing.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
_WHITESPACE = re.compile(r"\s+")


def _visible(char: str) -> bool:
    category = unicodedata.category(char)
    return category not in ("Cf", "Cc") and char not in _INVISIBLE


def clean_name(name: str) -> str:
    """A name as it is stored: NFC, no invisible or control characters, single spaces.

    "Sewa\u200b Mahila" is saved as "Sewa Mahila", a right-to-left override is dropped.
    Letters of any script stay as typed (Cyrillic stays Cyrillic): folding look-alikes is for
    the key only (normalise_name), and so is NFKC's compatibility folding: NFKC would rewrite
    Thai's SARA AM ("ทำ") as two other characters, and a search typed the usual way would no
    longer find the name. A full-width "Ｓｅｗａ" is kept, and keyed as "sewa".
    """
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", name):
        if char in _JOINERS:
            # Devanagari, Bengali or Urdu spell with them (a half form, a non-joined letter):
            # kept after a letter of such a script, dropped elsewhere (in Latin they hide).
            if kept and _shapes_with_joiners(kept[-1]):
                kept.append(char)
        elif char.isspace() or _visible(char):
            kept.append(char)
    return _WHITESPACE.sub(" ", "".join(kept)).strip()


_JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner


def _shapes_with_joiners(char: str) -> bool:
    """A letter or mark of a script other than Latin, Cyrillic, Greek or Armenian."""
    if unicodedata.category(char)[0] not in "LM":
        return False
    return not unicodedata.name(char, "").startswith(("LATIN", "CYRILLIC", "GREEK", "ARMENIAN"))


# Cyrillic, Greek and Armenian letters drawn like a Latin one, after casefolding: the key is
# case-blind, so a small letter folds like its capital when either looks Latin (Cyrillic "н"
# because "Н" is an H, Greek "ν" because "Ν" is an N). Unicode's confusables.txt (UTS #39)
# lists thousands more; these are the ones a keyboard or a copy-paste slips into a Latin name.
_LOOK_ALIKES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "і": "i", "ј": "j", "к": "k", "м": "m",
        "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
        "һ": "h", "ԁ": "d", "ӏ": "l", "ԛ": "q", "ԝ": "w", "ү": "y", "ѵ": "v",
        # Greek
        "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "h", "ι": "i", "κ": "k", "μ": "m",
        "ν": "n", "ο": "o", "ρ": "p", "τ": "t", "υ": "y", "χ": "x", "ϲ": "c", "ϳ": "j",
        # Armenian
        "օ": "o", "ս": "u", "հ": "h", "ո": "n",
    }
)  # fmt: skip


def normalise_name(name: str) -> str:
    """The key two names share when they name the same organisation.

    Ignores case, Latin accents, spaces and invisible characters ("Sewa  Mahila", "sewa
    mahila", "Séwa Mahila", "Sewa\u200bMahila"), and reads Cyrillic, Greek and Armenian
    look-alikes as the Latin letter they look like ("Sеwa" with a Cyrillic е).
    Only the combining diacritics block is dropped: Devanagari or Thai vowel signs change
    the word and are kept.

    Look-alikes are folded always, not only in names that mix scripts: a name written wholly
    in Cyrillic keeps a key of its own as long as one of its letters has no Latin twin
    ("Союз" keys as "coюз", which no Latin name gives), and its key is still the same
    whichever Latin look-alike slips into it ("Coюз" with a Latin C). Folding only mixed
    names would miss that second case and let "АСМЕ" in Cyrillic stand beside a Latin
    "ACME": two names a reader cannot tell apart. The price: a Cyrillic or Greek name made
    only of look-alikes ("Сор") is the same name as the Latin one it looks like ("Cop"), in
    the same country; that is the point of the rule.
    """
    cleaned = "".join(char for char in clean_name(name) if char not in _JOINERS)
    decomposed = unicodedata.normalize("NFKD", cleaned).casefold()
    folded = decomposed.translate(_LOOK_ALIKES)
    kept = _ACCENTS_AND_SPACES.sub("", folded)
    return unicodedata.normalize("NFC", kept)


# Slugs that would shadow a fixed address such as /workspace/affiliates/new/.
RESERVED_SLUGS = {"new", "export", "edit"}


def slug_base(name: str) -> str:
    """The slug a name gives before any number is added; names in any script still get one."""
    return slugify(name)[:200] or "organisation"


def first_free_slug(name: str, taken: Callable[[str], bool]) -> str:
    """The name's slug, numbered (-2, -3...) past the reserved slugs and those `taken`."""
    base = slug_base(name)
    candidate, counter = base, 1
    while candidate in RESERVED_SLUGS or taken(candidate):
        counter += 1
        candidate = f"{base}-{counter}"
    return candidate


# Crockford's base-32, the alphabet of references (affiliates.models.REFERENCE_ALPHABET, which
# a test keeps equal): no I, L, O or U. Read as Crockford reads them: O is 0, I and L are 1.
_REFERENCE_DIGITS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_REFERENCE_MISREADS = str.maketrans("OIL", "011")
_REFERENCE_TYPED = re.compile(r"HN([0-9A-Z]{8})")
_REFERENCE_SEPARATORS = re.compile(r"[\s\-‐‑–—_.]+")


def normalise_reference(text: str) -> str | None:
    """The reference `text` means, as stored (HN-7K3M-Q9PX), or None if it cannot be one.

    Accepts what a person types from a letter or a phone call: any case, dashes and spaces
    missing or extra, O for 0, I or L for 1. The HN stays: without it, "HN-7K3M-Q9" (two
    characters short) would read as another reference, HN-HN7K-3MQ9.
    """
    compact = _REFERENCE_SEPARATORS.sub("", text).upper()
    match = _REFERENCE_TYPED.fullmatch(compact)
    if match is None:
        return None
    digits = match.group(1).translate(_REFERENCE_MISREADS)
    if any(char not in _REFERENCE_DIGITS for char in digits):
        return None
    return f"HN-{digits[:4]}-{digits[4:]}"
