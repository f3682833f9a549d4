"""manage.py remind_coordinators: once a month, in each coordinator's language, only when
something waits."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from affiliates.choices import Status
from affiliates.models import CoordinatorReminder
from affiliates.reminders import LISTED
from tests.clock import TODAY
from tests.factories import AffiliateFactory, DeclarationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

LONG_AGO = dt.date(2025, 3, 1)


def remind(capture) -> list:
    """Run the command as cron does; the mail queued after commit is sent (immediate backend)."""
    before = len(mail.outbox)
    with capture(execute=True):
        call_command("remind_coordinators", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return mail.outbox[before:]


def declared(affiliate):
    # Declared for last year (2025, the year due on the clock's 15 June 2026): nothing missing.
    DeclarationFactory(affiliate=affiliate, year=TODAY.year - 1)
    return affiliate


def test_it_tells_each_coordinator_about_their_regions_only(
    south_asia, africa, coordinator_south_asia, coordinator_africa,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    declared(
        AffiliateFactory(region=south_asia, name="Stale Weavers", details_confirmed_on=LONG_AGO)
    )
    AffiliateFactory(region=south_asia, name="Silent Stitchers")  # fresh, but owes 2025
    declared(AffiliateFactory(region=africa, country="KE", name="Fresh Kenya"))

    sent = remind(django_capture_on_commit_callbacks)

    assert len(sent) == 1  # Africa has nothing waiting: no mail
    (message,) = sent
    assert message.to == [coordinator_south_asia.email]
    assert "Stale Weavers" in message.body
    assert "/workspace/affiliates/" in message.body
    assert "Silent Stitchers" in message.body
    assert "for 2025" in message.body
    assert "Fresh Kenya" not in message.body
    reminder = CoordinatorReminder.objects.get()
    assert (reminder.user, reminder.month, reminder.stale, reminder.missing) == (
        coordinator_south_asia,
        dt.date(2026, 6, 1),
        1,
        1,
    )


def test_it_sends_once_a_month(
    clock, south_asia, coordinator_south_asia, django_capture_on_commit_callbacks
):
    declared(AffiliateFactory(region=south_asia, details_confirmed_on=LONG_AGO))

    assert len(remind(django_capture_on_commit_callbacks)) == 1
    clock.shift(dt.timedelta(days=1))
    assert remind(django_capture_on_commit_callbacks) == []  # the next day's run: already sent
    clock.move_to(dt.datetime(2026, 7, 1, 6, tzinfo=dt.UTC))
    assert len(remind(django_capture_on_commit_callbacks)) == 1  # a new month
    assert CoordinatorReminder.objects.count() == 2


def test_nothing_to_say_sends_and_records_nothing(
    south_asia, coordinator_south_asia, django_capture_on_commit_callbacks
):
    declared(AffiliateFactory(region=south_asia))

    assert remind(django_capture_on_commit_callbacks) == []
    assert not CoordinatorReminder.objects.exists()


def test_it_writes_in_the_coordinators_language(south_asia, django_capture_on_commit_callbacks):
    UserFactory(username="amelie", language="fr", coordinates=[south_asia])
    UserFactory(username="asha", language="", coordinates=[south_asia])  # the site's default
    declared(AffiliateFactory(region=south_asia, details_confirmed_on=LONG_AGO))

    sent = {m.to[0]: m for m in remind(django_capture_on_commit_callbacks)}

    assert sent["amelie@example.org"].extra_headers["Content-Language"] == "fr"
    assert sent["asha@example.org"].extra_headers["Content-Language"] == "en"
    # The dates as each language writes them (the site's own sentences follow its catalogues).
    assert "1 mars 2025" in sent["amelie@example.org"].body
    assert "1 March 2025" in sent["asha@example.org"].body  # day first (homenet/formats/en)


def test_inactive_coordinators_get_nothing(south_asia, django_capture_on_commit_callbacks):
    UserFactory(username="gone", is_active=False, coordinates=[south_asia])
    declared(AffiliateFactory(region=south_asia, details_confirmed_on=None))

    assert remind(django_capture_on_commit_callbacks) == []


def test_a_coordinator_of_several_regions_gets_one_mail_for_all(
    south_asia, africa, django_capture_on_commit_callbacks
):
    UserFactory(username="both", coordinates=[south_asia, africa])
    declared(AffiliateFactory(region=south_asia, name="Stale Weavers", details_confirmed_on=None))
    declared(
        AffiliateFactory(region=africa, country="KE", name="Stale Kenya", details_confirmed_on=None)
    )
    gone = AffiliateFactory(
        region=africa, country="KE", name="Gone", status=Status.WITHDRAWN, details_confirmed_on=None
    )
    declared(gone)

    (message,) = remind(django_capture_on_commit_callbacks)

    assert "Stale Weavers" in message.body and "Stale Kenya" in message.body
    assert "Gone" not in message.body  # withdrawn: no longer kept current
    assert CoordinatorReminder.objects.get().stale == 2


def test_staff_who_coordinate_hear_about_their_regions_only(
    south_asia, africa, django_capture_on_commit_callbacks
):
    UserFactory(username="staffer", is_staff=True, coordinates=[africa])
    declared(AffiliateFactory(region=south_asia, name="Stale Weavers", details_confirmed_on=None))
    declared(
        AffiliateFactory(region=africa, country="KE", name="Stale Kenya", details_confirmed_on=None)
    )

    (message,) = remind(django_capture_on_commit_callbacks)

    assert "Stale Kenya" in message.body
    assert "Stale Weavers" not in message.body


def test_a_long_list_names_the_first_and_links_the_rest(
    south_asia, coordinator_south_asia, django_capture_on_commit_callbacks
):
    for n in range(LISTED + 1):
        declared(
            AffiliateFactory(region=south_asia, name=f"Stale {n:02}", details_confirmed_on=LONG_AGO)
        )

    (message,) = remind(django_capture_on_commit_callbacks)

    assert (
        message.body.count("/workspace/affiliates/stale-") == LISTED
        or "Stale 20" not in message.body
    )
    assert f"All {LISTED + 1} records to confirm are listed in the workspace:" in message.body
    assert "/workspace/affiliates/?details=stale" in message.body
