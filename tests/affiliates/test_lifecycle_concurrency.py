"""Two people approve the same application at the same moment, on two connections."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection

from affiliates.choices import Status
from affiliates.models import Affiliate, StatusChange
from affiliates.services.lifecycle import AlreadyDecided, affiliate_transition
from tests.factories import AffiliateFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_approvals_at_once_make_one_decision(south_asia, staff_user):
    other_staff = UserFactory(username="sofia", is_staff=True)
    affiliate = AffiliateFactory(region=south_asia, status=Status.RECOMMENDED)
    # Each reviewer loaded the page while it was still recommended.
    copies = [Affiliate.objects.get(pk=affiliate.pk) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}
    real_create = StatusChange.objects.create

    def slow_create(**kwargs):
        # Hold the transaction open long enough for the other reviewer to arrive.
        time.sleep(0.5)
        return real_create(**kwargs)

    def approve(name, actor, copy):
        try:
            start.wait()
            affiliate_transition(affiliate=copy, action="approve", actor=actor, comment=name)
            outcomes[name] = "approved"
        except AlreadyDecided as refused:
            outcomes[name] = refused
        finally:
            connection.close()

    with mock.patch.object(StatusChange.objects, "create", side_effect=slow_create):
        threads = [
            threading.Thread(target=approve, args=(name, actor, copy))
            for name, actor, copy in zip(
                ["sam", "sofia"], [staff_user, other_staff], copies, strict=True
            )
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert sorted(str(v) == "approved" for v in outcomes.values()) == [False, True]
    refused = next(v for v in outcomes.values() if v != "approved")
    assert "Somebody decided first" in refused.messages[0]
    assert StatusChange.objects.filter(affiliate=affiliate).count() == 1
    affiliate.refresh_from_db()
    assert affiliate.status == Status.AFFILIATED
