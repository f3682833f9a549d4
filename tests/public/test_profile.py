"""/affiliates/<slug>/: the public profile."""

import json
import re

import pytest
from django.urls import reverse

from affiliates.choices import Status
from affiliates.services import affiliate_set_sectors
from tests.factories import AffiliateFactory, SectorFactory

pytestmark = pytest.mark.django_db


def url(affiliate) -> str:
    return reverse("affiliates:profile", args=[affiliate.slug])


def json_ld(response) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    )
    return json.loads(match.group(1))


def test_it_shows_the_public_record(client, south_asia):
    network = AffiliateFactory(region=south_asia, name="National Network India")
    affiliate = AffiliateFactory(
        region=south_asia, name="Sewa Union", acronym="SU", city="Ahmedabad", founded_year=1972,
        members_women=900, members_men=100, members_total=1000, members_year=2024,
        description="Organises home-based workers.", parent_network=network,
        has_self_employed_workers=True, languages="Gujarati", website="https://sewa.example.org",
    )  # fmt: skip
    affiliate_set_sectors(affiliate, [SectorFactory(name="Garments", slug="garments")])
    member = AffiliateFactory(region=south_asia, name="Sewa Local", parent_network=affiliate)
    AffiliateFactory(
        region=south_asia, name="Applying Local", parent_network=affiliate, status=Status.APPLIED
    )

    body = client.get(url(affiliate)).content.decode()

    for text in ["Sewa Union", "SU", "Ahmedabad", "1972", "900", "1,000", "2024", "Garments",
                 "Gujarati", "https://sewa.example.org", "National Network India", member.name,
                 "Self-employed workers", "HomeNet South Asia", "India"]:  # fmt: skip
        assert text in body, text
    assert "Applying Local" not in body


@pytest.mark.parametrize("status", [s for s in Status.values if s != Status.AFFILIATED])
def test_an_affiliate_that_is_not_public_reads_as_not_found(client, south_asia, status):
    hidden = AffiliateFactory(region=south_asia, status=status)

    response = client.get(url(hidden))

    assert response.status_code == 404
    assert client.get("/affiliates/no-such-organisation/").status_code == 404


def test_contacts_show_only_with_consent(client, south_asia):
    consenting = AffiliateFactory(
        region=south_asia, publish_contact=True, publish_contact_given_on="2024-01-01",
        public_email="yes@example.org", public_phone="+91 555 1234",
    )  # fmt: skip
    private = AffiliateFactory(
        region=south_asia, public_email="no@example.org", public_phone="+91 555 9999"
    )

    shown = client.get(url(consenting))
    hidden = client.get(url(private))

    assert "yes@example.org" in shown.content.decode()
    assert json_ld(shown)["email"] == "yes@example.org"
    for text in ["no@example.org", "555 9999", "private.person@example.org", "Private Person"]:
        assert text not in hidden.content.decode()
    assert "email" not in json_ld(hidden)


def test_it_describes_the_organisation_in_json_ld(client, south_asia):
    affiliate = AffiliateFactory(region=south_asia, name="Sewa Union", city="Ahmedabad")

    data = json_ld(client.get(url(affiliate)))

    assert data["@type"] == "Organization"
    assert data["name"] == "Sewa Union"
    assert data["address"]["addressCountry"] == "IN"
    assert data["url"].endswith(url(affiliate))


def test_no_name_can_break_out_of_the_json_ld(client, south_asia):
    name = "</script><script>alert(1)</script> & <!--"
    affiliate = AffiliateFactory(region=south_asia, name=name, slug="evil")

    response = client.get(url(affiliate))
    body = response.content.decode()

    assert "<script>alert(1)" not in body
    assert "\\u003C/script\\u003E" in body
    assert json_ld(response)["name"] == name


def test_a_profile_takes_a_fixed_number_of_queries(client, south_asia, django_assert_num_queries):
    affiliate = AffiliateFactory(region=south_asia)
    AffiliateFactory.create_batch(5, region=south_asia, parent_network=affiliate)

    # 1 the affiliate with its region, 2 its member organisations, 3 its sectors.
    with django_assert_num_queries(3):
        client.get(url(affiliate))
