"""Dues by hand-computed examples: minimum, cap, waiver, reduction, payments, reversal, arrears.

The rule (tests.governance.factories.rule_2025): 0.10 per member declared for 2024, minimum
50.00, cap 2,000.00, due 31 March 2025, six months of grace: in arrears from 1 October 2025.
The clock says 15 June 2026.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from affiliates.models import Affiliate
from governance.models import DuesAdjustment, DuesPayment, DuesRule
from governance.rules import add_months, dues_amount
from governance.selectors import (
    dues_of_year,
    dues_totals_by_region,
    overdue_rules,
    with_standing,
)
from governance.services import (
    dues_adjustment_save,
    dues_payment_record,
    dues_payment_reverse,
)
from tests.clock import TODAY
from tests.governance.factories import member, rule_2025

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

D = Decimal


def pay(affiliate, amount, *, year=2025, on=dt.date(2025, 3, 1), by=None):
    return dues_payment_record(
        affiliate=affiliate,
        year=year,
        amount=D(amount),
        paid_on=on,
        method="bank_transfer",
        reference="TRX-1",
        recorded_by=by,
    )


def arrears_of(affiliate, as_of=TODAY):
    scope = Affiliate.objects.filter(pk=affiliate.pk)
    return with_standing(scope, as_of, arrears=True).get().arrears


def rows(rule, **filters):
    return {a.name: a for a in dues_of_year(rule, as_of=TODAY, **filters)}


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        (300, "50.00"),  # 30.00 is below the minimum
        (5_000, "500.00"),
        (5_001, "500.10"),
        (20_000, "2000.00"),  # exactly the cap
        (25_000, "2000.00"),  # 2,500.00 capped
        (0, "0.00"),  # nothing declared, nothing owed (not the minimum)
    ],
)
def test_dues_amount_by_hand(members, expected):
    amount = dues_amount(members, per_member=D("0.10"), minimum=D("50.00"), cap=D("2000.00"))
    assert amount == D(expected)
    assert isinstance(amount, Decimal)


def test_half_cents_round_half_up():
    # 1,234 x 0.0125 = 15.425 -> 15.43; no minimum, no cap.
    assert dues_amount(1234, per_member=D("0.0125"), minimum=D(0), cap=None) == D("15.43")


def test_the_page_computes_the_same_in_sql(south_asia):
    rule = rule_2025()
    for name, total in [("Small", 300), ("Edge", 5_000), ("Past edge", 5_001), ("Big", 25_000)]:
        member(south_asia, name, total)
    found = rows(rule)
    assert {name: a.due for name, a in found.items()} == {
        "Small": D("50.00"),
        "Edge": D("500.00"),
        "Past edge": D("500.10"),
        "Big": D("2000.00"),
    }
    assert all(isinstance(a.due, Decimal) for a in found.values())


def test_the_sql_rounds_a_four_place_rate_half_up_like_python(south_asia):
    # 1,234 x 0.0125 = 15.425 -> 15.43 (the rate is not cut to 0.01 on its way to SQL).
    rule = rule_2025(amount_per_member=D("0.0125"), minimum=D("0.00"), cap=None)
    member(south_asia, "Half a cent", 1_234)
    found = rows(rule)["Half a cent"]
    assert (
        found.due == D("15.43") == dues_amount(1234, per_member=D("0.0125"), minimum=D(0), cap=None)
    )
    assert found.balance_all == D("15.43")


@pytest.mark.parametrize(
    ("due_on", "months", "last_day_of_grace"),
    [
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2025, 8, 31), 6, dt.date(2026, 2, 28)),
    ],
)
def test_grace_at_month_ends_is_the_same_in_sql_and_python(
    south_asia, due_on, months, last_day_of_grace
):
    rule = rule_2025(due_on=due_on, arrears_months=months)
    member(south_asia, "Unpaid", 300)
    assert add_months(due_on, months) == last_day_of_grace
    day_after = last_day_of_grace + dt.timedelta(days=1)
    assert dues_of_year(rule, as_of=last_day_of_grace).get().in_good_standing
    assert not dues_of_year(rule, as_of=day_after).get().in_good_standing
    assert overdue_rules(last_day_of_grace) == [] and overdue_rules(day_after) == [rule]


def test_the_page_lists_only_affiliates_with_declared_members(south_asia):
    rule = rule_2025()
    member(south_asia, "Declared", 100)
    member(south_asia, "Only later", 100, year=2025)
    assert set(rows(rule)) == {"Declared"}


def test_partial_payments_and_arrears_put_an_affiliate_out_of_good_standing(south_asia):
    rule = rule_2025()
    paid_up = member(south_asia, "Paid up", 5_000)
    partly = member(south_asia, "Partly paid", 5_001)
    pay(paid_up, "200.00")
    pay(paid_up, "300.00", on=dt.date(2025, 4, 20))
    pay(partly, "100.00")
    found = rows(rule)
    assert (found["Paid up"].paid, found["Paid up"].balance) == (D("500.00"), D("0.00"))
    assert found["Paid up"].in_good_standing
    # 500.10 - 100.00 = 400.10 unpaid since 1 October 2025.
    assert (found["Partly paid"].paid, found["Partly paid"].balance) == (D("100.00"), D("400.10"))
    assert arrears_of(partly) == D("400.10")
    assert not found["Partly paid"].in_good_standing
    assert set(rows(rule, standing="arrears")) == {"Partly paid"}
    assert set(rows(rule, standing="good")) == {"Paid up"}


def test_arrears_count_only_after_the_months_of_grace(south_asia):
    rule = rule_2025()
    member(south_asia, "Unpaid", 300)
    assert add_months(rule.due_on, 6) == dt.date(2025, 9, 30)
    still_in_grace = dues_of_year(rule, as_of=dt.date(2025, 9, 30)).get()
    assert still_in_grace.in_good_standing
    late = dues_of_year(rule, as_of=dt.date(2025, 10, 1)).get()
    assert not late.in_good_standing
    assert arrears_of(late, as_of=dt.date(2025, 10, 1)) == D("50.00")
    assert overdue_rules(dt.date(2025, 9, 30)) == []


def test_a_year_not_yet_overdue_does_not_count(south_asia):
    rule_2025()
    this_year = rule_2025(year=2026, declaration_year=2025, due_on=dt.date(2026, 3, 31))
    member(south_asia, "Declared both", 1_000, year=2025)
    affiliate = rows(this_year)["Declared both"]
    # 2026's 100.00 is unpaid but in grace until 30 September 2026; 2025 has no 2024 figures.
    assert affiliate.balance == D("100.00")
    assert affiliate.balance_all == D("100.00")
    assert affiliate.in_good_standing


def test_a_waiver_and_a_reduction(south_asia, staff_user):
    rule = rule_2025()
    waived = member(south_asia, "Waived", 1_000)
    reduced = member(south_asia, "Reduced", 1_000)
    dues_adjustment_save(
        DuesAdjustment(affiliate=waived, year=2025, amount_due=D("0"), reason="Floods"),
        saved_by=staff_user,
    )
    dues_adjustment_save(
        DuesAdjustment(affiliate=reduced, year=2025, amount_due=D("60.00"), reason="Strike"),
        saved_by=staff_user,
    )
    found = rows(rule)
    assert (found["Waived"].due, found["Waived"].in_good_standing) == (D("0.00"), True)
    assert (found["Reduced"].due, found["Reduced"].balance) == (D("60.00"), D("60.00"))
    assert not found["Reduced"].in_good_standing
    events = DuesAdjustment.pgh_event_model.objects.filter(pgh_obj__affiliate=waived)
    assert [(e.pgh_label, e.pgh_context["reason"]) for e in events] == [("insert", "Floods")]


def test_a_reversal_undoes_a_payment_and_keeps_it(south_asia, staff_user):
    rule = rule_2025()
    affiliate = member(south_asia, "Bounced", 300)
    payment = pay(affiliate, "50.00")
    assert rows(rule)["Bounced"].in_good_standing
    reversal = dues_payment_reverse(payment, reason="Cheque bounced", reversed_by=staff_user)
    assert (reversal.amount, reversal.reverses, reversal.year) == (D("-50.00"), payment, 2025)
    found = rows(rule)["Bounced"]
    assert (found.paid, found.balance, found.in_good_standing) == (D("0.00"), D("50.00"), False)
    assert DuesPayment.objects.filter(affiliate=affiliate).count() == 2
    with pytest.raises(ValidationError):
        dues_payment_reverse(payment, reason="Again", reversed_by=staff_user)
    with pytest.raises(ValidationError):
        dues_payment_reverse(reversal, reason="Undo", reversed_by=staff_user)


def test_a_payment_reversed_later_was_never_paid_on_any_past_date(south_asia, staff_user):
    # Paid 1 March 2025; the cheque bounced, reversed on 15 June 2026 (the clock, the
    # reversal's date). On 1 October 2025, past the grace, it had not paid: in arrears then.
    rule = rule_2025()
    affiliate = member(south_asia, "Bounced", 300)
    kept = member(south_asia, "Paid", 300)
    pay(kept, "50.00")
    reversal = dues_payment_reverse(
        pay(affiliate, "50.00"), reason="Cheque bounced", reversed_by=staff_user
    )
    assert reversal.paid_on == TODAY
    then = {a.name: a for a in dues_of_year(rule, as_of=dt.date(2025, 10, 1))}
    assert (then["Bounced"].paid, then["Bounced"].in_good_standing) == (D("0.00"), False)
    assert then["Bounced"].balance_all == D("50.00")
    assert (then["Paid"].paid, then["Paid"].in_good_standing) == (D("50.00"), True)
    assert arrears_of(affiliate, as_of=dt.date(2025, 10, 1)) == D("50.00")
    totals = dues_totals_by_region(
        rule, dues_of_year(rule, as_of=TODAY), as_of=dt.date(2025, 10, 1)
    )
    assert [(t.paid, t.in_arrears) for t in totals] == [(D("50.00"), 1)]


def test_the_database_refuses_to_delete_or_change_a_payment(south_asia):
    rule_2025()
    payment = pay(member(south_asia, "Kept", 300), "50.00")
    with pytest.raises(Exception, match="dues_payment_never_deleted"), transaction.atomic():
        payment.delete()
    with pytest.raises(Exception, match="dues_payment_never_changed"), transaction.atomic():
        DuesPayment.objects.filter(pk=payment.pk).update(amount=D("5.00"))


def test_a_payment_is_positive_and_needs_a_rule(south_asia):
    rule_2025()
    affiliate = member(south_asia, "Someone", 300)
    with pytest.raises(ValidationError):
        pay(affiliate, "-5.00")
    with pytest.raises(ValidationError):
        pay(affiliate, "5.00", year=2019)
    with pytest.raises(IntegrityError), transaction.atomic():
        DuesPayment.objects.create(
            affiliate=affiliate, year=2025, amount=D("-1"), paid_on=TODAY, method="cash"
        )


def test_the_cap_cannot_be_below_the_minimum():
    with pytest.raises(ValidationError):
        rule_2025(cap=D("10.00"))
    assert not DuesRule.objects.exists()


def test_totals_per_region(south_asia, africa):
    rule = rule_2025()
    pay(member(south_asia, "SA one", 5_000), "500.00")
    member(south_asia, "SA two", 300)
    member(africa, "AF one", 25_000, country="KE")
    rows = dues_of_year(rule, as_of=TODAY)
    totals = {t.region: t for t in dues_totals_by_region(rule, rows, as_of=TODAY)}
    assert (totals["HNSA"].affiliates, totals["HNSA"].due, totals["HNSA"].paid) == (
        2,
        D("550.00"),
        D("500.00"),
    )
    assert (totals["HNSA"].balance, totals["HNSA"].in_arrears) == (D("50.00"), 1)
    assert (totals["HNA"].due, totals["HNA"].in_arrears) == (D("2000.00"), 1)
