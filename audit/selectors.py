"""What the workspace shows of one affiliate's history."""

from dataclasses import dataclass

from affiliates.models import Affiliate
from audit.history import Action, Change, acting_users, events_of, history_changes, object_actions


@dataclass(frozen=True)
class HistoryEntry:
    when: object
    who: object
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
    entries = []
    for action in actions:
        kind = action.kind
        has_previous = previous[action.last.pgh_id] is not None
        if not has_previous and kind == "~":
            kind = "="  # a baseline: the record existed before its history began
        recorded = changes[action.key]
        if has_previous and not recorded and kind == "~":
            continue  # a save that changed nothing a reader cares about
        entries.append(
            HistoryEntry(
                when=action.when,
                who=users.get(action.user_id) if kind != "=" else None,
                kind=kind,
                changes=recorded,
            )
        )
    return entries


def affiliate_last_changed_by(affiliate: Affiliate):
    """Who last changed the affiliate, as its history says (None when nobody is named)."""
    event = events_of(Affiliate).objects.filter(pgh_obj_id=affiliate.pk).order_by("-pgh_id")[:1]
    actions = [Action(Affiliate, first=e, last=e) for e in event]
    return acting_users(actions).get(actions[0].user_id) if actions else None
