"""Numbers meant for machines are never localised: every page a signed-in person opens (the
workspace, the applications' review, the staff's pages and the admin) and every chart, in
French, where a decimal comma would break them.

An SVG attribute with a decimal comma (`width="250,0"`) draws nothing; a `<time datetime>`
with microseconds or a localised date is invalid HTML; JSON must parse.
"""

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.test_access_matrix import PATTERNS, Redirect, body, cases_for, world  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
ROLES_CHECKED = ("staff", "coordinator_south_asia", "anonymous")
SVG = re.compile(r"<svg\b.*?</svg>", re.S)
ATTRIBUTE = re.compile(r'\s([\w:-]+)="([^"]*)"')
DECIMAL_COMMA = re.compile(r"\d,\d")
# HTML's valid date string or global date and time string: at most three decimals of a second.
HTML_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def problems_in(text: str) -> list[str]:
    found = []
    for svg in SVG.findall(text):
        for tag in re.findall(r"<[^/!][^>]*>", svg):
            for name, value in ATTRIBUTE.findall(tag):
                if DECIMAL_COMMA.search(value):
                    found.append(f"SVG {name}={value!r}")
    for value in re.findall(r'\sdatetime="([^"]*)"', text):
        if not HTML_DATETIME.match(value):
            found.append(f"datetime={value!r}")
    for data in JSON_LD.findall(text):
        try:
            json.loads(data)
        except ValueError:
            found.append(f"JSON-LD does not parse: {data[:80]!r}")
    return found


def pages(role: str):
    """Every GET case of the access matrix that answers `role` with a page."""
    for key in PATTERNS:
        for case in cases_for(key, PATTERNS[key]):
            if case.method == "get" and case.expect.get(role) == 200:
                yield key, case


@pytest.mark.parametrize("role", ROLES_CHECKED)
def test_no_page_localises_a_number_meant_for_machines(role, world):  # noqa: F811
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    found, seen, charts = [], 0, 0
    for key, case in pages(role):
        url = case.path(world) if case.path else reverse(key, kwargs=case.kwargs(world))
        response = client.get(url)
        if response.status_code != 200:
            continue
        text = body(response)
        seen += 1
        charts += len(SVG.findall(text))
        if response["Content-Type"].startswith("application/json"):
            json.loads(text)
        found += [f"{url}: {problem}" for problem in problems_in(text)]

    assert seen > 5
    if role in ("staff", "anonymous"):
        assert charts > 0  # /stats/ (and /staff/stats/) drew their bars
    assert not found, "\n".join(found[:20])


def test_the_checks_catch_what_they_look_for():
    assert problems_in('<svg><rect width="250,0" y="19,6"></rect></svg>') == [
        "SVG width='250,0'",
        "SVG y='19,6'",
    ]
    assert problems_in('<time datetime="2026-06-15T12:00:00.123456+00:00">') == [
        "datetime='2026-06-15T12:00:00.123456+00:00'"
    ]
    assert problems_in('<time datetime="15 juin 2026">') == ["datetime='15 juin 2026'"]
    assert problems_in('<time datetime="2026-06-15T12:00:00+00:00">') == []
    assert problems_in('<svg><text x="0">1,245</text></svg>') == []  # text, not an attribute
