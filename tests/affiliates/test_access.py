import pytest
from django.contrib.auth.models import AnonymousUser

from affiliates.access import affiliates_editable_by, affiliates_visible_to
from affiliates.choices import Status
from affiliates.models import Affiliate
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(south_asia, africa):
    return {
        "in_affiliated": AffiliateFactory(region=south_asia, status=Status.AFFILIATED),
        "in_applied": AffiliateFactory(region=south_asia, status=Status.APPLIED),
        "ke_affiliated": AffiliateFactory(region=africa, status=Status.AFFILIATED),
        "ke_suspended": AffiliateFactory(region=africa, status=Status.SUSPENDED),
    }


def names(queryset, records):
    by_pk = {a.pk: key for key, a in records.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


def test_the_public_sees_only_affiliated_organisations(records):
    assert names(Affiliate.objects.public(), records) == {"in_affiliated", "ke_affiliated"}


def test_an_anonymous_visitor_sees_no_full_record(records):
    assert names(affiliates_visible_to(AnonymousUser()), records) == set()
    assert names(affiliates_editable_by(AnonymousUser()), records) == set()


def test_a_coordinator_sees_and_edits_only_their_region(
    records, coordinator_south_asia, coordinator_africa
):
    assert names(affiliates_visible_to(coordinator_south_asia), records) == {
        "in_affiliated",
        "in_applied",
    }
    assert names(affiliates_editable_by(coordinator_africa), records) == {
        "ke_affiliated",
        "ke_suspended",
    }


def test_a_deactivated_coordinator_sees_nothing(records, coordinator_south_asia):
    coordinator_south_asia.is_active = False

    assert names(affiliates_visible_to(coordinator_south_asia), records) == set()


def test_staff_see_everything(records, staff_user):
    assert names(affiliates_visible_to(staff_user), records) == set(records)


def test_a_coordinator_of_two_regions_sees_both(records, south_asia, africa):
    from tests.factories import UserFactory

    both = UserFactory(username="both", coordinates=[south_asia, africa])

    assert names(affiliates_visible_to(both), records) == set(records)
