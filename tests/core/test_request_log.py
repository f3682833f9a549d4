"""Each request: one JSON log line with its id, also sent back as X-Request-ID."""

import json
import logging
import re

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from core.logging import JsonFormatter
from tests.factories import UserFactory
from tests.test_settings import python

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}")


def broken_view(request):
    raise RuntimeError("the figures did not add up")


def fine_view(request):
    return HttpResponse("fine")


urlpatterns = [path("boom/", broken_view), path("fine/", fine_view)]


@pytest.fixture
def log_lines(caplog):
    """The lines a JSON-formatted handler would write, as dicts, for homenet.* and django.*."""
    caplog.set_level(logging.INFO)
    formatter = JsonFormatter()

    def lines(logger: str = "homenet.requests") -> list[dict]:
        return [
            json.loads(formatter.format(record))
            for record in caplog.records
            if record.name == logger
        ]

    return lines


@pytest.fixture
def test_urls(settings):
    settings.ROOT_URLCONF = __name__


def test_a_request_is_one_json_line_with_the_id_of_its_response_header(client, log_lines):
    user = UserFactory(email="nadia@example.org")
    client.force_login(user)

    response = client.get("/directory/?q=nadia%40example.org&token=secret")

    [line] = log_lines()
    assert UUID.fullmatch(response["X-Request-ID"])
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == user.pk
    assert line["method"] == "GET"
    assert line["path"] == "/directory/"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO" and line["logger"] == "homenet.requests"
    text = json.dumps(line)
    assert "example.org" not in text and "nadia" not in text and "secret" not in text


def test_an_anonymous_request_has_no_user_id(client, log_lines):
    client.get("/")

    [line] = log_lines()
    assert line["user_id"] is None


def test_a_well_formed_incoming_request_id_is_kept(client, log_lines):
    response = client.get("/", headers={"X-Request-ID": "lb-2f9a61c0d4e3"})

    assert response["X-Request-ID"] == "lb-2f9a61c0d4e3"
    assert log_lines()[0]["request_id"] == "lb-2f9a61c0d4e3"


@pytest.mark.parametrize(
    "offered",
    ["short", "x" * 65, "abc def ghi", '"}\n{"level": "forged"', "nadia@example.org-1234"],
)
def test_an_incoming_request_id_that_is_not_an_id_is_replaced(client, log_lines, offered):
    response = client.get("/", headers={"X-Request-ID": offered})

    assert UUID.fullmatch(response["X-Request-ID"])
    assert log_lines()[0]["request_id"] == response["X-Request-ID"]


def test_an_error_in_a_view_is_logged_as_json_with_its_traceback_and_id(test_urls, log_lines):
    client = Client(raise_request_exception=False)

    response = client.get("/boom/?email=nadia%40example.org")

    assert response.status_code == 500
    error, request = log_lines()
    assert error["level"] == "ERROR"
    assert error["request_id"] == request["request_id"] == response["X-Request-ID"]
    assert "Traceback" in error["exc_info"]
    assert "RuntimeError: the figures did not add up" in error["exc_info"]
    assert request["status"] == 500 and request["path"] == "/boom/"
    # Django's own error line names the request by its id, never by its query string.
    [django_line] = log_lines("django.request")
    assert django_line["request_id"] == response["X-Request-ID"]
    assert "example.org" not in json.dumps([*log_lines(), django_line])


def test_a_streamed_response_still_streams_and_is_logged(client, log_lines, staff_user):
    client.force_login(staff_user)

    response = client.get("/workspace/export.csv")

    assert response.streaming
    b"".join(response.streaming_content)
    [line] = log_lines()
    assert line["status"] == 200 and line["request_id"] == response["X-Request-ID"]


LOG_ONE_LINE = (
    "import django, logging; django.setup(); "
    "logging.getLogger('homenet.requests').info('request', extra={'status': 200})"
)
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "a.b",
    "DATABASE_URL": "postgres://u@localhost/x",
}


def test_production_logs_json_lines_and_development_plain_text():
    production = python(LOG_ONE_LINE, **PRODUCTION)
    development = python(LOG_ONE_LINE)
    plain_in_production = python(LOG_ONE_LINE, LOG_FORMAT="text", **PRODUCTION)

    line = json.loads(production.stderr)
    assert line["message"] == "request" and line["status"] == 200
    assert development.stderr.strip() == plain_in_production.stderr.strip() == "request"
