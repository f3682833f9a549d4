"""API tokens: made on a page, shown once, stored hashed, expiring, revoked by owner or staff."""

import datetime as dt
import hashlib

import pytest
import time_machine
from django.urls import reverse

from accounts.models import ApiToken
from tests.api.conftest import token_for
from tests.clock import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_a_token_is_shown_once_and_stored_hashed(csrf_client, coordinator_south_asia):
    csrf_client.force_login(coordinator_south_asia)
    page = csrf_client.submit(reverse("tokens:list"), {"name": "My spreadsheet", "days": "90"})
    assert page.status_code == 201
    token = page.context["new_token"]
    row = ApiToken.objects.get()
    assert row.name == "My spreadsheet"
    assert token not in str(row.__dict__)
    assert row.digest == hashlib.sha256(token.encode()).hexdigest()
    assert row.expires_at - NOW >= dt.timedelta(days=89)
    # Listed afterwards by name and prefix, never in full.
    again = csrf_client.get(reverse("tokens:list")).content.decode()
    assert "My spreadsheet" in again and token not in again


def test_the_token_opens_the_api_and_records_its_last_use(api, coordinator_south_asia):
    token = token_for(coordinator_south_asia)
    response = api.get("/api/v1/records/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", ["Token hn_nothing_here", "Token", "Token a b"])
def test_a_wrong_token_is_a_401(api, header, coordinator_south_asia):
    response = api.get("/api/v1/records/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_wrong_tokens_count_against_the_address_s_rate(api, settings, coordinator_south_asia):
    # Otherwise a guesser would get an unthrottled 401 (and a query) for every try.
    settings.API_THROTTLE_RATES = {"anon": "2/minute", "token": "5/minute"}
    statuses = [
        api.get("/api/v1/records/", HTTP_AUTHORIZATION=f"Token hn_{n:012x}_guess").status_code
        for n in range(3)
    ]
    assert statuses == [401, 401, 429]
    # A valid token is counted on its own, not against the address.
    token = token_for(coordinator_south_asia)
    assert api.get("/api/v1/records/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


def test_no_token_is_a_401_on_token_endpoints(api, db):
    assert api.get("/api/v1/records/").status_code == 401


def test_a_session_cookie_does_not_open_the_api(client, coordinator_south_asia):
    client.force_login(coordinator_south_asia)
    assert client.get("/api/v1/records/").status_code == 401


def test_an_expired_token_is_refused(api, coordinator_south_asia):
    token = token_for(coordinator_south_asia)
    with time_machine.travel(NOW + dt.timedelta(days=31)):
        response = api.get("/api/v1/records/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401


def test_a_deactivated_account_s_token_is_refused(api, coordinator_south_asia):
    token = token_for(coordinator_south_asia)
    coordinator_south_asia.is_active = False
    coordinator_south_asia.save()
    assert api.get("/api/v1/records/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_the_owner_revokes_a_token(csrf_client, api, coordinator_south_asia):
    token = token_for(coordinator_south_asia)
    csrf_client.force_login(coordinator_south_asia)
    row = ApiToken.objects.get()
    response = csrf_client.submit(
        reverse("tokens:revoke", args=[row.pk]), {}, page=reverse("tokens:list")
    )
    assert response.status_code == 302
    assert api.get("/api/v1/records/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 401


def test_nobody_revokes_another_person_s_token_on_the_page(
    client, coordinator_south_asia, coordinator_africa
):
    token_for(coordinator_africa)
    client.force_login(coordinator_south_asia)
    row = ApiToken.objects.get()
    response = client.post(reverse("tokens:revoke", args=[row.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.exists()


def test_staff_revoke_anybody_s_token_in_the_admin(client, staff_user, coordinator_africa):
    token_for(coordinator_africa)
    row = ApiToken.objects.get()
    client.force_login(staff_user)
    url = reverse("admin:accounts_apitoken_delete", args=[row.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name(csrf_client, coordinator_south_asia):
    csrf_client.force_login(coordinator_south_asia)
    page = csrf_client.submit(reverse("tokens:list"), {"name": "  ", "days": "90"})
    assert page.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_token_list_shows_times_in_the_locale_naming_their_zone(client, coordinator_south_asia):
    coordinator_south_asia.time_zone = "Asia/Kathmandu"
    coordinator_south_asia.save(update_fields=["time_zone"])
    token_for(coordinator_south_asia)
    client.force_login(coordinator_south_asia)

    body = client.get(reverse("tokens:list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    # Made at 12:00 UTC, 17:45 in Kathmandu; it expires 30 days later.
    assert '<time datetime="2026-06-15T17:45:00+05:45">' in body
    assert '<bdi dir="ltr">+0545</bdi>' in body
    assert "15 juillet 2026" in body
    assert "2026-06-15 17:45" not in body


def test_the_lifetimes_are_offered_in_the_pages_language(client, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    french = client.get(reverse("tokens:list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    urdu = client.get(reverse("tokens:list"), HTTP_ACCEPT_LANGUAGE="ur").content.decode()

    # Built at import, they stayed in the language the process started in.
    assert ">90 jours</option>" in french
    assert ">90 دن</option>" in urdu
