import re

import pytest

from affiliates.choices import Status
from affiliates.models import Affiliate
from tests.factories import SectorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_applicant_applies_on_a_phone_and_reads_the_reference(live_server, phone, south_asia):
    SectorFactory(name="Embroidery", slug="embroidery")
    page = phone
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Apply").click()

    page.get_by_label("Name of the organisation").fill("Lucknow Chikan Embroiderers")
    page.get_by_label("Country").select_option("IN")
    page.get_by_label("City or district").fill("Lucknow")
    page.get_by_label("Type of organisation").select_option("union")
    page.get_by_label("Sub-contracted (piece-rate) workers").check()
    page.get_by_label("Embroidery").check()
    page.get_by_label("What the organisation does").fill("Chikan embroiderers in a union.")
    page.get_by_label("Women members").fill("1800")
    page.locator("#id_members_men").fill("12")
    page.locator("#id_contact_name").fill("Rukhsana Begum")
    page.get_by_label("Contact email").fill("rukhsana@example.org")
    page.get_by_label("We declare that the organisation is membership-based").check()
    # Nothing on the form is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The honeypot is out of sight.
    assert not page.get_by_label("Leave this field empty").is_visible()
    page.get_by_role("button", name="Send the application").click()

    reference = page.locator("#reference").inner_text()
    assert re.fullmatch(r"HN-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    affiliate = Affiliate.objects.get(reference=reference)
    assert affiliate.status == Status.APPLIED
