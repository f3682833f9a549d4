"""The demo data holds dues rules, payments (some affiliates in arrears) and a congress."""

import pytest

from demo.seeding import seed_demo
from governance.models import Congress, Delegate, DuesAdjustment, DuesPayment, DuesRule
from governance.selectors import congress_affiliates, dues_of_year, entitlements
from tests.clock import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_the_demo_has_dues_arrears_and_a_congress():
    seed_demo(affiliates=120, seed=5)
    rule = DuesRule.objects.get(year=TODAY.year - 1)
    assert DuesRule.objects.filter(year=TODAY.year).exists()
    rows = list(dues_of_year(rule, as_of=TODAY))
    assert any(row.in_good_standing for row in rows)
    assert any(not row.in_good_standing for row in rows)
    assert DuesPayment.objects.filter(reverses__isnull=False).count() == 1
    assert DuesAdjustment.objects.count() == 1
    congress = Congress.objects.get()
    assert congress.bands.count() == 23
    lines = list(entitlements(congress, congress_affiliates(congress)))
    assert {line.standing for line in lines} == {"good", "excluded"}
    assert Delegate.objects.exists()
    assert any(line.delegates_named and not line.rule_met for line in lines)

    counts = (DuesPayment.objects.count(), Delegate.objects.count())
    seed_demo(affiliates=120, seed=5)  # again: nothing added
    assert (DuesPayment.objects.count(), Delegate.objects.count()) == counts
    assert Congress.objects.count() == 1
