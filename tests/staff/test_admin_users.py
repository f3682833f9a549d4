"""Accounts in the admin: staff status is the one switch for the staff role and its
permissions, and only superusers hand out powers or set other people's passwords."""

import logging
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from accounts.services import STAFF_GROUP_NAME
from affiliates.access import is_staff_member
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _change(client, user, *, is_staff: bool, is_active: bool = True, **extra):
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "date_joined_0": "2026-01-05",
        "date_joined_1": "10:00:00",
        "coordinator_assignments-TOTAL_FORMS": "0",
        "coordinator_assignments-INITIAL_FORMS": "0",
        "coordinator_assignments-MIN_NUM_FORMS": "0",
        "coordinator_assignments-MAX_NUM_FORMS": "1000",
    }
    if is_active:
        data["is_active"] = "on"
    if is_staff:
        data["is_staff"] = "on"
    data.update(extra)
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


@pytest.fixture
def nadia(db):
    return UserFactory(username="nadia")


def _power_grab(client, user):
    """Everything a form could send to make `user` staff, superuser and all-permitted."""
    _change(
        client,
        user,
        is_staff=True,
        is_superuser="on",
        groups=[Group.objects.get(name=STAFF_GROUP_NAME).pk],
        user_permissions=[Permission.objects.get(codename="change_user").pk],
    )


def test_staff_cannot_make_themselves_superuser(client, staff_user):
    client.force_login(staff_user)

    page = client.get(reverse("admin:accounts_user_change", args=[staff_user.pk]))
    assert 'name="is_superuser"' not in page.content.decode()
    _power_grab(client, staff_user)  # a forged form: the fields are ignored

    assert not staff_user.is_superuser
    assert not staff_user.user_permissions.exists()


def test_staff_cannot_make_anyone_staff_or_superuser(client, staff_user, nadia):
    client.force_login(staff_user)

    page = client.get(reverse("admin:accounts_user_change", args=[nadia.pk])).content.decode()
    for field in ["is_staff", "is_superuser", "groups", "user_permissions"]:
        assert f'name="{field}"' not in page
    _power_grab(client, nadia)

    assert not nadia.is_staff
    assert not nadia.is_superuser
    assert not nadia.groups.exists()
    assert not nadia.user_permissions.exists()


def test_staff_cannot_set_another_persons_password(client, staff_user, nadia):
    client.force_login(staff_user)
    url = reverse("admin:auth_user_password_change", args=[nadia.pk])

    assert client.get(url).status_code == 403
    posted = client.post(url, {"password1": "taken over 12345", "password2": "taken over 12345"})

    assert posted.status_code == 403
    nadia.refresh_from_db()
    assert nadia.check_password(PASSWORD)
    change_page = client.get(reverse("admin:accounts_user_change", args=[nadia.pk]))
    assert "password/" not in change_page.content.decode()


def test_staff_change_their_own_password_where_the_old_one_is_asked(client, staff_user):
    client.force_login(staff_user)

    assert (
        client.get(reverse("admin:auth_user_password_change", args=[staff_user.pk])).status_code
        == 403
    )
    assert client.get(reverse("accounts:password_change")).status_code == 200


def test_staff_cannot_redirect_the_mail_of_an_account_in_use(client, staff_user, nadia):
    nadia.last_login = nadia.date_joined
    nadia.save(update_fields=["last_login"])
    client.force_login(staff_user)

    # Not even by first clearing the date of the last sign-in.
    _change(client, nadia, is_staff=False, last_login_0="", last_login_1="")
    _change(client, nadia, is_staff=False, email="thief@example.net")

    assert nadia.last_login is not None
    assert nadia.email == "nadia@example.org"


def test_staff_set_the_address_of_a_new_account(client, staff_user, nadia):
    client.force_login(staff_user)

    _change(client, nadia, is_staff=False, email="nadia@homenet.example")

    assert nadia.email == "nadia@homenet.example"


def test_staff_cannot_change_a_superusers_account(client, staff_user, superuser):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:accounts_user_change", args=[superuser.pk]),
        {"username": "root", "date_joined_0": "2026-01-05", "date_joined_1": "10:00:00"},
    )

    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active


def test_staff_deactivate_an_account_and_it_is_logged(client, caplog, staff_user, nadia):
    client.force_login(staff_user)

    with caplog.at_level(logging.INFO, logger="staff.admin.users"):
        _change(client, nadia, is_staff=False, is_active=False)

    assert not nadia.is_active
    assert (
        f"Permission change by user {staff_user.pk} (sam): user {nadia.pk} (nadia) "
        "is_active set to False" in caplog.text
    )


def test_staff_send_a_password_reset_link(client, staff_user, nadia):
    nobody = UserFactory(username="no-mail", email="")
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "send_password_reset", "_selected_action": [nadia.pk, nobody.pk]},
        follow=True,
    )

    page = response.content.decode()
    assert "A password-reset link was sent to 1 account." in page
    assert "1 account has no email address or is deactivated" in page
    assert [m.to for m in mail.outbox] == [["nadia@example.org"]]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    form_url = client.get(link.group(1)).url
    assert "set-password" in form_url


def test_a_superuser_grants_powers_sets_passwords_and_it_is_logged(
    client, caplog, superuser, nadia
):
    client.force_login(superuser)

    with caplog.at_level(logging.INFO, logger="staff.admin.users"):
        _change(client, nadia, is_staff=True, is_superuser="on")
        response = client.post(
            reverse("admin:auth_user_password_change", args=[nadia.pk]),
            {"password1": "a new passphrase 77", "password2": "a new passphrase 77"},
        )

    assert response.status_code == 302
    nadia.refresh_from_db()
    assert nadia.is_superuser
    assert nadia.is_staff
    assert nadia.check_password("a new passphrase 77")
    actor = f"Permission change by user {superuser.pk} (root): user {nadia.pk} (nadia)"
    assert f"{actor} is_staff set to True" in caplog.text
    assert f"{actor} is_superuser set to True" in caplog.text
    assert f"{actor} groups added ['{STAFF_GROUP_NAME}'], removed []" in caplog.text


def test_staff_cannot_give_a_group_permissions(client, staff_user):
    group = Group.objects.create(name="Helpers")
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": "Helpers", "permissions": [Permission.objects.get(codename="change_user").pk]},
    )

    assert response.status_code == 302
    assert not group.permissions.exists()
