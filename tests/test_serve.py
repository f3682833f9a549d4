"""`make serve`: the production set-up (deploy/serve.sh, gunicorn, DEBUG off) answers on a port.

The script runs as `make serve` runs it, against this test's PostgreSQL database, with its static
files collected into a temporary folder; then it is stopped.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

pytest.importorskip("gunicorn", reason="gunicorn is not installed here")
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"], safe="") + (
        ":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else ""
    )
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{quote(db['HOST'], safe='')}{port}/{quote(db['NAME'], safe='')}"


def get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def served(django_db_setup, django_db_blocker, tmp_path):
    """The site as deploy/serve.sh runs it, on a free port; yields its address."""
    with django_db_blocker.unblock():
        url = database_url()
    port = free_port()
    leave_out = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "SECRET_KEY", "SITE_URL", "ALLOWED_HOSTS"}
    environ = {k: v for k, v in os.environ.items() if k not in leave_out}
    environ |= {
        "DATABASE_URL": url,
        "PORT": str(port),
        "BIN": str(Path(sys.executable).parent),
        "SECRET_KEY": "a-secret-key-for-this-test-only-" + "x" * 40,  # var/ stays untouched
        "STATIC_ROOT": str(tmp_path / "static"),
        "GUNICORN_WORKERS": "1",
        "GUNICORN_ACCESS_LOG": "off",
    }
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", str(ROOT / "deploy" / "serve.sh")],
            cwd=ROOT,
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                output = log.read_text(errors="replace")
                pytest.fail(f"deploy/serve.sh ended with {process.returncode}:\n{output[-3000:]}")
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"no answer on {base}/healthz:\n{log.read_text(errors='replace')[-3000:]}"
                )
            time.sleep(0.2)
        yield base
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_make_serve_answers_with_debug_off_and_serves_the_hashed_static_files(served):
    status, headers, page = get(served + "/")
    assert status == 200
    assert headers["Server"] == "gunicorn"  # not Django's runserver
    assert headers["Content-Language"] == "en"

    # The stylesheets the page links to carry the hashes of collectstatic's manifest (DEBUG off)
    # and are served by WhiteNoise through gunicorn, cached for good.
    stylesheets = re.findall(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page)
    assert any("/css/site." in href for href in stylesheets), page[:2000]
    for href in stylesheets:
        status, headers, css = get(served + href)
        assert status == 200, href
        assert "immutable" in headers["Cache-Control"]
        assert css.strip()

    # An unknown address gets the site's plain 404, not Django's debug page.
    status, _, missing = get(served + "/no-such-page/")
    assert status == 404
    assert "URLconf" not in missing and "DEBUG = True" not in missing

    # Plain HTTP on loopback: no redirect to https, no HSTS, cookies without Secure.
    _, headers, _ = get(served + "/accounts/login/")
    assert "Strict-Transport-Security" not in headers
    assert "Secure" not in headers.get("Set-Cookie", "")
    assert "csrftoken=" in headers.get("Set-Cookie", "")
