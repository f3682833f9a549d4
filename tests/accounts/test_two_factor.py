"""Two-step sign-in (django-otp): the code after the password, its set-up, backup codes,
throttling, STAFF_REQUIRE_OTP and the superuser's removal in the admin."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import ApiToken
from accounts.tokens import token_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:two_factor_verify")
SETUP = reverse("accounts:two_factor")


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def sam_device(staff_user):
    """Sam (staff) has set up an app, and has backup codes."""
    device = TOTPDevice.objects.create(user=staff_user, name="Authenticator app", confirmed=True)
    codes = two_factor.backup_codes_renew(user=staff_user)
    return device, codes


def sign_in(client, username="sam", url=LOGIN):
    return client.post(url, {"username": username, "password": PASSWORD})


def test_the_password_alone_does_not_open_staff_pages_or_the_admin(client, sam_device):
    response = sign_in(client)
    assert response.status_code == 302  # the password was right...

    # ...but every page sends Sam to the code, keeping where he was going.
    for page in ("/workspace/", "/admin/", reverse("staff:dashboard"), "/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(CODE + "?next="), page


def test_the_admins_own_sign_in_asks_for_the_code_too(client, sam_device):
    response = sign_in(client, url=reverse("admin:login"))
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next=%2Fadmin%2F"


def test_a_wrong_code_is_refused_and_the_pages_stay_closed(client, sam_device):
    device, _codes = sam_device
    sign_in(client)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"

    response = client.post(CODE, {"code": wrong, "next": "/admin/"})

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_the_right_code_opens_the_admin(client, sam_device):
    device, _codes = sam_device
    sign_in(client)

    response = client.post(CODE, {"code": current_code(device), "next": "/admin/"})

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/workspace/").status_code == 200


def test_the_code_page_is_a_form_with_its_csrf_token(csrf_client, sam_device):
    device, _codes = sam_device
    csrf_client.submit(LOGIN, {"username": "sam", "password": PASSWORD})

    response = csrf_client.submit(CODE, {"code": current_code(device)})

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"


def test_a_backup_code_works_once(client, staff_user, sam_device):
    _device, codes = sam_device
    sign_in(client)
    assert client.post(CODE, {"code": codes[0].upper()}).status_code == 302
    assert client.get("/admin/").status_code == 200

    client.post(reverse("accounts:logout"))
    sign_in(client)
    response = client.post(CODE, {"code": codes[0]})
    assert response.status_code == 200  # used up
    assert StaticDevice.objects.get(user=staff_user).token_set.count() == len(codes) - 1


def test_wrong_codes_lock_the_code_for_a_while(clock, client, sam_device):
    device, _codes = sam_device
    sign_in(client)
    client.post(CODE, {"code": "000000"})

    # Right after a wrong code even the right one is refused, with when to try again...
    response = client.post(CODE, {"code": current_code(device)})
    assert response.status_code == 429
    assert "Too many wrong codes" in response.content.decode()
    assert " UTC (in " in response.content.decode()  # the time names its zone

    # ...and once the wait is over it is taken.
    clock.shift(3)
    response = client.post(CODE, {"code": current_code(device)})
    assert response.status_code == 302


def test_people_without_a_device_are_not_asked(client, coordinator_south_asia, staff_user):
    sign_in(client, "asha")
    assert client.get("/workspace/").status_code == 200
    client.post(reverse("accounts:logout"))
    sign_in(client, "sam")
    assert client.get("/admin/").status_code == 200  # STAFF_REQUIRE_OTP is off here


@pytest.fixture
def required(settings):
    settings.STAFF_REQUIRE_OTP = True


def test_when_required_staff_without_a_device_set_one_up_first(client, staff_user, required):
    sign_in(client)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fadmin%2F"

    page = client.get(SETUP + "?next=/admin/").content.decode()
    # The QR code is inline SVG, drawn with attributes (no style: CSP), and the key is written.
    assert re.search(r"<svg [^>]*class=\"segno\"", page)
    assert "style=" not in page
    secret = re.search(r'<code class="otp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    key = client.session[two_factor.SESSION_SETUP_KEY]  # the key on offer...
    assert two_factor.secret_for_typing(key) == secret  # ...is the one shown

    # A wrong code sets up nothing.
    response = client.post(SETUP, {"code": "123", "next": "/admin/"})
    assert "That code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff_user).exists()

    response = client.post(SETUP, {"code": f"{totp(bytes.fromhex(key)):06d}", "next": "/admin/"})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=staff_user, confirmed=True)
    assert device.key == key

    # The backup codes are shown once.
    page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    assert len(codes) == two_factor.BACKUP_CODES
    assert set(codes) == set(
        StaticDevice.objects.get(user=staff_user).token_set.values_list("token", flat=True)
    )
    assert "<li><code>" not in client.get(SETUP).content.decode()
    assert client.get("/admin/").status_code == 200

    # The next sign-in asks for the code.
    client.post(reverse("accounts:logout"))
    sign_in(client)
    assert client.get("/admin/")["Location"].startswith(CODE)


def test_when_required_coordinators_are_unaffected(client, coordinator_south_asia, required):
    sign_in(client, "asha")
    assert client.get("/workspace/").status_code == 200
    assert client.get(SETUP).status_code == 403  # and the set-up is for staff


def test_new_backup_codes_replace_the_old(client, staff_user, sam_device):
    device, codes = sam_device
    sign_in(client)
    client.post(CODE, {"code": current_code(device)})

    response = client.post(reverse("accounts:two_factor_backup_codes"))

    assert response.status_code == 302
    page = client.get(SETUP).content.decode()
    new = re.findall(r"<li><code>([a-z0-9]+)</code></li>", page)
    assert len(new) == two_factor.BACKUP_CODES
    assert not set(new) & set(codes)


def test_a_superuser_removes_a_persons_two_step_sign_in(client, superuser, staff_user, sam_device):
    client.force_login(superuser)
    changelist = reverse("admin:accounts_user_changelist")
    response = client.post(
        changelist, {"action": "remove_two_factor", "_selected_action": [staff_user.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff_user).exists()
    assert not StaticDevice.objects.filter(user=staff_user).exists()

    client.post(reverse("accounts:logout"))
    sign_in(client)
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_remove_it(client, staff_user, sam_device):
    other = sam_device[0].user
    client.force_login(staff_user)
    client.post(CODE, {"code": current_code(sam_device[0])})
    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert "remove_two_factor" not in page
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "remove_two_factor", "_selected_action": [other.pk]},
    )
    assert TOTPDevice.objects.filter(user=other).exists()


def test_the_code_gives_the_session_a_new_key(client, sam_device):
    # A session key seen between the password and the code (a shared computer, a log) must
    # not open what the code opens.
    device, _codes = sam_device
    sign_in(client)
    before = client.session.session_key

    assert client.post(CODE, {"code": current_code(device)}).status_code == 302

    assert client.session.session_key != before
    assert client.get("/admin/").status_code == 200  # the new key is the one that works
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    assert stale.get("/admin/").status_code == 302


# --- API tokens: a staff member's token is no way around the second factor ---------------------

RECORDS = "/api/v1/records/"


def api_status(token: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Token {token}").get(RECORDS).status_code


def test_a_staff_token_made_after_the_code_opens_the_api(csrf_client, sam_device, required):
    device, _codes = sam_device
    csrf_client.submit(LOGIN, {"username": "sam", "password": PASSWORD})
    csrf_client.submit(CODE, {"code": current_code(device)})

    page = csrf_client.submit(reverse("tokens:list"), {"name": "Reports", "days": "30"})

    assert page.status_code == 201
    assert ApiToken.objects.get().second_factor
    assert api_status(page.context["new_token"]) == 200


def test_the_token_page_waits_for_the_code(client, sam_device):
    sign_in(client)
    response = client.post(reverse("tokens:list"), {"name": "Reports", "days": "30"})
    assert response.status_code == 302
    assert response["Location"].startswith(CODE)
    assert not ApiToken.objects.exists()


def test_a_staff_token_made_without_the_code_opens_nothing_when_it_is_required(
    staff_user, settings
):
    # Made before STAFF_REQUIRE_OTP was turned on (or before the person had a device).
    token = token_create(user=staff_user, name="Old script", days=30)[1]
    assert api_status(token) == 200  # STAFF_REQUIRE_OTP off, no device: the password suffices
    settings.STAFF_REQUIRE_OTP = True
    assert api_status(token) == 401


def test_a_staff_token_made_before_setting_up_a_device_opens_nothing_after(staff_user):
    token = token_create(user=staff_user, name="Old script", days=30)[1]
    TOTPDevice.objects.create(user=staff_user, name="Authenticator app", confirmed=True)
    assert api_status(token) == 401


def test_a_coordinators_token_stops_when_they_become_staff(coordinator_south_asia, required):
    token = token_create(user=coordinator_south_asia, name="Sheet", days=30)[1]
    assert api_status(token) == 200  # coordinators are never asked for a code
    coordinator_south_asia.is_staff = True
    coordinator_south_asia.save(update_fields=["is_staff"])
    # Staff see every region's private contacts: not with a password-era token.
    assert api_status(token) == 401
