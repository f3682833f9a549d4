"""How audited records keep their history: PostgreSQL triggers, through django-pghistory.

Every insert, update and delete of an audited table writes an event row from inside the
database, whatever wrote it: `save()`, `QuerySet.update()`, bulk writes, COPY or raw SQL. Who
acted and why travel with the transaction (pghistory's context, stored with each event): the
request middleware names the signed-in user, and services name the person they act for with
`acting()`, so commands and jobs leave who too.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pghistory
import pgtrigger
from django.db.backends.utils import CursorWrapper


def tracked(*, exclude: tuple[str, ...] = ()):
    """Record a model's inserts, deletes, and the updates that change something.

    An update that only moves `auto_now` timestamps records nothing. The acting user and
    reason are copied into each event (a JSON context), so reading history joins nothing.
    Trackers are built per model: pghistory fills in their fields.
    """
    return pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(condition=pghistory.AnyChange(exclude_auto=True)),
        pghistory.DeleteEvent(),
        exclude=list(exclude),
        context_field=pghistory.ContextJSONField(),
        # One INSERT ... SELECT per statement from its transition table, not one per row: a
        # 10,000-row import or COPY writes its history in one go.
        level=pgtrigger.Statement,
    )


@contextmanager
def acting(user=None, *, reason: str = "") -> Iterator[None]:
    """Name who acts (when signed in) and why, for every change written inside the block.

    Inside a request this refines the middleware's context; elsewhere it opens one. The reason
    is always set, so that a reason given by an earlier step of the request does not linger.
    """
    metadata: dict = {"reason": str(reason)}
    if user is not None and user.is_authenticated:
        metadata["user"] = user.pk
    with pghistory.context(**metadata):
        yield


def carry_context(cursor: CursorWrapper) -> None:
    """Attach the history context to the transaction before a COPY.

    pghistory passes its context as settings prefixed to each statement Django executes; COPY
    is not executed through Django's wrappers. An empty DO block is: the settings it carries
    last until the transaction ends, so the COPY's triggers read them.
    """
    cursor.execute("DO $$ BEGIN END $$")
