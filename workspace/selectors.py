"""What the coordinators' workspace reads: its overview."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count

from accounts.models import User
from affiliates.access import is_staff_member
from affiliates.choices import Status
from affiliates.models import Affiliate, AffiliateQuerySet
from affiliates.rules import declaration_due_year, this_year
from affiliates.selectors import stale_records
from audit.history import acting_users, events_of, read_actions

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class LatestChange:
    when: dt.datetime
    kind: str  # "+" created, "~" changed, "-" deleted
    who: User | None
    name: str
    slug: str


@dataclass(frozen=True)
class Overview:
    by_status: "list[tuple[str, StrOrPromise, int]]"  # (status, label, count) in workflow order
    waiting: int
    waiting_status: str
    missing_year: int
    missing_count: int
    # The table the dashboard opens: the due year's while anybody owes it, else this year's.
    declarations_year: int
    missing: list[Affiliate]
    # Members whose details nobody confirmed for more than 12 months, the oldest first.
    stale_count: int
    stale: list[Affiliate]
    latest_changes: list[LatestChange]


def workspace_overview(
    user: AbstractBaseUser | AnonymousUser,
    affiliates: AffiliateQuerySet,
    *,
    region_ids: list[int],
    missing_shown: int = 10,
    stale_shown: int = 10,
) -> Overview:
    """What a coordinator (or staff) needs first: counts, work waiting, gaps, recent changes.

    `affiliates` is already scoped to the user (affiliates_visible_to) and the chosen region(s).
    """
    counts = dict(affiliates.order_by().values_list("status").annotate(n=Count("pk")))
    by_status: list[tuple[str, StrOrPromise, int]] = [
        (value, label, counts.get(value, 0)) for value, label in Status.choices
    ]
    # Staff decide on what regions recommend; coordinators review fresh applications.
    waiting_status = Status.RECOMMENDED if is_staff_member(user) else Status.APPLIED
    missing_year = declaration_due_year()
    missing_qs = affiliates.missing_declaration(missing_year)
    missing = list(missing_qs.order_by("name")[: missing_shown + 1])
    missing_count = len(missing) if len(missing) <= missing_shown else missing_qs.count()
    stale, stale_count = stale_records(affiliates, stale_shown)
    latest = events_of(Affiliate)._default_manager.filter(region_id__in=region_ids)
    actions = read_actions(Affiliate, latest, 30)[0][:10]
    users = acting_users(actions)
    return Overview(
        by_status=by_status,
        waiting=counts.get(waiting_status, 0),
        waiting_status=waiting_status,
        missing_year=missing_year,
        missing_count=missing_count,
        declarations_year=missing_year if missing_count else this_year(),
        missing=missing[:missing_shown],
        stale_count=stale_count,
        stale=stale,
        latest_changes=[
            LatestChange(
                when=a.when,
                kind=a.kind,
                who=a.who(users),
                name=a.last.name,
                slug=a.last.slug,
            )
            for a in actions
        ],
    )
