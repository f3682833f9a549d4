"""A form posted after the session expired is not lost: after signing in again, the same
person finds it filled in as they had typed it, and saves it again themselves."""

import datetime as dt

import pytest
from django.urls import reverse

from affiliates.models import MembershipDeclaration
from tests.clock import YEAR
from tests.factories import PASSWORD, AffiliateFactory, UserFactory
from tests.workspace.test_affiliate_edit import form_data
from tests.workspace.test_declarations import table_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

LOGIN = reverse("accounts:login")
RESTORED = "You were signed out; here is what you had typed"


@pytest.fixture
def union(south_asia):
    return AffiliateFactory(region=south_asia, name="A Union")


def table_url():
    return reverse("workspace:declarations", args=[YEAR])


def sign_in(client, username):
    response = client.submit(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return response


@pytest.fixture
def typed_then_expired(clock, csrf_client, coordinator_south_asia, union):
    """Asha opens the table, types for 31 minutes, presses Save: sent to sign in again."""
    sign_in(csrf_client, "asha")
    data = table_form(csrf_client.get(table_url()))
    data |= {"rows-0-women": "123", "rows-0-men": "45", "rows-0-total": "170"}
    clock.shift(dt.timedelta(minutes=31))

    response = csrf_client.post(table_url(), data)

    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert "next=" in response.url
    return csrf_client


def test_signing_in_again_gives_back_the_typed_declarations(typed_then_expired, union):
    client = typed_then_expired
    assert not MembershipDeclaration.objects.exists()  # nothing saved yet

    login_page = client.get(LOGIN + "?next=" + table_url())
    assert "Your session has expired" in login_page.content.decode()
    response = client.submit(LOGIN, {"username": "asha", "password": PASSWORD, "next": table_url()})
    assert response.url == table_url()
    page = client.get(response.url)

    html = page.content.decode()
    assert RESTORED in html
    assert 'value="123"' in html and 'value="45"' in html and 'value="170"' in html
    assert not MembershipDeclaration.objects.exists()  # still nothing saved: they check first

    # Saving again, from the page as shown, records the figures.
    saved = client.post(table_url(), table_form(page))
    assert saved.status_code == 302
    declaration = MembershipDeclaration.objects.get(affiliate=union, year=YEAR)
    assert (declaration.women, declaration.men, declaration.total) == (123, 45, 170)

    # Given back once: opening the table again shows the saved figures, without the message.
    assert RESTORED not in client.get(table_url()).content.decode()


def test_given_back_once_only(typed_then_expired):
    client = typed_then_expired
    sign_in(client, "asha")

    assert RESTORED in client.get(table_url()).content.decode()
    again = client.get(table_url()).content.decode()
    assert RESTORED not in again
    assert 'value="123"' not in again


def test_another_person_signing_in_on_that_browser_does_not_see_it(typed_then_expired, south_asia):
    UserFactory(username="ravi", coordinates=[south_asia])
    client = typed_then_expired
    sign_in(client, "ravi")

    html = client.get(table_url()).content.decode()
    assert RESTORED not in html
    assert 'value="123"' not in html


def test_the_affiliate_form_is_given_back_too(clock, csrf_client, coordinator_south_asia, union):
    edit = reverse("workspace:affiliate_edit", args=[union.slug])
    sign_in(csrf_client, "asha")
    page = csrf_client.get(edit)
    assert page.status_code == 200
    data = form_data(union, contact_name="Someone Typed Here")
    data["csrfmiddlewaretoken"] = page.context["csrf_token"]
    clock.shift(dt.timedelta(minutes=31))

    assert csrf_client.post(edit, data).url.startswith(LOGIN)
    sign_in(csrf_client, "asha")

    html = csrf_client.get(edit).content.decode()
    assert RESTORED in html
    assert "Someone Typed Here" in html
    union.refresh_from_db()
    assert union.contact_name != "Someone Typed Here"


def test_a_post_without_the_forms_token_is_not_kept(clock, csrf_client, coordinator_south_asia):
    # Another site cannot plant figures for Asha to find after she signs in.
    sign_in(csrf_client, "asha")
    clock.shift(dt.timedelta(minutes=31))

    assert csrf_client.post(table_url(), {"rows-0-women": "999"}).status_code == 403
    sign_in(csrf_client, "asha")

    html = csrf_client.get(table_url()).content.decode()
    assert RESTORED not in html
    assert 'value="999"' not in html
