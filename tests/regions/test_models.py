import pytest
from django.db import IntegrityError, transaction

from affiliates.access import regions_coordinated_by
from regions.models import RegionCountry

pytestmark = pytest.mark.django_db


def test_a_country_belongs_to_one_region_at_most(south_asia, africa):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionCountry.objects.create(region=africa, country="IN")


def test_regions_coordinated_by_a_coordinator_are_theirs_only(
    south_asia, africa, coordinator_south_asia, staff_user
):
    assert list(regions_coordinated_by(coordinator_south_asia)) == [south_asia]
    assert set(regions_coordinated_by(staff_user)) == {south_asia, africa}
