"""Demo dues and a congress, written through the governance services as staff would.

Dues for last year and this year (each from the declarations of the year before): most
affiliates paid, some in part or not at all (once the months of grace are over, they are in
arrears, out of good standing); one payment was reversed, one affiliate's dues waived. A congress
next year counts standing and declarations as of today; a few delegations are named.
Idempotent: what exists is kept.
"""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef

from affiliates.choices import Status
from affiliates.models import Affiliate, MembershipDeclaration
from demo.seeding import FIRST_NAMES, LAST_NAMES
from governance.choices import Gender, PaymentMethod
from governance.models import Congress, Delegate, DuesAdjustment, DuesPayment, DuesRule
from governance.rules import dues_amount
from governance.selectors import congress_affiliates, entitlements
from governance.services import (
    congress_save,
    delegate_add,
    dues_adjustment_save,
    dues_payment_record,
    dues_payment_reverse,
    dues_rule_save,
)

# Payments for this many affiliates at most: enough to show, quick on a 100,000-row database.
PAYERS = 300
DELEGATIONS = 12
METHODS = [PaymentMethod.BANK_TRANSFER, PaymentMethod.MOBILE_MONEY, PaymentMethod.CASH]


def _rule(year: int, *, due_on: dt.date) -> DuesRule:
    existing = DuesRule.objects.filter(year=year).first()
    if existing is not None:
        return existing
    rule = DuesRule(
        year=year,
        amount_per_member=Decimal("0.05"),
        minimum=Decimal("25.00"),
        cap=Decimal("2500.00"),
        currency="USD",
        due_on=due_on,
        declaration_year=year - 1,
        arrears_months=6,
    )
    return dues_rule_save(rule, saved_by=None)


@transaction.atomic
def seed_governance(*, seed: int, today: dt.date) -> None:
    rng = random.Random(seed)
    last = _rule(today.year - 1, due_on=dt.date(today.year - 1, 3, 31))
    current = _rule(today.year, due_on=dt.date(today.year, 3, 31))
    if not DuesPayment.objects.exists():
        _payments(rng, last, first=True)
        _payments(rng, current, first=False)
    _congress(rng, today)


def _payments(rng: random.Random, rule: DuesRule, *, first: bool) -> None:
    declared = MembershipDeclaration.objects.filter(
        affiliate=OuterRef("pk"), year=rule.declaration_year, total__gt=0
    )
    payers = list(
        Affiliate.objects.filter(Exists(declared), status__in=[Status.AFFILIATED])
        .annotate(
            members=MembershipDeclaration.objects.filter(
                affiliate=OuterRef("pk"), year=rule.declaration_year
            ).values("total")[:1]
        )
        .order_by("pk")[:PAYERS]
    )
    for number, affiliate in enumerate(payers):
        due = dues_amount(
            affiliate.members,
            per_member=rule.amount_per_member,
            minimum=rule.minimum,
            cap=rule.cap,
        )
        if number == 0 and first:
            dues_adjustment_save(
                DuesAdjustment(
                    affiliate=affiliate,
                    year=rule.year,
                    amount_due=Decimal("0.00"),
                    reason="Floods destroyed members' homes and stock (demo).",
                ),
                saved_by=None,
            )
            continue
        draw = rng.random()
        if draw < 0.08:
            continue  # nothing paid: in arrears once the months of grace are over
        share = Decimal("1") if draw >= 0.16 else Decimal(rng.choice(["0.25", "0.5", "0.75"]))
        paid_on = rule.due_on - dt.timedelta(days=rng.randint(-60, 40))
        payment = dues_payment_record(
            affiliate=affiliate,
            year=rule.year,
            amount=(due * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            paid_on=paid_on,
            method=rng.choice(METHODS),
            reference=f"DEMO-{rule.year}-{affiliate.pk}",
            recorded_by=None,
        )
        if number == 1 and first:
            dues_payment_reverse(
                payment,
                reason="The transfer was returned by the bank (demo).",
                reversed_by=None,
                on=paid_on + dt.timedelta(days=10),
            )


def _congress(rng: random.Random, today: dt.date) -> None:
    slug = f"congress-{today.year + 1}"
    congress = Congress.objects.filter(slug=slug).first()
    if congress is None:
        congress = congress_save(
            Congress(
                name=f"HomeNet International Congress {today.year + 1}",
                slug=slug,
                starts_on=dt.date(today.year + 1, 3, 2),
                ends_on=dt.date(today.year + 1, 3, 5),
                place="Kathmandu",
                standing_on=today,
                declarations_on=today,
            ),
            saved_by=None,
        )
    if Delegate.objects.filter(congress=congress).exists():
        return
    rows = congress_affiliates(congress).order_by("pk")[: DELEGATIONS * 3]
    named = 0
    for line in entitlements(congress, rows):
        if line.delegates == 0 or named >= DELEGATIONS:
            continue
        named += 1
        # Some delegations short of women, to show the rule not met.
        women = line.women_required if named % 4 else max(line.women_required - 1, 0)
        for seat in range(line.delegates):
            delegate_add(
                congress=congress,
                affiliate=line.affiliate,
                name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                gender=Gender.WOMAN if seat < women else Gender.MAN,
                added_by=None,
            )
