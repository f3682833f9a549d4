"""A country handed to another regional network takes its affiliates along."""

import pytest
from django.urls import reverse

from affiliates.access import affiliates_visible_to
from affiliates.models import Affiliate
from audit.history import record_history
from regions.models import RegionCountry
from tests.factories import AffiliateFactory, SectorFactory

pytestmark = pytest.mark.django_db


def test_adding_a_country_to_a_region_moves_its_affiliates_there(
    client, staff_user, south_asia, africa, coordinator_south_asia, coordinator_africa
):
    embroidery = SectorFactory(name="Embroidery")
    nepali = AffiliateFactory(
        region=south_asia, country="NP", name="Kathmandu Stitchers", sectors=[embroidery]
    )
    edited_at = nepali.updated_at
    indian = AffiliateFactory(region=south_asia, country="IN", name="Surat Embroiderers")
    RegionCountry.objects.filter(country="NP").delete()  # staff first take Nepal from South Asia
    client.force_login(staff_user)
    kenya = africa.countries.get(country="KE")
    south_africa = africa.countries.get(country="ZA")

    response = client.post(
        reverse("admin:regions_region_change", args=[africa.pk]),
        {
            "name_en": africa.name,
            "short_name": africa.short_name,
            "slug": africa.slug,
            "display_order": 0,
            "countries-TOTAL_FORMS": 3,
            "countries-INITIAL_FORMS": 2,
            "countries-0-id": kenya.pk,
            "countries-0-region": africa.pk,
            "countries-0-country": "KE",
            "countries-1-id": south_africa.pk,
            "countries-1-region": africa.pk,
            "countries-1-country": "ZA",
            "countries-2-region": africa.pk,
            "countries-2-country": "NP",
            "coordinator_assignments-TOTAL_FORMS": 0,
            "coordinator_assignments-INITIAL_FORMS": 0,
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "1 affiliate moved with its country to this region." in response.text
    nepali.refresh_from_db()
    indian.refresh_from_db()
    assert nepali.region == africa and indian.region == south_asia
    assert nepali in affiliates_visible_to(coordinator_africa)
    assert nepali not in affiliates_visible_to(coordinator_south_asia)
    assert nepali.updated_at > edited_at  # an edit form opened before is now out of date
    move = record_history(Affiliate, nepali.pk)[0]
    assert move.who == staff_user
    assert move.reason == "The country moved to another regional network"
    assert [(c.field, c.old, c.new) for c in move.changes] == [
        ("regional network", str(south_asia), str(africa))
    ]
