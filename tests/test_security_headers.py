"""Headers every answer carries: the Content-Security-Policy, the Permissions-Policy, and no
caching of anything private (core/middleware.py)."""

import pytest

from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db


def directives_of(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize("url", ["/", "/directory/", "/apply/", "/stats/", "/accounts/login/"])
def test_public_pages_forbid_inline_and_foreign_scripts_and_styles(client, url):
    response = client.get(url)

    directives = directives_of(response)
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/affiliates/affiliate/",
        "/admin/affiliates/affiliate/add/",
        "/admin/affiliates/affiliate/import/",
        "/admin/regions/region/add/",
    ],
)
def test_the_admin_is_under_the_same_policy(client, staff_user, url):
    client.force_login(staff_user)

    response = client.get(url)

    assert response.status_code == 200
    directives = directives_of(response)
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("url", "signed_in"),
    [
        ("/", False),
        ("/directory/", False),
        ("/workspace/", True),
        ("/admin/", True),
        ("/no-such-page/", False),
        ("/healthz", False),
    ],
)
def test_every_answer_denies_the_browser_features_the_site_does_not_use(
    client, staff_user, url, signed_in
):
    if signed_in:
        client.force_login(staff_user)

    policy = client.get(url)["Permissions-Policy"]

    features = dict(item.strip().split("=", 1) for item in policy.split(","))
    for feature in ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]:
        assert features[feature] == "()", feature


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    ("user", "url"),
    [
        ("coordinator_south_asia", "/workspace/"),
        ("coordinator_south_asia", "/workspace/affiliates/"),
        ("coordinator_south_asia", "/accounts/password/"),
        # Public pages too: a signed-in person's page has their name and menu on it.
        ("coordinator_south_asia", "/"),
        ("coordinator_south_asia", "/directory/"),
        ("staff_user", "/staff/changes/"),
        ("staff_user", "/admin/affiliates/affiliate/"),
    ],
)
def test_no_page_seen_signed_in_is_stored_by_a_browser_or_proxy(client, request, user, url):
    client.force_login(request.getfixturevalue(user))

    response = client.get(url)

    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_control(response)


@pytest.mark.parametrize("url", ["/workspace/", "/workspace/affiliates/", "/admin/"])
def test_private_areas_are_not_stored_even_when_they_send_a_visitor_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert {"private", "no-store"} <= cache_control(response)


def test_public_pages_seen_anonymously_stay_cacheable(client, south_asia):
    affiliate = AffiliateFactory(region=south_asia)

    for url in ["/", "/directory/", "/regions/", "/stats/", affiliate.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Cache-Control" not in response, url


def test_a_view_that_chose_its_own_caching_keeps_it(client, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    response = client.get("/healthz")

    # never_cache's header, not replaced by the middleware's.
    assert cache_control(response) == {
        "max-age=0",
        "no-cache",
        "no-store",
        "must-revalidate",
        "private",
    }
