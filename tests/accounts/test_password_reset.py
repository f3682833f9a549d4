import re

from django.core import mail
from django.urls import reverse


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
