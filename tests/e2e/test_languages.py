"""Urdu (right to left), Hindi, Thai and a Latin-script language in Chromium: axe-core finds no
serious or critical violation on the main public pages, and none is wider than a 360 px phone.

The pages need no finished catalogue: an untranslated string shows in English and is still
measured; the catalogues' completeness is tests/test_translations.py's to check.
"""

from pathlib import Path

import pytest

from affiliates.services import affiliate_set_sectors, sector_save
from tests.factories import AffiliateFactory, DeclarationFactory, RegionFactory, SectorFactory

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PAGES = ["/", "/directory/", "profile", "/apply/", "/stats/", "/regions/"]


@pytest.fixture
def registry(south_asia):
    south_asia.name_ur = "ہوم نیٹ جنوبی ایشیا"
    south_asia.name_hi = "होमनेट दक्षिण एशिया"
    south_asia.name_th = "โฮมเน็ตเอเชียใต้"
    south_asia.save()
    RegionFactory(
        name="HomeNet Eastern Europe and Central Asia", short_name="HNEECA", slug="eeca",
        countries=["KG", "TJ"],
    )  # fmt: skip
    embroidery = SectorFactory(name="Embroidery", slug="embroidery")
    embroidery.name_ur, embroidery.name_hi, embroidery.name_th = "کشیدہ کاری", "कढ़ाई", "งานปัก"
    sector_save(embroidery)
    affiliate = AffiliateFactory(
        region=south_asia, country="IN",
        name="Self-Employed Home-Based Embroidery Workers' Association of Lucknow",
        acronym="SEHBEWAL", city="Lucknow", organisation_type="union",
        members_women=123456, members_men=7890, members_total=131346, members_year=2024,
    )  # fmt: skip
    affiliate_set_sectors(affiliate, [embroidery])
    DeclarationFactory(affiliate=affiliate, year=2024, women=123456, men=7890)
    AffiliateFactory(region=south_asia, country="NP", name="Kathmandu Stitchers")
    return affiliate


def path_of(path, registry):
    return f"/affiliates/{registry.slug}/" if path == "profile" else path


def in_language(context, live_server, language):
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return context.new_page()


@pytest.mark.parametrize("language", ["ur", "hi", "th"])
def test_no_serious_accessibility_violation(live_server, browser, registry, language):
    # The site's Content-Security-Policy rightly refuses injected scripts: let axe-core in.
    context = browser.new_context(bypass_csp=True)
    page = in_language(context, live_server, language)
    found = {}
    try:
        for path in PAGES:
            page.goto(live_server.url + path_of(path, registry))
            assert page.locator("html").get_attribute("lang") == language
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document)")
            serious = [
                (v["id"], v["impact"], [(n["target"], n["failureSummary"]) for n in v["nodes"]][:1])
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if serious:
                found[path] = serious
    finally:
        context.close()

    assert found == {}


@pytest.mark.parametrize("language", ["ur", "hi", "th", "vi"])
def test_no_page_is_wider_than_a_phone(live_server, browser, registry, language):
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True)
    page = in_language(context, live_server, language)
    widths = {}
    try:
        for path in PAGES:
            page.goto(live_server.url + path_of(path, registry))
            widths[path] = page.evaluate("document.documentElement.scrollWidth")
        direction = page.locator("html").get_attribute("dir")
    finally:
        context.close()

    assert direction == ("rtl" if language == "ur" else "ltr")
    assert {path: width for path, width in widths.items() if width > 360} == {}


def test_urdu_pages_mirror_with_the_right_to_left_bootstrap(live_server, browser, registry):
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True)
    page = in_language(context, live_server, "ur")
    try:
        page.goto(live_server.url + "/directory/")
        stylesheets = page.evaluate("[...document.styleSheets].map(s => s.href || '')")
        # The brand starts on the right: the page reads from the right.
        brand = page.locator(".navbar-brand").bounding_box()
        # The skip link stays out of sight until focused, and then shows on the page.
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link").bounding_box()
        width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()

    assert any("bootstrap.rtl" in href for href in stylesheets)
    assert brand["x"] + brand["width"] > 300
    assert skip["x"] >= 0 and skip["x"] + skip["width"] <= 360
    assert width <= 360
