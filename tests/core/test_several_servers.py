"""Several app servers: two processes on one database and one Redis (CACHE_URL=redis://...).

Each process is `manage.py runserver --noreload` on a free port, with this test's database and
the Redis that TEST_REDIS_URL names (its own database number: it is flushed before and after).
Skipped when TEST_REDIS_URL is unset or Redis does not answer (`.ci/run` starts one).
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from affiliates.services.lifecycle import affiliate_transition
from tests.factories import AffiliateFactory

ROOT = Path(__file__).resolve().parent.parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
# One xdist worker runs these tests one after the other: each empties the shared Redis database
# when it starts and ends, which would drop the other's cached pages in the middle of a check.
pytestmark = pytest.mark.xdist_group("redis")


def redis_or_skip():
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is unset (e.g. redis://127.0.0.1:6379/15); .ci/run sets it")
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at {REDIS_URL} does not answer: {error}")
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"], safe="") + (
        ":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else ""
    )
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{quote(db['HOST'], safe='')}{port}/{quote(db['NAME'], safe='')}"


class Browser:
    """One visitor (one cookie jar) who may talk to either server."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))

    def submit(self, url: str, data: dict[str, str]) -> tuple[int, str]:
        """GET the form's page on that server, then POST with its CSRF token."""
        _status, page = self.get(url)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert found, page[:2000]
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": found.group(1)}).encode()
        return self._open(urllib.request.Request(url, data=body, method="POST"))

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@pytest.fixture
def two_servers(transactional_db, tmp_path, settings) -> Iterator[tuple[str, str]]:
    """Servers A and B sharing this test's (committed) database and the test Redis.

    This process's cache is that Redis too, as the settings make it from CACHE_URL, so that
    the services called here bump the generation the servers read.
    """
    redis_client = redis_or_skip()
    redis_client.flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "homenet",
        }
    }
    leave_out = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "SITE_URL", "ALLOWED_HOSTS"}
    environ = {k: v for k, v in os.environ.items() if k not in leave_out}
    environ |= {
        "DATABASE_URL": database_url(),
        "CACHE_URL": REDIS_URL,
        "DIRECTORY_CACHE_SECONDS": "300",
        "STATUS_RATE_LIMIT": "3",
        "DEBUG": "true",
        "SECRET_KEY": "a-secret-key-for-this-test-only-" + "x" * 40,
    }
    processes: list[tuple[subprocess.Popen[bytes], Path]] = []
    bases = []
    try:
        for name in ("a", "b"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env=environ,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            processes.append((process, log))
            bases.append(f"http://127.0.0.1:{port}")
        for (process, log), base in zip(processes, bases, strict=True):
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    pytest.fail(f"{base} ended:\n{log.read_text(errors='replace')[-3000:]}")
                try:
                    if Browser().get(base + "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"no answer on {base}:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.2)
        yield bases[0], bases[1]
    finally:
        for process, _log in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        redis_client.flushdb()


def test_a_write_is_seen_at_once_by_a_server_that_cached_the_page(
    two_servers, south_asia, staff_user
):
    server_a, server_b = two_servers
    visitor = Browser()
    kept = AffiliateFactory(region=south_asia, name="Kept Union")
    status, page = visitor.get(server_a + "/directory/")
    assert status == 200
    assert "Kept Union" in page

    # Created without a service, so nothing says the cached pages are stale: both servers
    # still answer from the one cache (B never computed it itself).
    AffiliateFactory(region=south_asia, name="Quiet Union")
    assert "Quiet Union" not in visitor.get(server_a + "/directory/")[1]
    assert "Quiet Union" not in visitor.get(server_b + "/directory/")[1]

    # A write through a service (in this process) bumps the generation in Redis...
    affiliate_transition(affiliate=kept, action="suspend", actor=staff_user, comment="Unpaid")

    # ...and server A, which had the page cached, shows the change on the next request.
    page = visitor.get(server_a + "/directory/")[1]
    assert "Kept Union" not in page
    assert "Quiet Union" in page


def test_a_rate_limit_counts_across_both_servers(two_servers):
    server_a, server_b = two_servers
    visitor = Browser()
    guesses = [server_a, server_b, server_a]  # STATUS_RATE_LIMIT=3, spread over both

    for n, server in enumerate(guesses):
        status, page = visitor.submit(
            server + "/apply/status/", {"reference": f"HN-AAAA-BBB{n}", "email": "x@example.org"}
        )
        assert status == 200
        assert "We found no application" in page

    # Each server saw fewer than three, yet the fourth is refused on either.
    for server in (server_b, server_a):
        status, _page = visitor.submit(
            server + "/apply/status/", {"reference": "HN-AAAA-BBB9", "email": "x@example.org"}
        )
        assert status == 429
