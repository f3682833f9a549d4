"""400, 403, 404, 429 and 500: the site's layout, in the visitor's language, with a way onward."""

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from core import errors
from tests.factories import AffiliateFactory

ONWARD = ['role="search"', 'name="q"', 'href="/"']


def assert_site_page(body: str, language: str) -> None:
    assert f'<html lang="{language}"' in body
    assert 'class="navbar-brand"' in body  # the site's navigation
    for part in ONWARD:
        assert part in body


@pytest.mark.django_db
def test_a_missing_page_is_the_sites_in_french(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 404
    body = response.content.decode()
    assert_site_page(body, "fr")
    assert "Page non trouvée" in body or "Page not found" in body  # as translated, or not yet


@pytest.mark.django_db
def test_a_suspended_affiliates_bookmarked_profile_is_a_404_page(client):
    affiliate = AffiliateFactory(status="suspended")

    response = client.get(f"/affiliates/{affiliate.slug}/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 404
    assert_site_page(response.content.decode(), "es")


@pytest.mark.django_db
def test_a_coordinator_refused_a_staff_page_gets_the_sites_403(client, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    response = client.get("/staff/stats/", HTTP_ACCEPT_LANGUAGE="ur")

    assert response.status_code == 403
    body = response.content.decode()
    assert_site_page(body, "ur")
    assert 'dir="rtl"' in body


@pytest.mark.django_db
def test_a_bad_request_gets_the_sites_400(client):
    response = client.get("/", HTTP_HOST="not-allowed.example", HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 400
    assert_site_page(response.content.decode(), "fr")


@pytest.mark.django_db
def test_a_form_sent_without_its_token_gets_the_sites_403():
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/"}, HTTP_ACCEPT_LANGUAGE="ur"
    )

    assert response.status_code == 403
    body = response.content.decode()
    assert_site_page(body, "ur")
    assert 'dir="rtl"' in body
    assert response.context["csrf_reason"]


@pytest.mark.django_db
def test_too_many_status_look_ups_get_the_sites_429(client, settings):
    settings.STATUS_RATE_LIMIT = 1
    for n in range(2):
        response = client.post(
            "/apply/status/",
            {"reference": f"HN-AAAA-BBB{n}", "email": "x@example.org"},
            HTTP_ACCEPT_LANGUAGE="th",
        )

    assert response.status_code == 429
    assert_site_page(response.content.decode(), "th")


def test_the_500_page_needs_no_database():
    # No django_db mark: any query here would raise (pytest-django blocks the database).
    request = RequestFactory().get("/anything/")
    with translation.override("hi"):
        response = errors.server_error(request)

    assert response.status_code == 500
    body = response.content.decode()
    assert_site_page(body, "hi")
    assert "csrfmiddlewaretoken" not in body  # no language form without a token


def test_the_handlers_are_the_sites():
    from homenet import urls

    assert urls.handler400 is errors.bad_request
    assert urls.handler403 is errors.permission_denied
    assert urls.handler404 is errors.page_not_found
    assert urls.handler500 is errors.server_error
