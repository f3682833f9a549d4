"""Staff find every staff tool from the site's navigation and from the admin's index; the
signed-in links sit in one folding menu (a <details>, no JavaScript)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STAFF_TOOLS = ["staff:changes", "staff:dashboard", "admin:index"]


def navigation(client) -> str:
    html = client.get(reverse("affiliates:home")).content.decode()
    return re.search(r"<header>.*?</header>", html, flags=re.S).group()


def links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_staff_find_every_staff_tool_in_the_navigation(client, staff_user):
    client.force_login(staff_user)

    nav = navigation(client)

    assert {reverse(name) for name in STAFF_TOOLS} <= links(nav)
    menu = re.search(r'<details class="nav-menu nav-account">.*</details>', nav, flags=re.S)
    assert reverse("staff:changes") in menu.group() and "Sign out" in menu.group()


def test_a_coordinator_s_menu_has_the_workspace_and_no_staff_tool(client, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    nav = navigation(client)

    assert {reverse("workspace:dashboard"), reverse("applications:queue")} <= links(nav)
    assert not {reverse(name) for name in STAFF_TOOLS} & links(nav)
    assert "<summary" in nav


def test_a_visitor_has_no_menu_to_open(client):
    nav = navigation(client)

    assert reverse("accounts:login") in links(nav)
    assert "<details" not in nav and reverse("workspace:dashboard") not in links(nav)


def test_the_admin_index_links_the_staff_pages(client, staff_user):
    client.force_login(staff_user)

    html = client.get(reverse("admin:index")).content.decode()

    tools = re.search(r'<div class="module" id="staff-tools">.*?</div>', html, flags=re.S)
    assert {reverse("staff:changes"), reverse("staff:dashboard")} <= links(tools.group())
    # The models are still listed below.
    assert reverse("admin:affiliates_affiliate_changelist") in html
