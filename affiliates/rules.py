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


def end_of_year(year: int) -> dt.date:
    return dt.date(year, 12, 31)


FOUNDED_IN_FUTURE = _("The year founded cannot be in the future.")


def founded_in_future(year: int | None) -> bool:
    return year is not None and year > this_year()


_ACCENTS_AND_SPACES = re.compile(r"[\u0300-\u036f\s]+")


def normalise_name(name: str) -> str:
    """The key two names share when they name the same organisation.

    Ignores case, Latin accents and spaces ("Sewa  Mahila", "sewa mahila", "Séwa Mahila").
    Only the combining diacritics block is dropped: Devanagari or Thai vowel signs change
    the word and are kept.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    kept = _ACCENTS_AND_SPACES.sub("", decomposed)
    return unicodedata.normalize("NFC", kept).casefold()


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
