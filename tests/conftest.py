"""Shared fixtures: the personas every test speaks of.

- anonymous visitor: the test `client` fixture as it comes;
- `coordinator_south_asia` (Asha) keeps HomeNet South Asia's records;
- `coordinator_africa` (Grace) keeps HomeNet Africa's;
- `staff_user` (Sam) is international staff, through the staff group;
- `superuser` can do anything.
"""

import pytest
from django.utils import translation

from accounts.services import staff_group_ensure
from tests.factories import RegionFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    # Test-only tweaks: a fast hasher, mail kept in memory, plain static storage.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Public pages read fresh data in tests (tests/affiliates/test_cache.py turns it on).
    settings.DIRECTORY_CACHE_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    yield
    # A request in another language must not leak into the next test's messages.
    translation.activate("en")


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
