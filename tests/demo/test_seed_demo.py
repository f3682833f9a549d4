import random
from io import StringIO

import pgtrigger
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection

from affiliates.choices import Status
from affiliates.models import Affiliate, FacetCount, MembershipDeclaration, YearCount
from audit.history import record_history
from core.history import acting
from demo import seeding
from demo.seeding import seed_demo
from governance.models import Congress, DuesAdjustment, DuesPayment
from regions.models import Region
from tests.history import events, reason

# The demo data is dated back from today (declarations up to last year, statuses' dates):
# the same seed gives the same registry on the same day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def seed(*args):
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def forget_the_registry():
    """Delete every affiliate, and first the dues and congresses that point at them (payments
    are never deleted otherwise: the database refuses)."""
    with pgtrigger.ignore("governance.DuesPayment:dues_payment_never_deleted"):
        DuesPayment.objects.filter(reverses__isnull=False).delete()
        DuesPayment.objects.all().delete()
    DuesAdjustment.objects.all().delete()
    Congress.objects.all().delete()
    Affiliate.objects.all().delete()


def snapshot():
    return list(
        Affiliate.objects.order_by("slug").values_list(
            "slug", "name", "country", "status", "members_total", "members_year", "reference"
        )
    )


def test_it_builds_a_realistic_registry():
    output = seed("--affiliates", "300", "--seed", "7")

    assert Region.objects.count() == 5
    assert Affiliate.objects.count() == 300
    by_status = {s: Affiliate.objects.filter(status=s).count() for s in Status.values}
    assert all(by_status[s] > 0 for s in Status.values), by_status
    assert by_status[Status.AFFILIATED] > 150
    women = sum(Affiliate.objects.values_list("members_women", flat=True))
    men = sum(Affiliate.objects.values_list("members_men", flat=True))
    assert women > 3 * men
    assert MembershipDeclaration.objects.count() > 300
    assert Affiliate.objects.filter(publish_contact=True).exists()
    assert Affiliate.objects.filter(publish_contact=False).exists()
    for affiliate in Affiliate.objects.all()[:50]:
        latest = affiliate.declarations.order_by("-year").first()
        assert (latest.year, latest.total) == (affiliate.members_year, affiliate.members_total)
        affiliate.full_clean()
    assert "300 affiliates added" in output
    assert "homenet-demo" in output


def test_it_creates_the_demo_users():
    seed("--affiliates", "0")

    users = get_user_model().objects
    assert users.get(username="staff").is_staff
    assert users.get(username="coordinator-hnsa").coordinated_regions.get().short_name == "HNSA"
    assert users.filter(username__startswith="coordinator-").count() == 5
    assert all(user.check_password("homenet-demo") for user in users.all())


def test_it_is_idempotent():
    seed("--affiliates", "120", "--seed", "3")
    first = snapshot()

    output = seed("--affiliates", "120", "--seed", "3")

    assert snapshot() == first
    assert "0 affiliates added, 120 already there" in output
    assert Region.objects.count() == 5


def test_it_is_deterministic_for_a_seed():
    seed("--affiliates", "80", "--seed", "11")
    first = snapshot()
    forget_the_registry()

    seed("--affiliates", "80", "--seed", "11")

    assert snapshot() == first


def test_another_seed_gives_another_registry():
    seed("--affiliates", "80", "--seed", "11")
    first = snapshot()
    forget_the_registry()

    seed("--affiliates", "80", "--seed", "12")

    assert snapshot() != first


def test_if_empty_leaves_a_registry_with_data_alone():
    seed("--affiliates", "10")

    output = seed("--if-empty", "--affiliates", "50")

    assert Affiliate.objects.count() == 10
    assert "already holds data" in output


def test_every_demo_record_has_its_first_event_so_a_later_change_reads_as_just_that():
    seed_demo(affiliates=20, seed=7)
    affiliate = Affiliate.objects.filter(status=Status.AFFILIATED).first()
    declaration = affiliate.declarations.first()

    assert [(e.pgh_label, reason(e)) for e in events(affiliate)] == [("insert", "Demo data")]
    assert [e.pgh_label for e in events(declaration)] == ["insert"]
    affiliate.city = "Elsewhere"
    with acting(reason="Moved"):  # as services write
        affiliate.save()
    (change, _created) = record_history(Affiliate, affiliate.pk)
    assert [c.field for c in change.changes] == ["city or district"]


def test_a_large_load_builds_its_indexes_after_and_keeps_the_counts(monkeypatch):
    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
                [list(seeding.INDEXED_TABLES)],
            )
            return {definition for (definition,) in cursor.fetchall()}

    before = indexes()
    monkeypatch.setattr(seeding, "LARGE_LOAD", 10)
    lines: list[str] = []

    seed_demo(affiliates=20, seed=7, progress=lines.append)

    assert indexes() == before
    assert any(line.startswith("Building") for line in lines)
    assert any(line.startswith("Counts rebuilt") for line in lines)
    kept = sum(FacetCount.objects.filter(sector_id=0).values_list("organisations", flat=True))
    assert kept == Affiliate.objects.filter(status=Status.AFFILIATED).count() > 0
    years = sum(YearCount.objects.values_list("organisations", flat=True))
    assert years == MembershipDeclaration.objects.filter(affiliate__status="affiliated").count()
    # The counting triggers are on again: the next write is counted.
    Affiliate.objects.filter(status=Status.AFFILIATED).first().declarations.all().delete()
    assert sum(YearCount.objects.values_list("organisations", flat=True)) < years


def test_made_up_references_never_meet_even_when_the_draws_do():
    class Repeating(random.Random):
        """Draws the same characters twice, then others."""

        def __init__(self):
            super().__init__(1)
            self.draws = 0

        def choice(self, seq):
            self.draws += 1
            return seq[0] if self.draws <= 16 else seq[1]

    names = seeding._Names()
    rng = Repeating()

    assert names.reference(rng) == "00000000"
    assert names.reference(rng) == "11111111"
