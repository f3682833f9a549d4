"""A test client that enforces CSRF and posts the way a browser does.

Django's test client skips the CSRF check unless asked, so a form that lost its
`{% csrf_token %}` passes every test and fails for every user. This client keeps the check on:
`submit()` first GETs the page the form is on, takes the token from that very form (the CSRF
cookie came with the page) and posts with it; plain `post()` sends no token, as a forged
request from another site would, and gets a 403.
"""

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client


class _PostForms(HTMLParser):
    """The <form method="post"> elements of a page: where each posts, and its CSRF token."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str | None]] = []
        self._open: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._open = None
            if (attributes.get("method") or "get").lower() == "post":
                self._open = {"action": attributes.get("action") or "", "token": None}
                self.forms.append(self._open)
        elif (
            tag == "input"
            and self._open is not None
            and attributes.get("name") == "csrfmiddlewaretoken"
        ):
            self._open["token"] = attributes.get("value")

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


class CsrfClient(Client):
    def __init__(self, **defaults) -> None:
        super().__init__(enforce_csrf_checks=True, **defaults)

    def csrf_token_for(self, url: str, page: str | None = None, **extra) -> str:
        """The token of the form on `page` (default: `url`) that posts to `url`.

        Fails the test when the page has no such form, or the form has no token: a browser
        could not send that POST (or it would be refused).
        """
        page = page or url
        response = self.get(page, **extra)
        assert response.status_code == 200, f"GET {page} answered {response.status_code}"
        parser = _PostForms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            if urlsplit(urljoin(page, form["action"])).path == urlsplit(url).path:
                assert form["token"], f"the form on {page} that posts to {url} has no CSRF token"
                return form["token"]
        raise AssertionError(f"{page} has no form that posts to {url}")

    def submit(self, url: str, data: dict | None = None, *, page: str | None = None, **extra):
        """POST `data` to `url` as a browser does, from the form on `page` (default: `url`)."""
        token = self.csrf_token_for(url, page, **extra)
        return self.post(url, {**(data or {}), "csrfmiddlewaretoken": token}, **extra)
