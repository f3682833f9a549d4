"""Shared fixtures: the personas every test speaks of, the clock and a CSRF-checking client.

- anonymous visitor: the test `client` fixture as it comes;
- `coordinator_south_asia` (Asha) keeps HomeNet South Asia's records;
- `coordinator_africa` (Grace) keeps HomeNet Africa's;
- `staff_user` (Sam) is international staff, through the staff group;
- `superuser` can do anything;
- `clock`: Python's clock at a fixed moment (tests/clock.py), for tests that depend on the date;
- `csrf_client`: a client that enforces CSRF and posts as a browser does (tests/csrf.py).
"""

import pytest
from django.utils import translation

from accounts.services import staff_group_ensure
from tests.clock import NOW
from tests.csrf import CsrfClient
from tests.factories import RegionFactory, UserFactory


def pytest_collection_modifyitems(items):
    # The clock is set before any other fixture of the test, so that what they create is dated
    # by it, however the test asks for it (as time-machine does for its own marker).
    for item in items:
        names = getattr(item, "fixturenames", [])
        if "clock" in names:
            names.remove("clock")
            names.insert(0, "clock")


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    # Test-only tweaks: a fast hasher, mail kept in memory, plain static storage.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Tasks (the mail queue) run at once, inside the request (tests/core/test_mail_queue.py
    # uses the database backend and its worker).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Public pages read fresh data in tests (tests/public/test_cache.py turns it on).
    settings.DIRECTORY_CACHE_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    # A request in another language must not leak into the next test's messages.
    translation.activate("en")


@pytest.fixture
def clock(time_machine):
    """Python's clock at tests.clock.NOW (15 June 2026, 12:00 UTC), ticking on from there.

    For every test that depends on today's date or the time of day: as an argument, or for a
    whole module with `pytestmark = pytest.mark.usefixtures("clock")`. It is set up before the
    test's other fixtures (see pytest_collection_modifyitems), so that the objects they create
    are dated by it too. `clock.shift(seconds_or_timedelta)` and
    `clock.move_to(when)` move it. PostgreSQL's own clock (`now()`, which dates the history's
    events) is not moved.
    """
    time_machine.move_to(NOW, tick=True)
    return time_machine


@pytest.fixture
def csrf_client() -> CsrfClient:
    """A client that checks CSRF as production does: `csrf_client.submit(url, data)` GETs the
    form's page and posts with its token; `csrf_client.post(...)` sends none (403)."""
    return CsrfClient()


@pytest.fixture
def south_asia(db):
    return RegionFactory(
        name="HomeNet South Asia", short_name="HNSA", slug="south-asia", countries=["IN", "NP"]
    )


@pytest.fixture
def africa(db):
    return RegionFactory(
        name="HomeNet Africa", short_name="HNA", slug="africa", countries=["KE", "ZA"]
    )


@pytest.fixture
def coordinator_south_asia(south_asia):
    return UserFactory(username="asha", coordinates=[south_asia])


@pytest.fixture
def coordinator_africa(africa):
    return UserFactory(username="grace", coordinates=[africa])


@pytest.fixture
def staff_user(db):
    user = UserFactory(username="sam", is_staff=True)
    user.groups.add(staff_group_ensure())
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)
