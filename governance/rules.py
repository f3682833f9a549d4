"""The arithmetic of dues and delegates, in plain Python: each rule written once.

The selectors compute dues in SQL for whole pages; these functions say the same for one
affiliate (the admin, tests, hand-checked examples), and the congress entitlement is computed
here row by row (a look-up in a dozen bands).
"""

import calendar
import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# The default scale: (from members, delegates). The ITF's sliding scale as the issue quotes it:
# up to 5,000 members 1 delegate, rising to 23 above 900,000. Its intermediate steps are a
# documented choice of ours (the constitution's table was not at hand): 2 up to 10,000, 3 up
# to 25,000, 4 up to 50,000, 5 up to 75,000, 6 up to 100,000, then one more for each further
# 50,000 (22 up to 900,000), and 23 above 900,000. Staff change the bands per congress.
ITF_BANDS: tuple[tuple[int, int], ...] = (
    (1, 1),
    (5_001, 2),
    (10_001, 3),
    (25_001, 4),
    (50_001, 5),
    (75_001, 6),
    *((100_001 + 50_000 * step, 7 + step) for step in range(16)),
    (900_001, 23),
)


def dues_amount(
    members: int, *, per_member: Decimal, minimum: Decimal, cap: Decimal | None
) -> Decimal:
    """What an affiliate with `members` declared members owes: per member, within min and cap.

    No declared members, nothing owed (the minimum is for members, not for silence).
    """
    if members <= 0:
        return Decimal("0.00")
    amount = (per_member * members).quantize(CENT, rounding=ROUND_HALF_UP)
    amount = max(amount, minimum)
    return min(amount, cap) if cap is not None else amount


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved on by whole months, kept within the month (31 Jan + 1 month: 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def delegates_for(members: int, bands: Sequence[tuple[int, int]]) -> int:
    """Delegates for a membership: the band with the highest threshold it reaches (none: 0)."""
    entitled = 0
    for from_members, delegates in sorted(bands):
        if members >= from_members:
            entitled = delegates
    return entitled


def women_required(delegates: int, *, women: int, members: int, women_rule_from: int) -> int:
    """Women among the delegates: at least women's share of the members, rounded up, and at
    least one in a delegation of `women_rule_from` or more (never more than the delegation)."""
    if delegates <= 0:
        return 0
    # Integer arithmetic: ceil(delegates * women / members) without a float's rounding error.
    proportional = -(-delegates * women // members) if members > 0 else 0
    if delegates >= women_rule_from:
        proportional = max(proportional, 1)
    return min(proportional, delegates)


def rule_met(*, women_named: int, women_needed: int) -> bool:
    return women_named >= women_needed
