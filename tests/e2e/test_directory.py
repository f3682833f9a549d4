"""A visitor searches, filters and opens a profile, with and without JavaScript; axe-core
finds no serious or critical accessibility violation on the public pages."""

from pathlib import Path

import pytest

from affiliates.services import affiliate_set_sectors
from tests.factories import AffiliateFactory, SectorFactory

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@pytest.fixture
def registry(south_asia, africa):
    garments = SectorFactory(name="Garments", slug="garments")
    sewa = AffiliateFactory(
        region=south_asia, name="Embroidery Workers Union Lucknow", city="Lucknow",
        organisation_type="union", members_women=800, members_men=20, members_total=820,
        members_year=2024,
    )  # fmt: skip
    affiliate_set_sectors(sewa, [garments])
    AffiliateFactory(
        region=south_asia, name="Incense Rollers Cooperative", organisation_type="cooperative"
    )
    AffiliateFactory(region=africa, country="KE", name="Nairobi Embroidery Group")
    return sewa


def journey(page, base_url):
    page.goto(base_url + "/")
    page.get_by_label("Find an organisation by name, place or trade").fill("embro")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/directory/?q=embro*")
    results = page.locator("main ol li")
    assert results.count() == 2

    page.get_by_label("Regional network").select_option("south-asia")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**region=south-asia*")
    assert page.locator("main ol li").count() == 1

    page.get_by_role("link", name="Embroidery Workers Union Lucknow").click()
    assert (
        page.get_by_role("heading", level=1)
        .inner_text()
        .startswith("Embroidery Workers Union Lucknow")
    )
    assert "820" in page.locator("main").inner_text()


def test_search_filter_and_open_a_profile(live_server, page, registry):
    journey(page, live_server.url)


def test_the_same_without_javascript(live_server, browser, registry):
    context = browser.new_context(java_script_enabled=False)
    try:
        journey(context.new_page(), live_server.url)
    finally:
        context.close()


def test_the_language_switcher_works_without_javascript(live_server, browser, registry):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/directory/")
        page.get_by_label("Language").select_option("es")
        page.get_by_role("button", name="Change language").click()
        assert page.locator("html").get_attribute("lang") == "es"
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", ["/", "/directory/", "profile", "/regions/south-asia/", "/regions/"]
)
def test_no_serious_accessibility_violation(live_server, browser, registry, path):
    if path == "profile":
        path = f"/affiliates/{registry.slug}/"
    # The site's Content-Security-Policy rightly refuses injected scripts: let axe-core in.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + path)
    page.add_script_tag(path=str(AXE))

    result = page.evaluate("async () => await axe.run(document)")
    context.close()

    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
