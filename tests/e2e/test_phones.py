"""On a 360 px phone, in English and in French: no page scrolls sideways, no table hides
columns behind a scroll of its own, chart labels are legible, the navigation and the
directory's filters fold (without JavaScript)."""

import pytest

from affiliates.choices import OrganisationType
from tests.factories import (
    PASSWORD,
    AffiliateFactory,
    DeclarationFactory,
    RegionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 360

# Whatever is wider than the screen: the page itself, or a box that scrolls sideways inside it
# (a table in a .table-responsive wrapper hides its last columns that way).
SIDEWAYS = """
() => {
  const found = [];
  if (document.documentElement.scrollWidth > innerWidth)
    found.push("page: " + document.documentElement.scrollWidth + " px");
  for (const el of document.querySelectorAll("main *")) {
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1)
      found.push(`${el.tagName}.${el.className}: ${el.scrollWidth} px in ${el.clientWidth}`);
  }
  return found;
}
"""


@pytest.fixture
def registry(south_asia):
    long_region = RegionFactory(
        name="HomeNet Eastern Europe and Central Asia",
        short_name="HNEECA",
        slug="eeca",
        countries=["KG", "TJ"],
    )
    for n, (region, country) in enumerate([(south_asia, "IN"), (south_asia, "NP")] * 3):
        affiliate = AffiliateFactory(
            region=region,
            country=country,
            name=f"Self-Employed Home-Based Embroidery Workers' Association {n}",
            acronym="SEHBEWA",
            organisation_type=OrganisationType.SELF_HELP_GROUP,
            has_self_employed_workers=True,
            contact_name="Rukhsana Begum Chowdhury",
            contact_email=f"rukhsana.begum.chowdhury{n}@embroidery-workers-association.example.org",
            members_women=123456,
            members_men=7890,
            members_total=131346,
            members_year=2024,
        )
        DeclarationFactory(affiliate=affiliate, year=2024, women=123456, men=7890)
    AffiliateFactory(region=long_region, country="KG", members_women=15, members_total=15)
    return long_region


def sign_in(page, base_url, username):
    page.goto(base_url + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url("**/workspace/**")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_page_scrolls_sideways_on_a_phone(
    clock, live_server, phone, registry, coordinator_south_asia, language
):
    phone.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    found = {}

    def visit(path):
        phone.goto(live_server.url + path)
        assert phone.locator("html").get_attribute("lang") == language
        if sideways := phone.evaluate(SIDEWAYS):
            found[path] = sideways

    for path in ["/", "/stats/", "/directory/", f"/regions/{registry.slug}/"]:
        visit(path)

    # Chart labels as tall on screen as small print (they were 8 px once scaled down).
    phone.goto(live_server.url + "/stats/")
    label = phone.locator("svg.bar-chart text.bar-label").first
    assert label.evaluate("t => t.getBoundingClientRect().height") >= 12

    sign_in(phone, live_server.url, coordinator_south_asia.username)
    for path in ["/workspace/", "/workspace/affiliates/", "/workspace/declarations/"]:
        visit(path)
        # Brand and menu on one line, the public links on the next: no more.
        assert phone.locator("header nav").bounding_box()["height"] <= 100, path

    assert not found, found


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_workspace_lists_show_every_column_on_a_phone(
    clock, live_server, phone, registry, coordinator_south_asia, language
):
    phone.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(phone, live_server.url, coordinator_south_asia.username)

    phone.goto(live_server.url + "/workspace/affiliates/")
    row = phone.locator("main tbody tr").first
    for cell in ["rukhsana.begum.chowdhury", "131", "Begum"]:
        assert row.get_by_text(cell).first.is_visible()
    # Each value is labelled with its column's name, on screen.
    contact = row.locator("td.stack-wide")
    assert contact.evaluate("td => getComputedStyle(td, '::before').content") != "none"

    phone.goto(live_server.url + "/workspace/declarations/2024/")
    total = phone.locator("main tbody tr").first.locator("input").nth(2)
    assert total.is_visible() and total.bounding_box()["x"] + 80 <= WIDTH
    # No blank band: the long column headers are out of sight on a phone.
    assert phone.locator("main thead").bounding_box()["height"] <= 1


def test_the_menu_and_the_filters_fold_without_javascript(
    live_server, browser, registry, staff_user
):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 640}, is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    try:
        # The directory's filters are folded until one is set; the search box is not.
        page.goto(live_server.url + "/directory/")
        assert page.get_by_label("Name, place or trade").is_visible()
        assert not page.get_by_label("Regional network").is_visible()
        page.get_by_text("Filters and order").click()
        page.get_by_label("Regional network").select_option(registry.slug)
        page.get_by_role("button", name="Search").click()
        assert "region=eeca" in page.url
        assert page.get_by_label("Regional network").is_visible()

        # Staff reach their tools from the folded menu.
        sign_in(page, live_server.url, staff_user.username)
        assert not page.get_by_role("link", name="Changes").is_visible()
        page.locator("header summary", has_text="Menu").click()
        page.locator("header summary", has_text="Staff").click()
        page.get_by_role("link", name="Changes").click()
        assert page.url.endswith("/staff/changes/")
        page.locator("header summary", has_text="Menu").click()
        page.locator("header summary", has_text="Staff").click()
        page.get_by_role("link", name="Staff dashboard").click()
        assert page.url.endswith("/staff/stats/")
    finally:
        context.close()


def test_on_a_wide_screen_the_links_and_filters_stand_open(live_server, page, registry):
    coordinator = UserFactory(username="wide", coordinates=[registry])
    page.goto(live_server.url + "/directory/")
    assert page.get_by_label("Regional network").is_visible()

    sign_in(page, live_server.url, coordinator.username)
    assert page.get_by_role("link", name="Declarations", exact=True).is_visible()
    assert page.locator("header nav").bounding_box()["height"] <= 60
