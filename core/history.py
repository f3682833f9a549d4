"""How audited records keep their history: PostgreSQL triggers, through django-pghistory.

Every insert, update and delete of an audited table writes an event row from inside the
database, whatever wrote it: `save()`, `QuerySet.update()`, bulk writes, COPY or raw SQL. Who
acted and why travel with the transaction (pghistory's context, stored with each event): the
request middleware names the signed-in user, and services name the person they act for with
`acting()`, so commands and jobs leave who too.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pghistory
import pgtrigger
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from pghistory import runtime as pghistory_runtime

M = TypeVar("M", bound=type[Model])


def tracked(*, exclude: tuple[str, ...] = ()) -> Callable[[M], M]:
    """Record a model's inserts, deletes, and the updates that change something.

    An update that only moves `auto_now` timestamps records nothing. The acting user and
    reason are copied into each event (a JSON context), so reading history joins nothing.
    Trackers are built per model: pghistory fills in their fields.
    """
    decorator: Callable[[M], M] = pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude_auto=True)),
        pghistory.DeleteEvent(),
        exclude=list(exclude),
        context_field=pghistory.ContextJSONField(),
        # One INSERT ... SELECT per statement from its transition table, not one per row: a
        # 10,000-row import or COPY writes its history in one go.
        level=pgtrigger.Statement,
    )
    return decorator


@contextmanager
def acting(
    user: AbstractBaseUser | AnonymousUser | None = None, *, reason: str = ""
) -> Iterator[None]:
    """Name who acts (when signed in) and why, for every change written inside the block.

    Inside a request (or another block) this refines the open context for the block only: what
    was named before is named again afterwards, so a reason never leaks to a later step. The
    outermost block also clears the settings it left on the transaction (they outlive it).
    """
    metadata: dict[str, Any] = {"reason": str(reason)}
    if user is not None and user.is_authenticated:
        metadata["user"] = user.pk
    # pghistory merges nested metadata into the open context and never restores it.
    outer = getattr(pghistory_runtime._tracker, "value", None)
    saved = dict(outer.metadata) if outer is not None else None
    try:
        with pghistory.context(**metadata):
            yield
    finally:
        if outer is not None and saved is not None:
            outer.metadata.clear()
            outer.metadata.update(saved)
    # Only after a block that ended normally: a failed one leaves a transaction to roll back.
    if outer is None and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pghistory.context_id', '', true), "
                "set_config('pghistory.context_metadata', '', true)"
            )


def carry_context(cursor: CursorWrapper) -> None:
    """Attach the history context to the transaction before a COPY.

    pghistory passes its context as settings prefixed to each statement Django executes; COPY
    is not executed through Django's wrappers. An empty DO block is: the settings it carries
    last until the transaction ends, so the COPY's triggers read them: inside a transaction.
    """
    assert connection.in_atomic_block, "carry_context() needs a transaction around the COPY"
    cursor.execute("DO $$ BEGIN END $$")
