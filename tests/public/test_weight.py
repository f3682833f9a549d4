"""The weight budget: directory HTML <= 14 KB and a first visit <= 100 KB, compressed."""

import gzip
import re

import pytest
from django.conf import settings

from tests.factories import AffiliateFactory, RegionFactory

pytestmark = pytest.mark.django_db
KB = 1024


@pytest.fixture
def full_page(south_asia):
    # Many countries in the facets and a full page of long names: the heaviest directory page.
    RegionFactory(slug="far", countries=["TH", "ID", "PH", "VN", "KH", "LA", "MM", "MY", "TL"])
    for n in range(30):
        AffiliateFactory(
            region=south_asia,
            name=f"Self-Employed Women's Association of Home-Based Embroidery Workers {n}",
            acronym="SEWAHBEW",
            city="Ahmedabad",
            members_total=123456,
        )


def test_the_directory_html_stays_under_14_kb_compressed(client, full_page):
    html = client.get("/directory/").content

    assert len(gzip.compress(html, 9)) <= 14 * KB


@pytest.mark.parametrize(
    ("language", "stylesheet"),
    [
        ("en", "bootstrap.min.css"),
        # Right to left: Bootstrap's mirrored build; Thai: the longest words of the 17.
        ("ur", "bootstrap.rtl.min.css"),
        ("th", "bootstrap.min.css"),
    ],
)
def test_a_first_visit_stays_under_100_kb_compressed(client, full_page, language, stylesheet):
    html = client.get("/directory/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
    weight = len(gzip.compress(html.encode(), 9))
    for asset in assets:
        weight += len(gzip.compress((settings.BASE_DIR / "static" / asset).read_bytes(), 9))

    assert f'lang="{language}"' in html
    assert f"vendor/bootstrap/{stylesheet}" in assets
    # No web font: the phones' own fonts draw every script (static/css/site.css).
    assert not any(asset.endswith((".woff", ".woff2", ".ttf")) for asset in assets)
    assert weight <= 100 * KB


@pytest.mark.parametrize("path", ["/", "/regions/south-asia/"])
def test_a_first_visit_to_a_page_with_the_map_stays_under_100_kb_compressed(
    client, full_page, path
):
    # The map adds its SVG to home and the regions' pages, where many first visits land.
    html = client.get(path).content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
    weight = len(gzip.compress(html.encode(), 9))
    for asset in assets:
        weight += len(gzip.compress((settings.BASE_DIR / "static" / asset).read_bytes(), 9))

    assert "<svg" in html
    assert weight <= 100 * KB
