"""/apply/: the public application form, its rules, its protections and its emails."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from affiliates.choices import Status
from affiliates.models import Affiliate
from tests.applications.conftest import PDF, pdf_of_size
from tests.factories import AffiliateFactory, UserFactory

# Rate limits count per clock hour (a test must not straddle two) and the founding year may
# not be in the future.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
URL = "/apply/"


def test_the_form_renders_for_anyone(client, south_asia):
    response = client.get(URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert 'name="declaration"' in content
    # The honeypot is there, hidden by CSS and out of the tab order.
    assert "hn-trap" in content
    assert 'tabindex="-1"' in content


def test_an_application_is_recorded_as_applied_with_its_reference(
    csrf_client, application, coordinator_south_asia, django_capture_on_commit_callbacks
):
    client = csrf_client
    with django_capture_on_commit_callbacks(execute=True):
        response = client.submit(URL, application)

    assert response.status_code == 302
    assert response.url == reverse("applications:thanks")
    affiliate = Affiliate.objects.get(name=application["name"])
    assert affiliate.status == Status.APPLIED
    assert affiliate.region.short_name == "HNSA"
    assert (affiliate.members_women, affiliate.members_men) == (1800, 12)
    assert affiliate.declarations.count() == 1
    assert list(affiliate.status_changes.values_list("from_status", "to_status")) == [
        ("", "applied")
    ]
    assert affiliate.sectors.get().name == "Embroidery"

    thanks = client.get(response.url)
    assert affiliate.reference in thanks.content.decode()

    to = sorted(message.to[0] for message in mail.outbox)
    assert to == ["asha@example.org", "rukhsana@example.org"]
    applicant = next(m for m in mail.outbox if m.to == ["rukhsana@example.org"])
    assert affiliate.reference in applicant.subject
    assert affiliate.reference in applicant.body
    assert "/apply/status/" in applicant.body
    coordinator = next(m for m in mail.outbox if m.to == ["asha@example.org"])
    assert f"/workspace/applications/{affiliate.reference}/" in coordinator.body
    assert "Lucknow Chikan Embroiderers' Union (India)" in coordinator.subject  # not escaped


def test_the_emails_are_in_the_applicants_language(
    client, application, coordinator_south_asia, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, application, headers={"accept-language": "fr"})

    affiliate = Affiliate.objects.get(name=application["name"])
    assert affiliate.language == "fr"
    with translation.override("fr"):
        month = date_format(affiliate.created_at, "F")
    with translation.override("en"):
        english_month = date_format(affiliate.created_at, "F")
    assert month != english_month
    applicant = next(m for m in mail.outbox if m.to == ["rukhsana@example.org"])
    assert applicant.extra_headers["Content-Language"] == "fr"
    assert month in applicant.body
    # The coordinator chose no language: the site's default, whatever the applicant's.
    coordinator = next(m for m in mail.outbox if m.to == ["asha@example.org"])
    assert coordinator.extra_headers["Content-Language"] == "en"
    assert "Review it here:" in coordinator.body


def test_each_coordinator_reads_the_news_in_their_own_language(
    client, application, south_asia, django_capture_on_commit_callbacks
):
    UserFactory(username="amelie", language="fr", coordinates=[south_asia])
    UserFactory(username="lucia", language="es", coordinates=[south_asia])
    UserFactory(username="asha", coordinates=[south_asia])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, application, headers={"accept-language": "en"})

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == [
        "amelie@example.org",
        "asha@example.org",
        "lucia@example.org",
        "rukhsana@example.org",
    ]
    expected = {
        "amelie@example.org": ("fr", "Examinez-la ici :"),
        "lucia@example.org": ("es", "Revísela aquí:"),
        "asha@example.org": ("en", "Review it here:"),
    }
    for address, (language, text) in expected.items():
        assert by_address[address].extra_headers["Content-Language"] == language
        assert text in by_address[address].body
    assert by_address["rukhsana@example.org"].extra_headers["Content-Language"] == "en"


def test_the_covered_countries_come_first(client, south_asia, africa):
    html = client.get(URL).content.decode()

    select = re.search(r'<select name="country".*?</select>', html, re.S).group()
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _options in groups] == [
        "Countries with a regional network",
        "Other countries",
    ]
    covered = re.findall(r'<option value="([A-Z]{2})"', groups[0][1])
    assert covered == ["IN", "KE", "NP", "ZA"]  # by name: India, Kenya, Nepal, South Africa
    others = re.findall(r'<option value="([A-Z]{2})"', groups[1][1])
    assert "BR" in others and not set(covered) & set(others)
    assert "write to the international office" in html


def test_the_kinds_of_workers_are_grouped_under_a_legend(client, south_asia):
    html = client.get(URL).content.decode()

    # The group's own fieldset (inside the form's), its legend first, up to its end.
    group = re.search(
        r"<fieldset[^>]*>\s*<legend[^>]*>\s*Members are\b.*?</legend>(.*?)</fieldset>", html, re.S
    )
    assert group
    assert group.group(1).count('name="worker_categories"') == 2


def test_a_country_no_region_covers_gets_a_clear_message(client, application):
    response = client.post(URL, {**application, "country": "BR"})

    assert response.status_code == 200
    assert "No regional network of HomeNet covers Brazil yet" in response.content.decode()
    assert not Affiliate.objects.exists()


def test_the_same_organisation_cannot_apply_twice(client, application, south_asia):
    AffiliateFactory(region=south_asia, country="IN", name="Lucknow Chikan Embroiderers' Union")

    response = client.post(URL, {**application, "name": "lucknow chikan  embroïderers' union"})

    content = response.content.decode()
    assert "has already applied or is registered" in content
    assert 'href="/apply/status/"' in content
    assert Affiliate.objects.count() == 1


@pytest.mark.parametrize(
    "disguised",
    [
        "Lucknow Chikan\u200b Embroiderers' Union",  # zero-width space
        "Lucknow Chi\u00adkan Embroiderers' Union",  # soft hyphen
        "Lucknow Chikаn Embroiderers' Union",  # a Cyrillic а
        "\u202eLucknow Chikan Embroiderers' Union",  # right-to-left override
    ],
)
def test_a_disguised_copy_of_a_name_cannot_apply(client, application, south_asia, disguised):
    AffiliateFactory(region=south_asia, country="IN", name="Lucknow Chikan Embroiderers' Union")

    response = client.post(URL, {**application, "name": disguised})

    assert "has already applied or is registered" in response.content.decode()
    assert Affiliate.objects.count() == 1


def test_an_application_is_recorded_without_invisible_characters(client, application):
    response = client.post(URL, {**application, "name": "Sewa\u200b \u202eMahila\ufeff"})

    assert response.status_code == 302
    assert Affiliate.objects.get().name == "Sewa Mahila"


def test_the_same_name_in_another_country_is_another_organisation(client, application, south_asia):
    AffiliateFactory(region=south_asia, country="NP", name=application["name"])

    response = client.post(URL, application)

    assert response.status_code == 302


def test_a_filled_honeypot_is_refused_and_nothing_recorded(client, application):
    response = client.post(URL, {**application, "fax": "http://spam.example"})

    assert response.status_code == 400
    assert "could not be accepted" in response.content.decode()
    assert not Affiliate.objects.exists()
    assert mail.outbox == []


def test_a_few_applications_per_address_per_hour(client, application, settings):
    settings.APPLY_RATE_LIMIT = 2
    for n in range(2):
        response = client.post(URL, {**application, "name": f"Group {n}"})
        assert response.status_code == 302

    response = client.post(URL, {**application, "name": "Group 3"})

    assert response.status_code == 429
    assert "Too many different organisation names" in response.content.decode()
    assert Affiliate.objects.count() == 2
    # Another address is not held back by the first one.
    other = client.post(URL, {**application, "name": "Group 4"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302


def test_name_checks_count_against_the_limit_so_the_form_is_no_oracle(client, south_asia, settings):
    settings.APPLY_RATE_LIMIT = 3
    AffiliateFactory(region=south_asia, country="IN", name="Quiet Union", status=Status.SUSPENDED)
    # Just a name and a country: enough to learn whether an organisation is on record.
    probes = ["Quiet Union", "Nobody Here", "Quiet Union", "Another One"]
    answers = [client.post(URL, {"name": name, "country": "IN"}) for name in probes]
    taken = ["has already applied or is registered" in a.content.decode() for a in answers]
    assert taken == [True, False, True, False]

    response = client.post(URL, {"name": "Silent Union", "country": "IN"})

    assert response.status_code == 429
    body = response.content.decode()
    assert "Too many different organisation names" in body
    assert "already applied" not in body and "This field is required" not in body
    # A name answered already this hour costs nothing more: asking again says the same.
    again = client.post(URL, {"name": "Quiet Union", "country": "IN"})
    assert "has already applied or is registered" in again.content.decode()


def test_probing_six_different_taken_names_is_limited(csrf_client, south_asia, settings):
    settings.APPLY_RATE_LIMIT = 5
    names = [f"Known Union {n}" for n in range(6)]
    for name in names:
        AffiliateFactory(region=south_asia, country="IN", name=name)
    answers = [csrf_client.submit(URL, {"name": name, "country": "IN"}) for name in names]

    assert [a.status_code for a in answers] == [200] * 5 + [429]
    assert all("has already applied" in a.content.decode() for a in answers[:5])
    assert "has already applied" not in answers[5].content.decode()


def test_a_person_correcting_their_own_mistakes_is_never_locked_out(
    csrf_client, application, settings
):
    settings.APPLY_RATE_LIMIT = 5
    for _attempt in range(6):
        refused = csrf_client.submit(URL, {**application, "contact_email": ""})
        assert refused.status_code == 200
        assert "This field is required" in refused.content.decode()

    response = csrf_client.submit(URL, application)

    assert response.status_code == 302
    assert Affiliate.objects.get().name == application["name"]


def test_the_limits_page_keeps_what_was_typed(csrf_client, application, settings):
    settings.APPLY_RATE_LIMIT = 1
    csrf_client.submit(URL, {**application, "name": "First Try Union"})

    response = csrf_client.submit(URL, {**application, "name": "Second Try Union"})

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many different organisation names" in html
    assert "send it again in an hour" in html
    for typed in ("Second Try Union", "Lucknow", "rukhsana@example.org", "Chikan embroiderers"):
        assert typed in html
    assert 'value="1800"' in html
    assert 'value="piece_rate" checked' in html or re.search(
        r'value="piece_rate"[^>]*checked', html
    )
    assert Affiliate.objects.count() == 1


def test_a_form_sent_without_a_name_is_not_counted(client, application, settings):
    settings.APPLY_RATE_LIMIT = 1
    client.post(URL, {**application, "name": ""})

    assert client.post(URL, application).status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, application, settings):
    settings.APPLY_RATE_LIMIT = 1
    client.post(URL, {**application, "name": "Group 1"})

    response = client.post(
        URL, {**application, "name": "Group 2"}, headers={"x-forwarded-for": "198.51.100.7"}
    )

    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, application, settings):
    settings.APPLY_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(URL, {**application, "name": "Group 1"}, headers={"x-forwarded-for": "1.1.1.1"})

    other = client.post(
        URL, {**application, "name": "Group 2"}, headers={"x-forwarded-for": "2.2.2.2"}
    )
    same = client.post(
        URL,
        {**application, "name": "Group 3"},
        headers={"x-forwarded-for": "9.9.9.9, 1.1.1.1"},
    )

    assert other.status_code == 302
    assert same.status_code == 429


def test_a_pdf_document_is_kept_under_a_name_of_our_own(client, application):
    upload = SimpleUploadedFile("my constitution.pdf", PDF, content_type="application/pdf")

    response = client.post(URL, {**application, "document": upload})

    assert response.status_code == 302
    affiliate = Affiliate.objects.get()
    assert affiliate.document.name.startswith("documents/")
    assert "constitution" not in affiliate.document.name


def test_a_renamed_program_is_refused(client, application):
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    upload = SimpleUploadedFile("constitution.pdf", exe, content_type="application/pdf")

    response = client.post(URL, {**application, "document": upload})

    assert "This file is not a PDF document" in response.content.decode()
    assert not Affiliate.objects.exists()


def test_a_pdf_over_five_megabytes_is_refused(client, application):
    upload = SimpleUploadedFile("rules.pdf", pdf_of_size(6 * 1024 * 1024))

    response = client.post(URL, {**application, "document": upload})

    assert "larger than 5 MB" in response.content.decode()
    assert not Affiliate.objects.exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("declaration", "", "Tick the box to declare that the organisation is membership-based"),
        ("worker_categories", [], "Choose one or both kinds of workers."),
        ("founded_year", "2999", "cannot be in the future"),
        ("members_women", "-3", "greater than or equal to 0"),
        ("contact_email", "not-an-address", "Enter a valid email address."),
        ("registration_number", "REG-1", "goes with a legally registered organisation"),
    ],
)
def test_bad_answers_are_explained(client, application, field, value, message):
    response = client.post(URL, {**application, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Affiliate.objects.exists()


def test_the_thanks_page_needs_an_application(client):
    response = client.get(reverse("applications:thanks"))

    assert response.status_code == 302
    assert response.url == URL
