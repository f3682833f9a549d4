"""Staff status in the admin is the one switch for the staff role and its permissions."""

import pytest
from django.urls import reverse

from accounts.services import STAFF_GROUP_NAME
from affiliates.access import is_staff_member
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _change(client, user, *, is_staff: bool):
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": "2026-01-05",
        "date_joined_1": "10:00:00",
        "coordinator_assignments-TOTAL_FORMS": "0",
        "coordinator_assignments-INITIAL_FORMS": "0",
        "coordinator_assignments-MIN_NUM_FORMS": "0",
        "coordinator_assignments-MAX_NUM_FORMS": "1000",
    }
    if is_staff:
        data["is_staff"] = "on"
    response = client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()


def test_ticking_staff_status_gives_the_staff_permissions_and_unticking_takes_them(
    client, superuser
):
    person = UserFactory(username="nadia")
    client.force_login(superuser)

    _change(client, person, is_staff=True)
    assert is_staff_member(person)
    assert person.groups.filter(name=STAFF_GROUP_NAME).exists()
    assert person.has_perm("affiliates.change_affiliate")

    _change(client, person, is_staff=False)
    assert not is_staff_member(person)
    assert not person.groups.filter(name=STAFF_GROUP_NAME).exists()
