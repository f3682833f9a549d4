"""The dues and congress pages: staff's (page, filters, totals, CSV) and the coordinators'.

Asha coordinates South Asia, Grace Africa, Sam is staff. The rule is tests.governance.factories
.rule_2025; the clock says 15 June 2026, so 2025's dues are overdue.
"""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from affiliates.models import Affiliate
from governance.models import Delegate, DuesPayment
from governance.services import delegate_add, dues_payment_record
from tests.governance.factories import congress, member, rule_2025

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def dues_world(south_asia, africa):
    rule = rule_2025()
    paid = member(south_asia, "Paid Weavers", 5_000, 4_000)
    member(south_asia, "Unpaid Rollers", 5_001, 2_600)
    member(africa, "Kisumu Baskets", 25_000, 20_000, country="KE")
    dues_payment_record(
        affiliate=paid,
        year=2025,
        amount=Decimal("500.00"),
        paid_on=dt.date(2025, 3, 1),
        method="cash",
        recorded_by=None,
    )
    return rule


def test_the_dues_page_lists_amounts_standing_and_totals(client, staff_user, dues_world):
    client.force_login(staff_user)
    response = client.get(reverse("staff:dues", args=[2025]))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ["Paid Weavers", "Unpaid Rollers", "Kisumu Baskets", ">500.10<", ">2,000.00<"]:
        assert text in page
    totals = {t.region: t for t in response.context["totals"]}
    assert (totals["HNSA"].due, totals["HNSA"].paid) == (Decimal("1000.10"), Decimal("500.00"))
    assert response.context["grand"]["balance"] == Decimal("2500.10")


def test_the_dues_page_filters_by_region_and_standing(client, staff_user, dues_world):
    client.force_login(staff_user)
    url = reverse("staff:dues", args=[2025])
    names = lambda r: {a.name for a in r.context["page"]}  # noqa: E731
    assert names(client.get(url, {"region": "africa"})) == {"Kisumu Baskets"}
    assert names(client.get(url, {"standing": "arrears"})) == {"Unpaid Rollers", "Kisumu Baskets"}
    assert names(client.get(url, {"standing": "good", "region": "south-asia"})) == {"Paid Weavers"}


def test_the_dues_page_takes_the_same_queries_for_more_affiliates(
    client, staff_user, dues_world, south_asia
):
    client.force_login(staff_user)
    url = reverse("staff:dues", args=[2025])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    queries()  # the session's first request stamps it
    before = queries()
    for number in range(20):
        member(south_asia, f"More {number}", 100 + number)
    # Computed in SQL for the page: never a query per affiliate.
    assert queries() == before


def test_the_dues_csv(client, staff_user, dues_world):
    client.force_login(staff_user)
    rows = read_csv(client.get(reverse("staff:dues_csv", args=[2025]), {"region": "south-asia"}))
    assert rows[0] == [
        "region", "affiliate", "reference", "country", "declared_members", "currency", "due",
        "paid", "balance", "balance_all_years", "standing",
    ]  # fmt: skip
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Paid Weavers", "Unpaid Rollers"}
    assert by_name["Unpaid Rollers"][4:] == [
        "5001", "USD", "500.10", "0.00", "500.10", "500.10", "arrears",
    ]  # fmt: skip
    assert by_name["Paid Weavers"][6:] == ["500.00", "500.00", "0.00", "0.00", "good"]


def test_unknown_filter_values_show_every_row_not_an_error(client, staff_user, dues_world):
    client.force_login(staff_user)
    query = {"region": "atlantis", "standing": "saintly"}
    assert client.get(reverse("staff:dues", args=[2025]), query).status_code == 200
    rows = read_csv(client.get(reverse("staff:dues_csv", args=[2025]), query))
    assert len(rows) == 4


def test_an_overpayment_is_a_negative_number_in_the_dues_csv(client, staff_user, dues_world):
    paid = DuesPayment.objects.get().affiliate
    dues_payment_record(
        affiliate=paid,
        year=2025,
        amount=Decimal("5.00"),
        paid_on=dt.date(2025, 4, 1),
        method="cash",
        reference="=HYPERLINK()",
        recorded_by=None,
    )
    client.force_login(staff_user)
    response = client.get(reverse("staff:dues_csv", args=[2025]), {"region": "south-asia"})
    by_name = {row[1]: row for row in read_csv(response)[1:]}
    # A number, not the text "'-5.00": a spreadsheet adds it up. Names stay guarded.
    assert by_name["Paid Weavers"][6:] == ["500.00", "505.00", "-5.00", "-5.00", "good"]


def test_the_credentials_csv_has_exactly_its_columns(client, staff_user, dues_world):
    event = congress(out_of_standing="observer")
    paid = DuesPayment.objects.get().affiliate
    delegate_add(congress=event, affiliate=paid, name="Meena", gender="woman", added_by=None)
    client.force_login(staff_user)
    rows = read_csv(client.get(reverse("staff:credentials_csv", args=[event.slug])))
    assert rows[0] == [
        "region", "affiliate", "country", "members", "women", "men", "standing", "delegates",
        "women_delegates_required", "delegates_named", "women_named", "rule_met",
    ]  # fmt: skip
    assert sorted(rows[1:]) == [
        # 25,000 members: 3 delegates; 3 x 20,000 / 25,000 = 2.4, rounded up to 3.
        ["HNA", "Kisumu Baskets", "KE", "25000", "20000", "5000", "observer",
         "3", "3", "0", "0", "no"],
        ["HNSA", "Paid Weavers", "IN", "5000", "4000", "1000", "good", "1", "1", "1", "1", "yes"],
        # 5,001 members: 2 delegates; 2 x 2,600 / 5,001 = 1.04, rounded up to 2.
        ["HNSA", "Unpaid Rollers", "IN", "5001", "2600", "2401", "observer",
         "2", "2", "0", "0", "no"],
    ]  # fmt: skip


def test_the_credentials_pages_show_the_names(client, staff_user, dues_world):
    event = congress()
    paid = DuesPayment.objects.get().affiliate
    delegate_add(congress=event, affiliate=paid, name="Meena Devi", gender="woman", added_by=None)
    client.force_login(staff_user)
    for name in ["staff:credentials", "staff:credentials_print"]:
        page = client.get(reverse(name, args=[event.slug])).content.decode()
        assert "Meena Devi" in page and "Unpaid Rollers" in page
    printed = client.get(reverse("staff:credentials_print", args=[event.slug])).content.decode()
    assert "css/credentials-print.css" in printed and "style=" not in printed


def test_the_staff_stats_show_delegates_by_region_and_gender(client, staff_user, dues_world):
    event = congress()
    paid = DuesPayment.objects.get().affiliate
    delegate_add(congress=event, affiliate=paid, name="Meena", gender="woman", added_by=None)
    client.force_login(staff_user)
    response = client.get(reverse("staff:dashboard"))
    ((shown, figures),) = response.context["congress_figures"]
    by_region = {row.region: row for row in figures}
    assert shown == event
    # Excluded: Unpaid Rollers and Kisumu Baskets (in arrears on 1 June 2026).
    assert (by_region["HNSA"].delegates, by_region["HNSA"].women_named) == (1, 1)
    assert by_region["HNA"].delegates == 0
    assert "Congress delegates by region and gender" in response.content.decode()


def test_a_coordinator_sees_their_region_s_standing_only(
    client, coordinator_south_asia, dues_world
):
    client.force_login(coordinator_south_asia)
    page = client.get(reverse("workspace:standing")).content.decode()
    assert "Paid Weavers" in page and "Unpaid Rollers" in page and ">500.10<" in page
    assert "Kisumu Baskets" not in page


def test_a_coordinator_names_their_delegates_only(
    csrf_client, coordinator_south_asia, coordinator_africa, dues_world
):
    event = congress(out_of_standing="observer")
    unpaid = Affiliate.objects.get(name="Unpaid Rollers")
    url = reverse("workspace:congress_delegates", args=[event.slug, unpaid.slug])
    csrf_client.force_login(coordinator_south_asia)
    response = csrf_client.submit(url, {"add": "1", "name": "Rukhsana Begum", "gender": "woman"})
    assert response.status_code == 302
    csrf_client.submit(url, {"add": "1", "name": "Ravi Shrestha", "gender": "man"})
    page = csrf_client.get(url).content.decode()
    assert "Rukhsana Begum" in page and "The women rule is not met yet." in page
    assert "Every place is taken." in page
    overview = csrf_client.get(reverse("workspace:congress", args=[event.slug])).content.decode()
    assert "Unpaid Rollers" in overview and "Kisumu Baskets" not in overview

    csrf_client.force_login(coordinator_africa)
    assert csrf_client.get(url).status_code == 404
    ravi = Delegate.objects.get(name="Ravi Shrestha")
    assert csrf_client.post(url, {"remove": ravi.pk}).status_code in (403, 404)
    assert Delegate.objects.filter(pk=ravi.pk).exists()


def test_removing_a_delegate(csrf_client, coordinator_south_asia, dues_world):
    event = congress()
    paid = DuesPayment.objects.get().affiliate
    delegate = delegate_add(
        congress=event, affiliate=paid, name="Meena", gender="woman", added_by=None
    )
    url = reverse("workspace:congress_delegates", args=[event.slug, paid.slug])
    csrf_client.force_login(coordinator_south_asia)
    assert csrf_client.submit(url, {"remove": delegate.pk}).status_code == 302
    assert not Delegate.objects.exists()
