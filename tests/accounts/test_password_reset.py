import datetime as dt
import re

from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory


def test_a_coordinator_resets_a_forgotten_password_by_email(csrf_client, coordinator_south_asia):
    client = csrf_client
    response = client.submit(reverse("accounts:password_reset"), {"email": "asha@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["asha@example.org"]
    assert "HomeNet Registry" in message.subject
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", message.body).group(1)

    # The link redirects once to a URL without the token, then shows the form.
    form_url = client.get(link).url
    response = client.submit(
        form_url,
        {
            "new_password1": "another fine passphrase 7",
            "new_password2": "another fine passphrase 7",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    coordinator_south_asia.refresh_from_db()
    assert coordinator_south_asia.check_password("another fine passphrase 7")
    # The link works once.
    assert "expired" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def _ask(client, email, address="127.0.0.1"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_a_hundred_requests_for_one_address_send_three_mails_and_look_alike(
    client, clock, coordinator_south_asia
):
    answers = {
        (response.status_code, response.url)
        for response in (_ask(client, "asha@example.org", f"192.0.2.{n}") for n in range(100))
    }

    assert answers == {(302, reverse("accounts:password_reset_done"))}
    assert len(mail.outbox) == 3
    # The same address in other letters is the same address.
    _ask(client, "ASHA@Example.org ", "198.51.100.1")
    assert len(mail.outbox) == 3


def test_one_client_address_sends_at_most_ten_mails_an_hour(client, clock, db):
    for n in range(12):
        UserFactory(username=f"person{n}")

    answers = {
        (response.status_code, response.url)
        for response in (_ask(client, f"person{n}@example.org") for n in range(12))
    }

    assert answers == {(302, reverse("accounts:password_reset_done"))}
    assert len(mail.outbox) == 10
    assert {m.to[0] for m in mail.outbox} == {f"person{n}@example.org" for n in range(10)}


def test_the_limit_counts_per_hour(client, clock, coordinator_south_asia):
    for _ in range(4):
        _ask(client, "asha@example.org")
    assert len(mail.outbox) == 3

    clock.shift(dt.timedelta(hours=1))
    _ask(client, "asha@example.org")

    assert len(mail.outbox) == 4
