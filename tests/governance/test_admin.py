"""Dues and congresses in the admin: every save goes through the services; payments are a
ledger (added, reversed, never changed nor deleted)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance.models import Congress, DuesAdjustment, DuesPayment, DuesRule
from governance.services import dues_payment_record, dues_payment_reverse
from tests.governance.factories import member, rule_2025

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def payer(south_asia):
    rule_2025()
    return member(south_asia, "Paying Weavers", 5_000)


def test_staff_record_a_payment(client, staff_user, payer):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:governance_duespayment_add"),
        {
            "affiliate": payer.pk,
            "year": 2025,
            "paid_on": "2025-03-10",
            "amount": "250.50",
            "method": "bank_transfer",
            "reference": "TRX-9",
            "note": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    payment = DuesPayment.objects.get()
    assert (payment.amount, payment.recorded_by) == (Decimal("250.50"), staff_user)
    event = DuesPayment.pgh_event_model.objects.get()
    assert event.pgh_context["user"] == staff_user.pk


def test_a_payment_for_a_year_without_a_rule_is_refused(client, staff_user, payer):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:governance_duespayment_add"),
        {"affiliate": payer.pk, "year": 2019, "paid_on": "2019-03-10", "amount": "5",
         "method": "cash"},
    )  # fmt: skip
    assert response.status_code == 200  # the form again, with the service's error
    assert not DuesPayment.objects.exists()


def test_a_payment_is_neither_changed_nor_deleted_in_the_admin(client, superuser, payer):
    payment = dues_payment_record(
        affiliate=payer,
        year=2025,
        amount=Decimal("100.00"),
        paid_on=dt.date(2025, 3, 1),
        method="cash",
        recorded_by=None,
    )
    client.force_login(superuser)
    change = reverse("admin:governance_duespayment_change", args=[payment.pk])
    client.post(change, {"amount": "1.00"})
    assert DuesPayment.objects.get().amount == Decimal("100.00")
    delete = reverse("admin:governance_duespayment_delete", args=[payment.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:governance_duespayment_changelist"))
    assert "delete_selected" not in changelist.content.decode()


def test_staff_reverse_a_payment_with_a_reason(client, staff_user, payer):
    payment = dues_payment_record(
        affiliate=payer,
        year=2025,
        amount=Decimal("100.00"),
        paid_on=dt.date(2025, 3, 1),
        method="cash",
        recorded_by=None,
    )
    client.force_login(staff_user)
    url = reverse("admin:governance_duespayment_changelist")
    asked = client.post(url, {"action": "reverse_payments", "_selected_action": [payment.pk]})
    assert "Reason" in asked.content.decode()
    done = client.post(
        url,
        {
            "action": "reverse_payments",
            "_selected_action": [payment.pk],
            "apply": "1",
            "reason": "Cheque bounced",
        },
    )
    assert done.status_code == 302
    reversal = DuesPayment.objects.get(reverses=payment)
    assert (reversal.amount, reversal.note, reversal.method) == (
        Decimal("-100.00"),
        "Cheque bounced",
        "reversal",
    )


def test_staff_waive_dues_with_a_reason(client, staff_user, payer):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:governance_duesadjustment_add"),
        {"affiliate": payer.pk, "year": 2025, "amount_due": "0", "reason": "Floods"},
    )
    assert response.status_code == 302
    assert DuesAdjustment.objects.get().recorded_by == staff_user


def test_staff_set_a_rule_and_a_congress_gets_the_default_scale(client, staff_user):
    client.force_login(staff_user)
    rule = client.post(
        reverse("admin:governance_duesrule_add"),
        {
            "year": 2026,
            "amount_per_member": "0.05",
            "minimum": "25.00",
            "cap": "",
            "currency": "USD",
            "due_on": "2026-03-31",
            "declaration_year": 2025,
            "arrears_months": 6,
        },
    )
    assert rule.status_code == 302
    assert DuesRule.objects.get().cap is None
    response = client.post(
        reverse("admin:governance_congress_add"),
        {
            "name": "Congress",
            "slug": "congress",
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-03",
            "place": "Durban",
            "standing_on": "2026-10-01",
            "declarations_on": "2026-10-01",
            "out_of_standing": "observer",
            "women_rule_from": 3,
        },
    )
    assert response.status_code == 302
    bands = list(Congress.objects.get().bands.values_list("from_members", "delegates"))
    assert bands[:2] == [(1, 1), (5_001, 2)] and bands[-1] == (900_001, 23)


def test_a_rule_whose_year_has_payments_keeps_its_year_and_is_not_deleted(client, superuser, payer):
    rule = DuesRule.objects.get()
    client.force_login(superuser)
    delete = reverse("admin:governance_duesrule_delete", args=[rule.pk])
    assert client.get(delete).status_code == 200  # nothing recorded for 2025 yet
    dues_payment_record(
        affiliate=payer,
        year=2025,
        amount=Decimal("100.00"),
        paid_on=dt.date(2025, 3, 1),
        method="cash",
        recorded_by=None,
    )
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = client.get(reverse("admin:governance_duesrule_change", args=[rule.pk]))
    assert 'name="year"' not in change.content.decode()
    assert 'name="minimum"' in change.content.decode()
    changelist = client.get(reverse("admin:governance_duesrule_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    assert DuesRule.objects.filter(year=2025).exists()


def test_the_payments_list_takes_the_same_queries_with_more_reversals(client, superuser, payer):
    def reversed_payment():
        payment = dues_payment_record(
            affiliate=member(payer.region, f"Payer {DuesPayment.objects.count()}", 100),
            year=2025,
            amount=Decimal("10.00"),
            paid_on=dt.date(2025, 3, 1),
            method="cash",
            recorded_by=None,
        )
        dues_payment_reverse(payment, reason="Bounced", reversed_by=None)

    client.force_login(superuser)
    url = reverse("admin:governance_duespayment_changelist")
    reversed_payment()
    client.get(url)  # the first request after signing in does the session's work too
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(4):
        reversed_payment()
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more) == len(few)
