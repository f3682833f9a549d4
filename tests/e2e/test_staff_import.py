import pytest
from playwright.sync_api import expect

from affiliates.models import Affiliate
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "name,country,organisation_type,piece_rate_workers,city,status\n"
    "Kathmandu Knitters,NP,self_help_group,yes,Kathmandu,affiliated\n"
    "Delhi Zari Workers,IN,union,yes,Delhi,affiliated\n"
)


def test_staff_import_a_file_after_a_dry_run_and_see_it_counted(
    live_server, page, staff_user, south_asia, tmp_path
):
    path = tmp_path / "affiliates.csv"
    path.write_text(CSV)
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", staff_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    page.goto(live_server.url + "/admin/affiliates/affiliate/")
    page.get_by_role("link", name="Import CSV/XLSX").click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Preview").click()

    expect(page.locator("#content-main")).to_contain_text("Dry run: 2 would be created")
    assert not Affiliate.objects.exists()
    page.get_by_role("button", name="Confirm the import").click()

    expect(page.locator(".messagelist")).to_contain_text("Imported: 2 created")
    expect(page.get_by_role("link", name="Kathmandu Knitters")).to_be_visible()
    page.goto(live_server.url + "/stats/")
    expect(page.locator("main")).to_contain_text("2 affiliated organisations")
