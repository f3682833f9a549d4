import pytest

from affiliates.choices import Status
from tests.clock import TODAY, YEAR
from tests.factories import PASSWORD, AffiliateFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coordinator_records_the_years_declarations_and_sees_the_dashboard_change(
    clock, live_server, page, coordinator_south_asia, south_asia, africa
):
    # "This year's declarations": the live server's thread reads the same moved clock.
    year = YEAR
    # Affiliated this year: they owe nothing for last year, so the button opens this year.
    AffiliateFactory(
        region=south_asia, name="Ahmedabad Weavers", status=Status.AFFILIATED, affiliated_on=TODAY
    )
    AffiliateFactory(
        region=south_asia, name="Kathmandu Stitchers", country="NP", affiliated_on=TODAY
    )
    AffiliateFactory(region=africa, country="KE", name="Nairobi Union")

    page.goto(live_server.url + "/workspace/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("asha")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    assert page.url.endswith("/workspace/")
    status_cell = page.locator('td[data-status="affiliated"]')
    assert status_cell.inner_text() == "2"
    assert "Nairobi" not in page.locator("main").inner_text()

    # Register an organisation the region vouches for: it waits for staff as recommended.
    page.get_by_role("link", name="Register an organisation").click()
    page.get_by_label("Name of the organisation").fill("Lucknow Chikan Embroiderers")
    page.get_by_label("Country").select_option("IN")
    page.get_by_label("City or district").fill("Lucknow")
    page.get_by_label("Type of organisation").select_option("union")
    page.get_by_label("Sub-contracted (piece-rate) workers").check()
    page.get_by_label("What the organisation does").fill("Chikan embroiderers in a union.")
    page.get_by_label("Women members").fill("1800")
    page.locator("#id_members_men").fill("12")
    page.locator("#id_contact_name").fill("Rukhsana Begum")
    page.get_by_label("Contact email").fill("rukhsana@example.org")
    page.locator("#id_declaration").check()
    page.locator("#id_comment").fill("Our member for ten years")
    page.get_by_role("button", name="Register and recommend").click()
    assert "Lucknow Chikan Embroiderers" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Workspace", exact=True).click()
    assert page.locator('td[data-status="recommended"]').inner_text() == "1"

    page.get_by_role("link", name="Record this year's declarations").click()
    assert page.get_by_role("heading", level=1).inner_text().endswith(str(year))
    page.get_by_label("Women, Ahmedabad Weavers", exact=True).fill("1200")
    page.get_by_label("Men, Ahmedabad Weavers", exact=True).fill("30")
    page.get_by_label("Women, Kathmandu Stitchers", exact=True).fill("400")
    page.get_by_label("Men, Kathmandu Stitchers", exact=True).fill("0")
    page.get_by_label("Total, Kathmandu Stitchers", exact=True).fill("100")
    page.get_by_role("button", name="Save all declarations").click()

    # A wrong row: nothing saved, the row says why, what was typed is still there.
    assert "Nothing was saved" in page.locator("main").inner_text()
    assert "cannot be less than women plus men" in page.locator("main").inner_text()
    assert page.get_by_label("Women, Ahmedabad Weavers", exact=True).input_value() == "1200"
    page.get_by_label("Total, Kathmandu Stitchers", exact=True).fill("")
    page.get_by_role("button", name="Save all declarations").click()
    assert "2 declarations" in page.get_by_role("status").inner_text()

    page.get_by_role("link", name="Workspace", exact=True).click()
    changes = page.locator("section", has=page.get_by_role("heading", name="Latest changes"))
    assert "Ahmedabad Weavers" in changes.inner_text()
    page.get_by_role("link", name="Ahmedabad Weavers").first.click()
    assert "1,200 women, 30 men, 1,230 in all" in page.locator("main").inner_text()

    page.get_by_role("button", name="Sign out").click()
    assert "/accounts/login/" in page.url
