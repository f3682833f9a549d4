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
    ]
    for path in workspace:
        visit(path)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server.url, staff_user.username)
    for path in ["/staff/changes/", "/staff/stats/"]:
        visit(path)

    assert not found, "The Content-Security-Policy refused:\n" + "\n".join(
        f"{path}: {v['directive']} {v['blocked']} ({v['source']} line {v['line']})"
        for path, seen in found.items()
        for v in seen
    )
