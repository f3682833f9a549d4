import pytest

from tests.factories import AffiliateFactory


@pytest.fixture
def sewa(south_asia):
    return AffiliateFactory(
        name="Sewa Bharat Home Workers",
        slug="sewa-bharat",
        region=south_asia,
        country="IN",
        contact_name="Asha's Private Contact",
    )


@pytest.fixture
def kenya_union(africa):
    return AffiliateFactory(
        name="Nairobi Home Workers Union",
        slug="nairobi-union",
        region=africa,
        country="KE",
        contact_name="Grace's Private Contact",
    )
