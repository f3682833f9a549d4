"""The public sees no amounts, standing or delegate names anywhere.

A registry with dues (paid, unpaid, waived), arrears and named delegates: the home page, the
directory (page and CSV), every public profile, the regions, the statistics (page and CSVs),
the public API (list, records, JSON-LD, its schema) are read and searched for what only staff
and coordinators may see.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from affiliates.models import Affiliate
from governance.models import DuesAdjustment
from governance.services import delegate_add, dues_adjustment_save, dues_payment_record
from tests.governance.factories import congress, member, rule_2025

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# Amounts as any page or file might write them, the words of standing, and the names.
SECRETS = [
    "1234.56",
    "1,234.56",
    "500.10",
    "2,000.00",
    "2000.00",
    "USD",
    "arrears",
    "standing",
    "waive",
    "Floods in the district",
    "Rukhsana Delegatewoman",
    "Ravi Delegateman",
    "observer",
    "Credentials",
]


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


@pytest.fixture
def registry(south_asia, africa):
    rule_2025()
    paying = member(south_asia, "Paying Weavers", 20_000, 15_000)
    member(south_asia, "Unpaid Rollers", 5_001, 2_600)
    waived = member(africa, "Kisumu Baskets", 1_000, 900, country="KE")
    dues_payment_record(
        affiliate=paying,
        year=2025,
        amount=Decimal("1234.56"),
        paid_on=dt.date(2025, 3, 1),
        method="cash",
        reference="RCPT-77",
        recorded_by=None,
    )
    dues_adjustment_save(
        DuesAdjustment(
            affiliate=waived, year=2025, amount_due=Decimal(0), reason="Floods in the district"
        ),
        saved_by=None,
    )
    event = congress(out_of_standing="observer")
    for name, gender in [("Rukhsana Delegatewoman", "woman"), ("Ravi Delegateman", "man")]:
        delegate_add(congress=event, affiliate=paying, name=name, gender=gender, added_by=None)
    return event


def public_urls() -> list[str]:
    urls = [
        reverse("affiliates:home"),
        reverse("affiliates:directory"),
        reverse("affiliates:export_csv"),
        reverse("regions:list"),
        reverse("stats:index"),
        reverse("stats:csv", args=["regions"]),
    ]
    urls += [reverse("regions:detail", args=[s]) for s in ["south-asia", "africa"]]
    urls += [a.get_absolute_url() for a in Affiliate.objects.public()]
    # The public API too, as an anonymous caller reads it.
    urls += [reverse(f"api:{name}") for name in ["affiliates", "regions", "stats", "schema"]]
    for slug in Affiliate.objects.public().values_list("slug", flat=True):
        urls += [reverse("api:affiliate", args=[slug]), reverse("api:jsonld", args=[slug])]
    return urls


def test_public_pages_show_no_amount_standing_or_delegate(client, registry):
    seen = 0
    for url in public_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response)
        found = [secret for secret in SECRETS if secret.lower() in text.lower()]
        assert not found, f"{url} shows {found}"
        seen += "Paying Weavers" in text
    assert seen >= 3  # the pages do list the affiliate whose dues and delegates are kept


def test_public_stats_csvs_show_none_either(client, registry):
    index = client.get(reverse("stats:index")).content.decode()
    keys = {part.split(".csv")[0] for part in index.split("/stats/")[1:] if ".csv" in part}
    assert keys
    for key in keys:
        response = client.get(reverse("stats:csv", args=[key]))
        if response.status_code == 200:
            text = body(response).lower()
            assert not [s for s in SECRETS if s.lower() in text], key
