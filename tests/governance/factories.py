"""Dues rules and congresses for the governance tests, made through the services."""

import datetime as dt
from decimal import Decimal

from governance.models import Congress, DuesRule
from governance.services import congress_save, dues_rule_save
from tests.factories import AffiliateFactory, DeclarationFactory


def rule_2025(**overrides) -> DuesRule:
    """Dues for 2025: 0.10 a member of 2024, at least 50.00, at most 2,000.00, due 31 March
    2025, in arrears six months later (from 1 October 2025)."""
    fields = {
        "year": 2025,
        "amount_per_member": Decimal("0.10"),
        "minimum": Decimal("50.00"),
        "cap": Decimal("2000.00"),
        "currency": "USD",
        "due_on": dt.date(2025, 3, 31),
        "declaration_year": 2024,
        "arrears_months": 6,
        **overrides,
    }
    return dues_rule_save(DuesRule(**fields), saved_by=None)


def member(region, name: str, total: int, women: int = 0, *, year: int = 2024, **fields):
    """An affiliated organisation that declared `total` members (`women` of them) for `year`."""
    affiliate = AffiliateFactory(
        region=region, name=name, members_total=total, members_women=women, **fields
    )
    DeclarationFactory(affiliate=affiliate, year=year, women=women, men=total - women, total=total)
    return affiliate


def congress(**overrides) -> Congress:
    fields = {
        "name": "Congress 2026",
        "slug": "congress-2026",
        "starts_on": dt.date(2026, 11, 2),
        "ends_on": dt.date(2026, 11, 5),
        "place": "Kathmandu",
        "standing_on": dt.date(2026, 6, 1),
        "declarations_on": dt.date(2026, 6, 30),
        **overrides,
    }
    return congress_save(Congress(**fields), saved_by=None)
