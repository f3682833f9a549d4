"""HEAD is answered wherever GET is, as GET would answer it, with no body.

Monitors and link checkers ask with HEAD; a 405 there reads as "the site is down". Every GET
of the access matrix (tests/test_access_matrix.py: every URL pattern, every role) is sent
again as HEAD and must get the status GET is expected to get.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.test_access_matrix import PATTERNS, ROLES, cases_for, check, world  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

# Django's admin sends staff already signed in from its login page to the index on GET only
# (`request.method == "GET"`); HEAD gets the page's 200, which is no failure for a monitor.
HEAD_ANSWERS_200 = {"admin:login"}


@pytest.mark.parametrize("key", list(PATTERNS))
def test_head_answers_as_get_does(key, world):  # noqa: F811 (the matrix's fixture)
    wrong = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
        for case in cases_for(key, PATTERNS[key]):
            if case.method != "get":
                continue
            url = case.path(world) if case.path else reverse(key, kwargs=case.kwargs(world))
            # The API is opened by the role's token (the matrix sends it the same way).
            token = case.api and role != "anonymous"
            extra = {"HTTP_AUTHORIZATION": f"Token {world.tokens[role]}"} if token else {}
            response = client.head(url, case.data(world), **extra)
            expected = 200 if key in HEAD_ANSWERS_200 else case.expect[role]
            problem = check(response, expected)
            if problem:
                wrong.append(f"HEAD {url} as {role}: expected {expected}, got {problem}")
            elif not response.streaming and response.content:
                wrong.append(f"HEAD {url} as {role}: a body of {len(response.content)} bytes")
    assert not wrong, "\n".join(wrong)
