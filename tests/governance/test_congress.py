"""Congress entitlements by hand-computed examples at the band edges and the women rule.

The default scale (governance.rules.ITF_BANDS): up to 5,000 members 1 delegate, 5,001 to
10,000 2, 10,001 to 25,000 3, ... 23 above 900,000. Women: at least ceil(delegates x women /
members), and at least one in a delegation of 3 or more.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from governance.rules import ITF_BANDS, delegates_for, women_required
from governance.selectors import congress_affiliates, credentials_rows, entitlements
from governance.services import delegate_add, dues_payment_record
from tests.factories import DeclarationFactory
from tests.governance.factories import congress, member, rule_2025

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.mark.parametrize(
    ("members", "delegates"),
    [
        (1, 1),
        (5_000, 1),
        (5_001, 2),
        (10_000, 2),
        (10_001, 3),
        (100_000, 6),
        (100_001, 7),
        (900_000, 22),
        (900_001, 23),
        (5_000_000, 23),
        (0, 0),
    ],
)
def test_the_default_scale_at_its_edges(members, delegates):
    assert delegates_for(members, ITF_BANDS) == delegates


@pytest.mark.parametrize(
    ("delegates", "women", "members", "required"),
    [
        (1, 4_000, 5_000, 1),  # 0.8 -> 1
        (2, 2_600, 5_001, 2),  # 2 x 2,600 / 5,001 = 1.04 -> 2 (rounded up)
        (2, 0, 5_001, 0),  # no women, delegation under 3
        (3, 0, 10_001, 1),  # no women, but a delegation of 3 has one
        (4, 12_000, 30_000, 2),  # 1.6 -> 2
        (4, 30_000, 30_000, 4),  # all women
        (6, 1_000, 80_000, 1),  # 0.075 -> 1
    ],
)
def test_the_women_rule(delegates, women, members, required):
    assert women_required(delegates, women=women, members=members, women_rule_from=3) == required


def test_the_size_from_which_one_woman_is_required_is_the_congress_s():
    assert women_required(2, women=0, members=6_000, women_rule_from=2) == 1
    assert women_required(3, women=0, members=12_000, women_rule_from=4) == 0


def _entitled(event):
    return {e.affiliate.name: e for e in entitlements(event, congress_affiliates(event))}


def test_entitlements_of_a_congress(south_asia):
    rule_2025(due_on=dt.date(2026, 3, 31))  # not overdue yet: everybody in good standing
    member(south_asia, "At the edge", 5_000, 4_000)
    member(south_asia, "Past the edge", 5_001, 2_600)
    member(south_asia, "Mostly men", 10_001, 0)
    found = _entitled(congress())
    assert [(found[n].delegates, found[n].women_required) for n in sorted(found)] == [
        (1, 1),  # At the edge
        (3, 1),  # Mostly men
        (2, 2),  # Past the edge: 1.04 rounded up
    ]


def test_the_latest_declaration_recorded_by_the_cut_off_counts(south_asia, clock):
    rule_2025()
    affiliate = member(south_asia, "Growing", 5_000, 2_500)
    clock.move_to(dt.datetime(2026, 7, 10, 12, tzinfo=dt.UTC))
    DeclarationFactory(affiliate=affiliate, year=2025, women=3_000, men=3_000, total=6_000)
    assert _entitled(congress())["Growing"].members == 5_000  # recorded after 30 June
    assert (
        _entitled(congress(slug="later", declarations_on=dt.date(2026, 7, 31)))["Growing"].members
        == 6_000
    )


def test_excluded_or_observers(south_asia):
    rule_2025()
    paid = member(south_asia, "Paid", 5_001, 2_600)
    member(south_asia, "Unpaid", 5_001, 2_600)
    dues_payment_record(
        affiliate=paid,
        year=2025,
        amount=Decimal("500.10"),
        paid_on=dt.date(2025, 3, 1),
        method="cash",
        recorded_by=None,
    )
    excluded = _entitled(congress(out_of_standing="excluded"))
    assert (excluded["Paid"].standing, excluded["Paid"].delegates) == ("good", 2)
    assert (excluded["Unpaid"].standing, excluded["Unpaid"].delegates) == ("excluded", 0)
    assert excluded["Unpaid"].women_required == 0
    observers = _entitled(congress(slug="obs", out_of_standing="observer"))
    assert (observers["Unpaid"].standing, observers["Unpaid"].delegates) == ("observer", 2)
    assert observers["Unpaid"].women_required == 2


def test_a_payment_after_the_standing_date_is_too_late(south_asia):
    rule_2025()
    late = member(south_asia, "Late", 300)
    dues_payment_record(
        affiliate=late,
        year=2025,
        amount=Decimal("50.00"),
        paid_on=dt.date(2026, 6, 10),
        method="cash",
        recorded_by=None,
    )
    assert _entitled(congress(standing_on=dt.date(2026, 6, 1)))["Late"].standing == "excluded"
    assert (
        _entitled(congress(slug="c2", standing_on=dt.date(2026, 6, 12)))["Late"].standing == "good"
    )


def test_naming_delegates_within_the_entitlement(south_asia, coordinator_south_asia):
    rule_2025(due_on=dt.date(2026, 3, 31))
    affiliate = member(south_asia, "Past the edge", 5_001, 2_600)
    event = congress()
    delegate_add(
        congress=event,
        affiliate=affiliate,
        name="Asha",
        gender="woman",
        added_by=coordinator_south_asia,
    )
    assert not _entitled(event)["Past the edge"].rule_met  # 1 woman of 2 required
    delegate_add(
        congress=event,
        affiliate=affiliate,
        name="Meena",
        gender="woman",
        added_by=coordinator_south_asia,
    )
    line = _entitled(event)["Past the edge"]
    assert (line.delegates_named, line.women_named, line.rule_met) == (2, 2, True)
    with pytest.raises(ValidationError, match="Every place is taken"):
        delegate_add(
            congress=event,
            affiliate=affiliate,
            name="Ravi",
            gender="man",
            added_by=coordinator_south_asia,
        )


def test_an_excluded_affiliate_names_nobody(south_asia):
    rule_2025()
    affiliate = member(south_asia, "Unpaid", 300, 300)
    with pytest.raises(ValidationError, match="sends no delegates"):
        delegate_add(
            congress=congress(), affiliate=affiliate, name="X", gender="woman", added_by=None
        )


def test_the_credentials_csv_rows(south_asia, africa):
    rule_2025(due_on=dt.date(2026, 3, 31))
    member(south_asia, "At the edge", 5_000, 4_000)
    member(africa, "Past the edge", 5_001, 2_600, country="KE")
    header, *lines = list(credentials_rows(congress()))
    assert header == [
        "region", "affiliate", "country", "members", "women", "men", "standing", "delegates",
        "women_delegates_required", "delegates_named", "women_named", "rule_met",
    ]  # fmt: skip
    assert sorted(lines) == [
        ["HNA", "Past the edge", "KE", 5_001, 2_600, 2_401, "good", 2, 2, 0, 0, "no"],
        ["HNSA", "At the edge", "IN", 5_000, 4_000, 1_000, "good", 1, 1, 0, 0, "no"],
    ]
