"""/apply/status/: the applicant sees where the application stands, and nobody else does."""

import re

import pytest

from affiliates.choices import Status
from affiliates.models import REFERENCE_ALPHABET, new_reference
from affiliates.rules import normalise_reference
from affiliates.services.lifecycle import affiliate_transition
from tests.factories import AffiliateFactory

# Failed look-ups are counted per clock hour: a test must not straddle two.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
URL = "/apply/status/"


@pytest.fixture
def applied(south_asia, coordinator_south_asia):
    affiliate = AffiliateFactory(
        region=south_asia, status=Status.APPLIED, contact_email="Rukhsana@example.org"
    )
    affiliate.status_changes.create(from_status="", to_status=Status.APPLIED)
    affiliate_transition(
        affiliate=affiliate,
        action="recommend",
        actor=coordinator_south_asia,
        comment="Known to the region: a strong union.",
        comment_is_public=True,
    )
    return affiliate


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_right_pair_shows_the_status_and_public_history(csrf_client, applied):
    response = csrf_client.submit(
        URL, {"reference": applied.reference.lower(), "email": "rukhsana@EXAMPLE.org"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Recommended by the region" in content
    assert "Known to the region: a strong union." in content
    # Reviewers' names are not part of the public history.
    assert "asha" not in content


@pytest.mark.parametrize(
    "typed", ["hn 7k3m q9px", "HN7K3MQ9PX", "hn-7k3m-q9px", " HN--7K3M  Q9PX "]
)
def test_the_reference_may_be_typed_without_dashes_or_capitals(client, applied, typed):
    applied.reference = "HN-7K3M-Q9PX"
    applied.save()

    response = client.post(URL, {"reference": typed, "email": applied.contact_email})

    assert "Recommended by the region" in response.content.decode()


@pytest.mark.parametrize("typed", ["HN-7K3M-Q9PO", "hn-7k3m-q9po", "HN-7K3M-Q9P0"])
def test_o_is_read_as_zero_and_i_and_l_as_one(client, applied, typed):
    applied.reference = "HN-7K3M-Q9P0"
    applied.save()
    other = AffiliateFactory(
        region=applied.region,
        status=Status.APPLIED,
        reference="HN-1K3M-Q9P1",
        contact_email="x@example.org",
    )

    found = client.post(URL, {"reference": typed, "email": applied.contact_email})
    found_too = client.post(URL, {"reference": "hn-Ik3m-q9pL", "email": other.contact_email})

    assert applied.name in found.content.decode()
    assert other.name in found_too.content.decode()


def test_every_reference_made_reads_back_as_itself_and_look_alikes_are_refused():
    references = {new_reference() for _ in range(200)}
    assert {normalise_reference(r) for r in references} == references
    assert {normalise_reference(r.lower().replace("-", "")) for r in references} == references
    # Every digit of the alphabet, and the letters read as digits.
    assert normalise_reference("HN" + REFERENCE_ALPHABET[:8]) == "HN-0123-4567"
    assert normalise_reference("HN" + REFERENCE_ALPHABET[-8:]) == "HN-RSTV-WXYZ"
    assert normalise_reference("hn-oil0-lioo") == "HN-0110-1100"
    for wrong in ["", "HN-7K3M-Q9P", "HN-7K3M-Q9PXX", "HN-7K3M-Q9PU", "7K3M-Q9PX", "HN-7K3M-Q9P*"]:
        assert normalise_reference(wrong) is None, wrong


def test_something_that_is_no_reference_is_explained(client, applied):
    response = client.post(URL, {"reference": "HN-7K3M-Q9", "email": applied.contact_email})

    assert "A reference has eight letters and digits after HN" in response.content.decode()


def test_a_private_comment_stays_private(client, applied, staff_user):
    affiliate_transition(
        affiliate=applied,
        action="reject",
        actor=staff_user,
        comment="Internal: looks like a company.",
        comment_is_public=False,
    )

    response = client.post(URL, {"reference": applied.reference, "email": applied.contact_email})

    content = response.content.decode()
    assert "Rejected" in content
    assert "Internal: looks like a company." not in content


def test_a_wrong_email_reads_like_an_unknown_reference(client, applied):
    wrong_email = client.post(URL, {"reference": applied.reference, "email": "x@example.org"})
    unknown = client.post(URL, {"reference": "HN-AAAA-BBBB", "email": applied.contact_email})

    assert wrong_email.status_code == unknown.status_code == 200
    assert "We found no application" in without_csrf(wrong_email)
    assert without_csrf(wrong_email).replace(applied.reference, "HN-AAAA-BBBB") == without_csrf(
        unknown
    ).replace(applied.contact_email, "x@example.org")
    assert applied.name not in without_csrf(wrong_email)


def test_guesses_are_rate_limited(client, applied, settings):
    settings.STATUS_RATE_LIMIT = 3
    for n in range(3):
        client.post(URL, {"reference": f"HN-AAAA-BBB{n}", "email": applied.contact_email})

    # Even the right pair waits: the address has used up its guesses.
    response = client.post(URL, {"reference": applied.reference, "email": applied.contact_email})

    assert response.status_code == 429


def test_looking_up_successfully_costs_no_guess(client, applied, settings):
    settings.STATUS_RATE_LIMIT = 1
    for _ in range(3):
        response = client.post(
            URL, {"reference": applied.reference, "email": applied.contact_email}
        )
        assert response.status_code == 200
