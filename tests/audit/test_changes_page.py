"""/staff/changes/ shows what each action changed: a creation or a first recorded state is one
line, the change after it only the fields it changed."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from affiliates.choices import Status
from affiliates.models import Affiliate
from affiliates.services.lifecycle import affiliate_transition
from audit.history import events_of
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db

BASELINE = "recorded as it was when its history began"


def loaded_without_history(affiliate: Affiliate) -> None:
    """As records loaded in bulk before the database kept history: no event at all."""
    events_of(Affiliate)._default_manager.filter(pgh_obj_id=affiliate.pk).delete()


def entries_of(client, name: str) -> list:
    response = client.get(reverse("staff:changes"))
    return [e for e in response.context["page"].entries if e.label == name]


def test_a_creation_reads_as_one_line(client, staff_user, south_asia):
    AffiliateFactory(region=south_asia, name="New Co", city="Surat")
    client.force_login(staff_user)

    response = client.get(reverse("staff:changes"))

    (entry,) = [e for e in response.context["page"].entries if e.label == "New Co"]
    assert (entry.action, entry.changes) == ("created", [])
    html = response.content.decode()
    assert "“New Co”</strong> created" in html
    assert "Surat" not in html and "Private Person" not in html  # no field listed


def test_the_first_change_of_a_record_without_history_hides_nothing_behind_all_its_fields(
    clock, client, staff_user, south_asia
):
    """Its state before is unknown: the suspension is its first recorded state, one line; the
    next change shows only what it changed."""
    affiliate = AffiliateFactory(region=south_asia, name="Old Co", status=Status.AFFILIATED)
    loaded_without_history(affiliate)
    affiliate_transition(affiliate=affiliate, action="suspend", actor=staff_user, comment="Dues")
    client.force_login(staff_user)

    (suspended,) = entries_of(client, "Old Co")

    assert (suspended.action, suspended.changes) == (BASELINE, [])
    assert (suspended.who, suspended.reason) == (staff_user, "suspend")

    affiliate.refresh_from_db()
    affiliate_transition(affiliate=affiliate, action="reinstate", actor=staff_user, comment="Paid")

    reinstated, first = entries_of(client, "Old Co")
    assert first.action == BASELINE
    assert reinstated.action == "changed"
    # When the status changed moved within the minute shown: it reads the same, left out.
    assert [(c.field, c.old, c.new) for c in reinstated.changes] == [
        ("status", "Suspended", "Affiliated")
    ]


def test_a_migration_baseline_reads_as_one_line_and_the_suspension_after_it_as_such(
    clock, client, staff_user, south_asia
):
    affiliate = AffiliateFactory(region=south_asia, name="Old Co", status=Status.AFFILIATED)
    loaded_without_history(affiliate)
    migration = importlib.import_module("affiliates.migrations.0007_copy_simple_history")
    with connection.schema_editor() as editor:
        migration.record_baselines(apps, editor)
    affiliate_transition(affiliate=affiliate, action="suspend", actor=staff_user, comment="Dues")
    client.force_login(staff_user)

    suspended, baseline = entries_of(client, "Old Co")

    assert (baseline.action, baseline.changes) == (BASELINE, [])
    assert suspended.action == "changed"
    assert [(c.field, c.old, c.new) for c in suspended.changes] == [
        ("status", "Affiliated", "Suspended")
    ]
