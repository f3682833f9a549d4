"""/accounts/language/: each person chooses the language of their mail and of their pages."""

import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
URL = "/accounts/language/"


def test_the_address_is_the_language_page():
    assert reverse("accounts:language") == URL


def test_a_coordinator_chooses_french_and_the_pages_follow(csrf_client, coordinator_south_asia):
    csrf_client.force_login(coordinator_south_asia)

    response = csrf_client.submit(URL, {"language": "fr"})

    assert response.status_code == 302
    coordinator_south_asia.refresh_from_db()
    assert coordinator_south_asia.language == "fr"
    page = csrf_client.get(response.url).content.decode()
    assert '<html lang="fr"' in page
    assert re.search(r'value="fr"[^>]*checked', page)


def test_the_sites_default_is_offered_and_chosen_until_someone_chooses(
    csrf_client, coordinator_south_asia
):
    coordinator_south_asia.language = "es"
    coordinator_south_asia.save()
    csrf_client.force_login(coordinator_south_asia)

    response = csrf_client.submit(URL, {"language": ""})

    coordinator_south_asia.refresh_from_db()
    assert coordinator_south_asia.language == ""
    assert coordinator_south_asia.preferred_language == "en"
    assert "The site&#x27;s default (English)" in csrf_client.get(response.url).content.decode()


def test_a_language_the_site_does_not_have_is_refused(client, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    response = client.post(URL, {"language": "de"})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    coordinator_south_asia.refresh_from_db()
    assert coordinator_south_asia.language == ""


def test_signing_in_opens_the_registry_in_ones_language(csrf_client, south_asia):
    UserFactory(username="lucia", language="es", coordinates=[south_asia])

    response = csrf_client.submit(
        reverse("accounts:login"), {"username": "lucia", "password": PASSWORD}
    )

    assert '<html lang="es"' in csrf_client.get(response.url).content.decode()


def test_signing_in_without_a_choice_leaves_the_language_alone(csrf_client, south_asia):
    UserFactory(username="nadia", coordinates=[south_asia])

    response = csrf_client.submit(
        reverse("accounts:login"), {"username": "nadia", "password": PASSWORD}
    )

    assert '<html lang="en"' in csrf_client.get(response.url).content.decode()
    assert "django_language" not in response.cookies


def test_staff_set_a_persons_language_in_the_admin(client, superuser, coordinator_south_asia):
    client.force_login(superuser)

    html = client.get(
        reverse("admin:accounts_user_change", args=[coordinator_south_asia.pk])
    ).content.decode()

    assert 'name="language"' in html
    assert '<option value="fr">French</option>' in html
