"""Two coordinators name a delegate for the same last place at once, on two connections."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from affiliates.models import Affiliate
from governance.models import Delegate
from governance.services import delegate_add
from tests.governance.factories import congress, member

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("clock")]


def test_the_last_place_goes_to_one_of_two_coordinators_naming_at_once(south_asia):
    affiliate = member(south_asia, "One seat", 5_000, 2_000)  # 1 delegate
    event = congress()
    outcome: dict[str, object] = {}

    def second_coordinator():
        try:
            delegate_add(
                congress=event, affiliate=affiliate, name="Ravi", gender="man", added_by=None
            )
            outcome["second"] = "named"
        except ValidationError as refused:
            outcome["second"] = refused
        finally:
            connection.close()

    # The first coordinator is half-way through naming (the affiliate's row locked, the
    # place not yet taken) when the second one asks for the same place.
    with transaction.atomic():
        Affiliate.objects.select_for_update().get(pk=affiliate.pk)
        other = threading.Thread(target=second_coordinator)
        other.start()
        time.sleep(0.5)
        assert "second" not in outcome  # waiting for the first to finish
        Delegate.objects.create(congress=event, affiliate=affiliate, name="Asha", gender="woman")
    other.join(timeout=30)

    assert isinstance(outcome["second"], ValidationError)
    assert "Every place is taken" in outcome["second"].messages[0]
    assert list(Delegate.objects.values_list("name", flat=True)) == ["Asha"]
