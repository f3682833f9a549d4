import pytest
from django.db import IntegrityError, transaction

from regions.models import Region, RegionCountry

pytestmark = pytest.mark.django_db


def test_a_country_belongs_to_one_region_at_most(south_asia, africa):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegionCountry.objects.create(region=africa, country="IN")


def test_regions_coordinated_by_a_coordinator_are_theirs_only(
    south_asia, africa, coordinator_south_asia, staff_user
):
    assert list(Region.objects.coordinated_by(coordinator_south_asia)) == [south_asia]
    assert set(Region.objects.coordinated_by(staff_user)) == {south_asia, africa}
