"""Pages run under the Content-Security-Policy without a single violation in Chromium."""

import pytest

from tests.factories import AffiliateFactory, DeclarationFactory, SectorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_page_breaks_the_content_security_policy(
    live_server, page, south_asia, coordinator_south_asia, staff_user
):
    affiliate = AffiliateFactory(
        region=south_asia, name="Surat Embroiderers", sectors=[SectorFactory(name="Embroidery")]
    )
    DeclarationFactory(affiliate=affiliate, year=2024)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    public = [
        "/",
        "/directory/?q=surat",
        f"/affiliates/{affiliate.slug}/",
        f"/regions/{south_asia.slug}/",
        "/stats/",
        "/apply/",
        "/apply/status/",
        "/accounts/login/",
    ]
    for path in public:
        response = page.goto(live_server.url + path)
        assert response.ok, path
        assert "script-src 'self'" in response.headers["content-security-policy"]

    page.get_by_label("Username").fill("asha")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    workspace = [
        "/workspace/",
        "/workspace/affiliates/",
        f"/workspace/affiliates/{affiliate.slug}/",
        f"/workspace/affiliates/{affiliate.slug}/edit/",
        "/workspace/declarations/",
        "/workspace/applications/",
        "/workspace/affiliates/new/",
    ]
    for path in workspace:
        assert page.goto(live_server.url + path).ok, path

    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Username").fill(staff_user.username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    for path in ["/staff/changes/", "/staff/stats/"]:
        assert page.goto(live_server.url + path).ok, path

    assert violations == []
