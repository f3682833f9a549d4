"""Every page of ours is served under a strict Content-Security-Policy."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/directory/", "/apply/", "/stats/", "/accounts/login/"])
def test_public_pages_forbid_inline_and_foreign_scripts_and_styles(client, url):
    policy = client.get(url)["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in policy


def test_the_admin_keeps_its_inline_scripts(client, staff_user):
    client.force_login(staff_user)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
