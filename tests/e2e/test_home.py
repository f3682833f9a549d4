import pytest

from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_reads_the_headline_figures(live_server, page, south_asia):
    AffiliateFactory(region=south_asia, members_women=1200, members_men=30, members_total=1230)

    page.goto(live_server.url + "/")

    assert page.get_by_role("heading", level=1).is_visible()
    assert "1,200" in page.locator("main").inner_text()
    # The skip link is the first thing a keyboard reaches, and it leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"
