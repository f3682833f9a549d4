from django.urls import reverse

from tests.factories import PASSWORD


def test_a_coordinator_signs_in_and_lands_in_the_workspace(csrf_client, coordinator_south_asia):
    client = csrf_client
    response = client.submit(reverse("accounts:login"), {"username": "asha", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("workspace:dashboard")
    assert client.get(reverse("workspace:dashboard")).status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client, coordinator_south_asia):
    response = client.post(reverse("accounts:login"), {"username": "asha", "password": "nope"})

    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_the_login_page_is_translated(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    assert 'lang="fr"' in response.content.decode()


def test_signing_out_takes_a_post_and_ends_the_session(csrf_client, coordinator_south_asia):
    client = csrf_client
    client.force_login(coordinator_south_asia)

    assert client.get(reverse("accounts:logout")).status_code == 405
    # The navigation's sign-out button, on any workspace page.
    response = client.submit(reverse("accounts:logout"), page=reverse("workspace:dashboard"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert client.get(reverse("workspace:dashboard")).status_code == 302


def test_the_navigation_offers_sign_out_as_a_form(client, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    html = client.get(reverse("workspace:dashboard")).content.decode()

    assert f'action="{reverse("accounts:logout")}"' in html
    assert 'method="post"' in html


def test_a_signed_in_user_changes_their_password(csrf_client, coordinator_south_asia):
    client = csrf_client
    client.force_login(coordinator_south_asia)

    response = client.submit(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase 42",
            "new_password2": "a brand new passphrase 42",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    coordinator_south_asia.refresh_from_db()
    assert coordinator_south_asia.check_password("a brand new passphrase 42")
