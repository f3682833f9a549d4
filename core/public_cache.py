"""The public pages' cache: entries stay valid until the next committed write.

Only the services write records that public pages show, and they alone call
`public_cache_bump()` (after commit); pages read through `cached()`.
"""

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache

from core.db_router import reading_replica

# A number changed after every committed write that public pages show; cached entries carry
# the number they were computed under, so a write makes them all stale at once.
GENERATION_KEY = "public:generation"
# When the generation last changed (seconds since the epoch): the API's Last-Modified.
CHANGED_KEY = "public:changed-at"

T = TypeVar("T")


def public_cache_bump() -> None:
    """Make every cached public read stale. Call it after commit (transaction.on_commit)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (never set, evicted): a fresh number that no entry still in the cache carries.
        cache.set(GENERATION_KEY, time.time_ns(), None)
    cache.set(CHANGED_KEY, time.time(), None)


def public_cache_version() -> tuple[int, float]:
    """(the generation, when it last changed): validators for conditional GETs of public data.

    Both change after every committed write that public pages show. When the cache lost them,
    a fresh generation and the present time are set: a client's copy is then checked again.
    """
    found = cache.get_many([GENERATION_KEY, CHANGED_KEY])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = cache.get_or_set(GENERATION_KEY, time.time_ns, None)
    changed = found.get(CHANGED_KEY)
    if changed is None:
        changed = cache.get_or_set(CHANGED_KEY, time.time, None)
    return int(generation or 0), float(changed or 0)


def replica_may_lag(changed: float | None) -> bool:
    """Whether this request reads from a replica that may not yet have replayed the write that
    last moved the generation (`changed`, from CHANGED_KEY; None: unknown). What it reads must
    then not be kept under that generation for long: it could be the rows from before."""
    if not reading_replica():
        return False
    return changed is None or time.time() - changed < settings.REPLICA_STICKY_SECONDS


def cached(kind: str, key: object, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the cache for DIRECTORY_CACHE_SECONDS (0: not cached).

    For public pages' counts and ids over the whole registry, which cost a pass over many
    rows. What carries translated labels (the statistics) has the language in its key.
    An entry serves only while no write has bumped the generation (public_cache_bump) since
    it was computed, so a change shows on the next request, not after the timeout.
    """
    seconds = settings.DIRECTORY_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    # v2: entries carry their generation; the version keeps older entries from being read.
    cache_key = f"public:v2:{kind}:{digest}"
    found = cache.get_many([GENERATION_KEY, CHANGED_KEY, cache_key])  # one round trip
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = cache.get_or_set(GENERATION_KEY, time.time_ns, None)
    entry = found.get(cache_key)
    if entry is not None and entry[0] == generation:
        hit: T = entry[1]
        return hit
    # The generation was read before computing: a write committed meanwhile bumps it, so this
    # entry, perhaps computed from the old rows, is never served. (On a replica the write may
    # be committed and bumped, yet not replayed: see below.)
    value = compute()
    if replica_may_lag(found.get(CHANGED_KEY)):
        # Computed on a replica just after a write: perhaps from the rows before it, so kept
        # only as long as a replica is taken to lag (the sticky cookie's time), not until the
        # next write.
        seconds = min(seconds, max(1, settings.REPLICA_STICKY_SECONDS))
    cache.set(cache_key, (generation, value), seconds)
    return value
