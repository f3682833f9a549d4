"""Pages run under the Content-Security-Policy without a single violation in Chromium.

Violations are counted as the browser reports them to the page: a `securitypolicyviolation`
event on the document for each thing refused (an inline script or style, a resource from
elsewhere), recorded by a listener installed before any of the page's own content runs. The
console's wording is not relied on.
"""

import pytest

from tests.factories import PASSWORD, AffiliateFactory, DeclarationFactory, SectorFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Runs in every document before its own scripts (and is not itself subject to the policy).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push({
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    line: event.lineNumber,
    sample: event.sample,
  });
});
"""

# The events are dispatched as tasks: let those queued while the page loaded run first.
READ_VIOLATIONS = """
() => new Promise((resolve) =>
  setTimeout(() => setTimeout(() => resolve(window.__cspViolations.splice(0)), 0), 0)
)
"""


def violations_on(page) -> list[dict]:
    """What the policy refused on the current page since the last call."""
    return page.evaluate(READ_VIOLATIONS)


def sign_in(page, base_url, username):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_no_page_breaks_the_content_security_policy(
    live_server, page, south_asia, coordinator_south_asia, staff_user
):
    affiliate = AffiliateFactory(
        region=south_asia, name="Surat Embroiderers", sectors=[SectorFactory(name="Embroidery")]
    )
    DeclarationFactory(affiliate=affiliate, year=2024)
    page.add_init_script(RECORD_VIOLATIONS)
    found: dict[str, list[dict]] = {}

    def visit(path):
        response = page.goto(live_server.url + path)
        assert response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        if path.startswith("/api/v1/docs/"):
            page.wait_for_selector(".opblock")  # Swagger UI has fetched and drawn the description
        if seen := violations_on(page):
            found[path] = seen

    # The listener hears the policy: an inline script added to the page is refused, reported.
    visit("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.head.append(s); }"
    )
    assert [(v["directive"], v["blocked"]) for v in violations_on(page)] == [
        ("script-src-elem", "inline")
    ]
    assert page.evaluate("window.ran") is None

    public = [
        "/",
        "/directory/?q=surat",
        f"/affiliates/{affiliate.slug}/",
        "/regions/",
        f"/regions/{south_asia.slug}/",
        "/stats/",
        "/apply/",
        "/apply/status/",
        "/accounts/login/",
        "/accounts/password/reset/",
        # Swagger UI from drf-spectacular-sidecar's files, its start-up script a file too.
        "/api/v1/docs/",
    ]
    for path in public:
        visit(path)

    sign_in(page, live_server.url, coordinator_south_asia.username)
    if seen := violations_on(page):
        found["/workspace/ (after signing in)"] = seen
    workspace = [
        "/workspace/",
        "/workspace/affiliates/",
        f"/workspace/affiliates/{affiliate.slug}/",
        f"/workspace/affiliates/{affiliate.slug}/edit/",
        "/workspace/declarations/",
        "/workspace/applications/",
        "/workspace/affiliates/new/",
        "/accounts/password/",
        "/accounts/tokens/",
    ]
    for path in workspace:
        visit(path)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, staff_user.username)
    for path in ["/staff/changes/", "/staff/stats/", "/accounts/two-factor/"]:
        visit(path)

    assert not found, "The Content-Security-Policy refused:\n" + "\n".join(
        f"{path}: {v['directive']} {v['blocked']} ({v['source']} line {v['line']})"
        for path, seen in found.items()
        for v in seen
    )


def test_the_admin_works_under_the_content_security_policy(
    live_server, page, south_asia, staff_user, tmp_path
):
    network = AffiliateFactory(region=south_asia, name="Gujarat Network of Home Workers")
    affiliate = AffiliateFactory(
        region=south_asia, name="Surat Embroiderers", sectors=[SectorFactory(name="Embroidery")]
    )
    SectorFactory(name="Weaving")
    DeclarationFactory(affiliate=affiliate, year=2024)
    page.add_init_script(RECORD_VIOLATIONS)
    found: dict[str, list[dict]] = {}

    def look(what):
        if seen := violations_on(page):
            found[what] = seen

    def visit(path):
        response = page.goto(live_server.url + path)
        assert response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        look(path)

    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(staff_user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    look("/admin/login/")
    for path in [
        "/admin/",
        "/admin/affiliates/affiliate/",
        "/admin/affiliates/affiliate/?q=surat",
        "/admin/regions/region/",
        f"/admin/regions/region/{south_asia.pk}/change/",
        "/admin/affiliates/membershipdeclaration/add/",
    ]:
        visit(path)

    # The changelist's scripts: ticking every row counts them.
    visit("/admin/affiliates/affiliate/")
    page.locator("#action-toggle").check()
    assert "2 of 2 selected" in page.locator(".action-counter").inner_text()
    look("changelist: select all")

    # The change form: a calendar, an autocomplete, a two-list chooser, inlines.
    visit(f"/admin/affiliates/affiliate/{affiliate.pk}/change/")
    page.locator("a[id^=calendarlink]").first.click()
    page.locator(".calendarbox:visible .calendar-shortcuts a").first.click()  # Yesterday
    look("change form: calendar")
    page.locator(".select2-selection").first.click()
    page.keyboard.type("gujarat")
    page.locator(".select2-results__option", has_text=network.name).click()
    look("change form: autocomplete")
    page.locator("#id_sectors_from option", has_text="Weaving").click()
    page.locator("#id_sectors_add").click()
    assert page.locator("#id_sectors_to option").count() == 2
    look("change form: sectors chooser")
    rows = page.locator("#declarations-group tbody tr.form-row").count()
    page.locator("#declarations-group .add-row a").click()
    assert page.locator("#declarations-group tbody tr.form-row").count() == rows + 1
    look("change form: another declaration")

    # The import page and its preview.
    visit("/admin/affiliates/affiliate/import/")
    upload = tmp_path / "affiliates.csv"
    upload.write_text(
        "name,country,organisation_type,piece_rate_workers\nNew Weavers,IN,union,yes\n"
    )
    page.locator("input[type=file]").set_input_files(upload)
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_text("New Weavers").count()
    look("import: preview")

    assert not found, "The Content-Security-Policy refused in the admin:\n" + "\n".join(
        f"{what}: {v['directive']} {v['blocked']} ({v['source']} line {v['line']})"
        for what, seen in found.items()
        for v in seen
    )
