"""What the workspace shows of one affiliate's history."""

import datetime as dt
from dataclasses import dataclass

from accounts.models import User
from affiliates.models import Affiliate
from audit.history import (
    Action,
    Change,
    acting_users,
    as_events,
    events_of,
    history_changes,
    object_actions,
    shown_kind,
)


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: User | None
    kind: str  # "+" created, "~" changed, "-" deleted, "=" the earliest state on record
    changes: list[Change]


def affiliate_change_history(affiliate: Affiliate, *, limit: int = 50) -> list[HistoryEntry]:
    """Who changed which field of an affiliate, when: newest first, at most `limit` entries.

    A fixed number of queries whatever the length of the history (see audit.history): the
    events, the acting users, and the names of what changed references point to.
    """
    actions, previous = object_actions(Affiliate, affiliate.pk, limit)
    changes = history_changes({Affiliate: actions}, previous={Affiliate: previous}, initial=False)
    users = acting_users(actions)
    entries: list[HistoryEntry] = []
    for action in actions:
        prior = previous[action.last.pgh_id]
        kind = shown_kind(action, prior)
        has_previous = prior is not None
        recorded = changes[action.key]
        if has_previous and not recorded and kind == "~":
            continue  # a save that changed nothing a reader cares about
        entries.append(
            HistoryEntry(
                when=action.when,
                who=action.who(users) if kind != "=" else None,
                kind=kind,
                changes=recorded,
            )
        )
    return entries


def affiliate_last_changed_by(affiliate: Affiliate) -> User | None:
    """Who last changed the affiliate, as its history says (None when nobody is named)."""
    events = events_of(Affiliate)._default_manager.filter(pgh_obj_id=affiliate.pk)
    actions = [
        Action(Affiliate, first=e, last=e) for e in as_events(events.order_by("-pgh_id")[:1])
    ]
    if not actions or actions[0].user_id is None:
        return None
    return acting_users(actions).get(actions[0].user_id)
