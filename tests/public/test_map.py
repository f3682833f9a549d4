"""The map of affiliates per country on home and the regions' pages (public/world_map.py)."""

import gzip
import re

import pytest
from django.conf import settings
from django.urls import reverse

from affiliates.choices import Status
from public.world_map import class_limits, colour_of, geometry
from tests.factories import AffiliateFactory, RegionFactory

pytestmark = pytest.mark.django_db
KB = 1024


@pytest.fixture
def registry(south_asia, africa):
    for _ in range(3):
        AffiliateFactory(region=south_asia, country="IN")
    AffiliateFactory(region=south_asia, country="NP")
    AffiliateFactory(region=africa, country="KE")
    AffiliateFactory(region=africa, country="ZA", status=Status.APPLIED)  # not public


def svg_of(body: str) -> str:
    return re.search(r"<svg class=\"world-map-svg\".*?</svg>", body, re.S).group(0)


def linked_countries(svg: str) -> dict[str, str]:
    """country code -> the <title> of its link in the map."""
    link = r'<a href="/directory/\?(?:region=[a-z-]+&amp;)?country=([A-Z]{2})">'
    return dict(re.findall(link + r"<title>([^<]*)</title>", svg))


def table_figures(body: str) -> dict[str, int]:
    return {code: int(n) for code, n in re.findall(r'data-country="([A-Z]{2})">([\d,]+)<', body)}


def test_home_draws_a_link_per_country_with_affiliates(client, registry):
    body = client.get(reverse("affiliates:home")).content.decode()
    svg = svg_of(body)

    assert linked_countries(svg) == {
        "IN": "India: 3 affiliated organisations",
        "KE": "Kenya: 1 affiliated organisation",
        "NP": "Nepal: 1 affiliated organisation",
    }
    assert 'role="group" aria-labelledby="map-caption"' in svg
    assert len(re.findall(r"<path ", svg)) >= len(geometry()["countries"])  # the whole world
    assert " style=" not in svg  # the strict CSP: colours are classes


def test_the_table_gives_the_maps_figures(client, registry):
    body = client.get(reverse("affiliates:home")).content.decode()

    assert table_figures(body) == {"IN": 3, "NP": 1, "KE": 1}
    titles = linked_countries(svg_of(body))
    for code, count in table_figures(body).items():
        assert f": {count} affiliated" in titles[code]


def test_a_region_page_frames_its_countries(client, registry, south_asia):
    body = client.get(reverse("regions:detail", args=[south_asia.slug])).content.decode()
    svg = svg_of(body)

    assert linked_countries(svg) == {
        "IN": "India: 3 affiliated organisations",
        "NP": "Nepal: 1 affiliated organisation",
    }
    assert 'href="/directory/?region=south-asia&amp;country=IN"' in svg
    assert table_figures(body) == {"IN": 3, "NP": 1}
    assert "Kenya" not in svg  # drawn around South Asia only
    view_box = [float(n) for n in re.search(r'viewBox="([^"]+)"', svg).group(1).split()]
    assert view_box[2] < geometry()["width"] / 3


def test_the_map_weighs_little(client, registry):
    body = client.get(reverse("affiliates:home")).content
    svg = svg_of(body.decode()).encode()

    assert len(gzip.compress(svg, 9)) < 30 * KB


def test_the_map_costs_one_grouped_query(client, registry, django_assert_num_queries):
    client.get(reverse("affiliates:home"))  # sessions, caches warm
    url = reverse("affiliates:home")
    # 1 figures by region and country, 2 regions, 3 organisations per country (the map's one
    # grouped query)
    with django_assert_num_queries(3):
        client.get(url)


def test_colour_classes_group_the_counts_that_occur():
    assert class_limits([]) == []
    assert class_limits([0, 4, 4, 4]) == [4]
    assert class_limits([1, 2, 3, 5, 8, 8]) == [1, 2, 3, 8]
    assert class_limits([3, 4, 5, 7, 8]) == [3, 4, 5, 8]
    assert class_limits(range(1, 9)) == [2, 4, 6, 8]
    assert [colour_of(n, [2, 4, 6, 8]) for n in (0, 1, 2, 3, 6, 7, 8)] == [0, 1, 1, 2, 3, 4, 4]


def test_every_region_country_is_in_the_table_even_without_affiliates(client, db):
    region = RegionFactory(slug="islands", countries=["MV", "LK"])
    AffiliateFactory(region=region, country="MV")  # the Maldives: too small for the 1:110m shapes

    body = client.get(reverse("regions:detail", args=["islands"])).content.decode()

    assert table_figures(body) == {"LK": 0, "MV": 1}
    assert 'href="/directory/?region=islands&amp;country=MV"' in body


def test_a_region_of_small_islands_only_still_has_its_page(client, db):
    # Tuvalu and the Maldives are too small for the 1:110m geometry: nothing to frame.
    region = RegionFactory(slug="atolls", countries=["TV", "MV"])
    AffiliateFactory(region=region, country="MV")

    response = client.get(reverse("regions:detail", args=["atolls"]))

    assert response.status_code == 200
    assert table_figures(response.content.decode()) == {"MV": 1, "TV": 0}


def test_a_region_without_countries_has_its_page(client, db):
    RegionFactory(slug="new-network", countries=[])

    response = client.get(reverse("regions:detail", args=["new-network"]))

    assert response.status_code == 200
    assert "No affiliated organisation yet." in response.content.decode()


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_countries_with_affiliates_stand_out_at_3_to_1():
    """WCAG 1.4.11: each class with affiliates against no affiliate, outside, sea and borders."""
    css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
    fills = dict(re.findall(r"\.map-(c\d|out) \{ --map-colour: (#[0-9a-f]{6}); \}", css))
    sea = re.search(r"\.world-map-svg \{[^}]*background: (#[0-9a-f]{6})", css).group(1)
    assert set(fills) == {"out", "c0", "c1", "c2", "c3", "c4"}
    for cls in ("c1", "c2", "c3", "c4"):
        for other in (fills["c0"], fills["out"], sea, "#ffffff"):
            assert _contrast(fills[cls], other) >= 3, (cls, other)


def test_the_keyboard_goes_through_the_map_in_the_tables_order(client, registry, africa):
    for _ in range(3):
        AffiliateFactory(region=africa, country="KE")

    body = client.get(reverse("affiliates:home")).content.decode()

    # Kenya (4), India (3), Nepal (1), as the table lists them; not by ISO code (IN, KE, NP).
    assert list(linked_countries(svg_of(body))) == list(table_figures(body)) == ["KE", "IN", "NP"]


def test_the_table_orders_names_as_a_dictionary_does_accents_aside():
    from django.utils import translation

    from public.world_map import world_map

    with translation.override("fr"):
        rows = world_map({"ZW": 1, "ES": 1, "EG": 1}).rows

    # By code point "Égypte" came after "Zimbabwe".
    assert [row.name for row in rows] == ["Égypte", "Espagne", "Zimbabwe"]
