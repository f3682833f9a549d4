import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from affiliates.choices import OrganisationType, Status
from affiliates.models import Affiliate, StatusChange
from affiliates.services import affiliate_create, declaration_record
from affiliates.services import affiliates as services  # where new affiliates get a slug
from tests.clock import TODAY, YEAR
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db


def create(**overrides):
    fields = {
        "name": "Mahila Sewa Sangh",
        "country": "IN",
        "organisation_type": OrganisationType.UNION,
        "has_piece_rate_workers": True,
    }
    fields.update(overrides)
    return affiliate_create(**fields)


def test_it_places_the_affiliate_in_the_region_covering_its_country(south_asia, africa):
    affiliate = create(country="KE")

    assert affiliate.region == africa
    assert affiliate.status == Status.APPLIED
    assert affiliate.slug == "mahila-sewa-sangh"
    assert affiliate.reference.startswith("HN-")
    assert StatusChange.objects.get(affiliate=affiliate).to_status == Status.APPLIED


def test_it_refuses_a_country_no_region_covers(south_asia):
    with pytest.raises(ValidationError) as error:
        create(country="FR")

    assert "No regional network covers this country" in str(error.value.message_dict["country"])
    assert not Affiliate.objects.exists()


@pytest.mark.parametrize(
    "same_name",
    ["Mahila Sewa Sangh", "  mahila   SEWA sangh ", "Mahíla Séwa Sangh", "MahilaSewaSangh"],
)
def test_it_refuses_the_same_name_in_the_same_country(south_asia, same_name):
    create()

    with pytest.raises(ValidationError) as error:
        create(name=same_name)

    assert "already registered in this country" in str(error.value)
    assert Affiliate.objects.count() == 1


def test_the_same_name_is_allowed_in_another_country(south_asia):
    create(country="IN")
    create(country="NP")

    assert Affiliate.objects.count() == 2


def test_the_database_itself_refuses_a_duplicate_name(south_asia):
    first = create()
    duplicate = Affiliate(
        name="MAHILA sewa sangh",
        slug="other-slug",
        country="IN",
        region=first.region,
        organisation_type=OrganisationType.UNION,
        has_piece_rate_workers=True,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_it_refuses_a_region_that_does_not_cover_the_country(south_asia, africa):
    affiliate = AffiliateFactory(region=south_asia, country="IN")
    affiliate.region = africa

    with pytest.raises(ValidationError) as error:
        affiliate.full_clean()

    assert "is not covered by this regional network" in str(error.value.message_dict["region"])


def test_it_refuses_a_founding_year_in_the_future(clock, south_asia):
    assert create(founded_year=YEAR).founded_year == YEAR

    with pytest.raises(ValidationError) as error:
        create(name="Next Year's Union", founded_year=YEAR + 1)

    assert "cannot be in the future" in str(error.value.message_dict["founded_year"])


def test_it_needs_at_least_one_worker_category(south_asia):
    with pytest.raises(ValidationError) as error:
        create(has_piece_rate_workers=False, has_self_employed_workers=False)

    assert "piece-rate workers, self-employed, or both" in str(error.value)


def test_it_refuses_an_unknown_status(south_asia):
    with pytest.raises(ValidationError) as error:
        create(status="dormant")

    assert "status" in error.value.message_dict


def test_consent_to_publish_is_dated(clock, south_asia):
    affiliate = create(publish_contact=True, public_email="info@example.org")

    assert affiliate.publish_contact_given_on == TODAY


def test_a_declaration_updates_the_current_figures(south_asia):
    affiliate = AffiliateFactory(region=south_asia)

    declaration_record(affiliate=affiliate, year=2023, women=80, men=5)
    declaration_record(affiliate=affiliate, year=2024, women=120, men=10, total=140)
    declaration_record(affiliate=affiliate, year=2022, women=60, men=2)

    affiliate.refresh_from_db()
    assert (affiliate.members_women, affiliate.members_men, affiliate.members_total) == (
        120,
        10,
        140,
    )
    assert affiliate.members_year == 2024


def test_recording_a_year_again_corrects_it(south_asia):
    affiliate = AffiliateFactory(region=south_asia)
    declaration_record(affiliate=affiliate, year=2024, women=100, men=10)

    declaration_record(affiliate=affiliate, year=2024, women=101, men=9)

    assert affiliate.declarations.count() == 1
    affiliate.refresh_from_db()
    assert affiliate.members_total == 110
    assert affiliate.members_women == 101


@pytest.mark.parametrize(
    ("women", "men", "total", "field", "message"),
    [
        (-1, 5, None, "women", "greater than or equal to 0"),
        (5, -3, None, "men", "greater than or equal to 0"),
        (50, 10, 40, "__all__", "cannot be less than women plus men"),
    ],
)
def test_it_refuses_impossible_counts(south_asia, women, men, total, field, message):
    affiliate = AffiliateFactory(region=south_asia)

    with pytest.raises(ValidationError) as error:
        declaration_record(affiliate=affiliate, year=2024, women=women, men=men, total=total)

    assert message in str(error.value.message_dict[field])
    assert not affiliate.declarations.exists()
    affiliate.refresh_from_db()
    assert affiliate.members_total == 0


def test_it_refuses_a_declaration_for_a_future_year(clock, south_asia):
    affiliate = AffiliateFactory(region=south_asia)
    declaration_record(affiliate=affiliate, year=YEAR, women=1, men=0)

    with pytest.raises(ValidationError) as error:
        declaration_record(affiliate=affiliate, year=YEAR + 1, women=1, men=0)

    assert "future year" in str(error.value.message_dict["year"])


def test_the_database_refuses_a_total_below_women_plus_men(south_asia):
    affiliate = AffiliateFactory(region=south_asia)

    with pytest.raises(IntegrityError), transaction.atomic():
        Affiliate.objects.filter(pk=affiliate.pk).update(
            members_women=10, members_men=10, members_total=5
        )


def test_an_affiliated_registration_gets_its_affiliation_date(clock, south_asia):
    affiliate = create(status=Status.AFFILIATED)

    assert affiliate.affiliated_on == TODAY
    assert isinstance(affiliate.status_changed_at, dt.datetime)


def test_a_slug_never_shadows_a_fixed_address(south_asia):
    affiliate = create(name="New")

    assert affiliate.slug == "new-2"


def test_names_in_other_scripts_still_get_a_slug(south_asia):
    affiliate = create(name="सखी महिला समूह")

    assert affiliate.slug == "organisation"


def test_a_slug_taken_between_the_check_and_the_insert_gives_the_next_one(south_asia, monkeypatch):
    create(name="Sewa", country="IN")
    real_unique_slug = services.unique_slug
    picks = iter(["sewa"])  # what a concurrent request saw free before "Sewa" (IN) was saved

    monkeypatch.setattr(
        services, "unique_slug", lambda name: next(picks, None) or real_unique_slug(name)
    )
    nepal = create(name="Sewa", country="NP")

    assert nepal.slug == "sewa-2"
    assert Affiliate.objects.filter(slug__startswith="sewa").count() == 2


def test_a_slug_race_that_keeps_losing_ends_in_the_database_s_refusal(south_asia, monkeypatch):
    create(name="Sewa", country="IN")
    monkeypatch.setattr(services, "unique_slug", lambda name: "sewa")

    with pytest.raises(IntegrityError):
        create(name="Sewa", country="NP")
