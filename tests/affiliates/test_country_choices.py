"""country_choices_for: the countries a user may put an organisation in, for every form."""

import pytest
from django.utils import translation

from affiliates.access import country_choices_for
from tests.factories import AffiliateFactory, UserFactory
from workspace.forms import AffiliateEditForm

pytestmark = pytest.mark.django_db


def test_a_coordinator_gets_the_countries_of_their_regions_by_name(coordinator_south_asia, africa):
    assert country_choices_for(coordinator_south_asia) == [("IN", "India"), ("NP", "Nepal")]


def test_staff_get_every_covered_country(staff_user, south_asia, africa):
    assert [code for code, _name in country_choices_for(staff_user)] == ["IN", "KE", "NP", "ZA"]


def test_anybody_else_gets_none(south_asia):
    assert country_choices_for(UserFactory()) == []


def test_names_are_in_the_active_language(coordinator_south_asia):
    with translation.override("fr"):
        assert country_choices_for(coordinator_south_asia) == [("IN", "Inde"), ("NP", "Népal")]


def test_the_workspace_edit_form_offers_the_same_countries(coordinator_south_asia, africa):
    affiliate = AffiliateFactory(region=coordinator_south_asia.coordinated_regions.get())
    form = AffiliateEditForm(affiliate=affiliate, user=coordinator_south_asia)

    assert form.fields["country"].choices == country_choices_for(coordinator_south_asia)
