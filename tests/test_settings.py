"""The registry runs on PostgreSQL only: the embedded server by default, never SQLite."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest

from homenet import embedded_db

ROOT = Path(__file__).resolve().parent.parent


def python(code: str, timeout: float | None = None, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ |= {"DJANGO_SETTINGS_MODULE": "homenet.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_a_sqlite_database_url_stops_the_start():
    result = python("import django; django.setup()", DATABASE_URL="sqlite:///x")

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is a sqlite:// URL" in result.stderr
    assert "the registry needs PostgreSQL" in result.stderr
    assert "Leave DATABASE_URL unset and `make run` starts an embedded PostgreSQL" in result.stderr


def test_the_default_database_is_the_embedded_server():
    result = python(
        "import django; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; print(db['ENGINE'], db['HOST'], db['NAME'])"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        # var/postgres/ itself, or a short /tmp folder when the clone's path is too long.
        str(embedded_db.socket_dir(ROOT / "var" / "postgres")),
        "homenet",
    ]


def test_production_settings_need_a_database_url():
    result = python(
        "import django; django.setup()", DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="a.b"
    )

    assert result.returncode != 0
    assert "DATABASE_URL must be set when DEBUG is off" in result.stderr


def test_the_embedded_url_names_a_socket_folder_short_enough():
    deep = Path("/tmp") / ("x" * 120)

    assert dj_database_url.parse(embedded_db.url(deep))["HOST"] == str(embedded_db.socket_dir(deep))
    assert len(str(embedded_db.socket_dir(deep) / embedded_db.SOCKET)) < 108


def test_run_gives_the_command_a_fast_throwaway_server_and_removes_it():
    check = (
        "import os, psycopg, sys; db = psycopg.connect(os.environ['DATABASE_URL']); "
        "print(db.info.dbname, db.execute('SHOW fsync').fetchone()[0], "
        "db.execute('SHOW data_directory').fetchone()[0]); sys.exit(3)"
    )
    run = [sys.executable, "-m", "homenet.embedded_db", "--temp", "run", "--"]
    result = subprocess.run(
        [*run, sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True
    )

    assert result.returncode == 3, result.stderr  # the command's own status
    name, fsync, data = result.stdout.split()
    assert (name, fsync) == ("homenet", "off")
    assert not Path(data).exists()
    assert f"Embedded PostgreSQL stopped: {data}" in result.stderr


def test_mail_waits_ten_seconds_at_most_unless_email_timeout_says():
    show = "import django; django.setup(); from django.conf import settings; "
    show += "print(settings.EMAIL_TIMEOUT)"

    assert python(show).stdout.strip() == "10"
    assert python(show, EMAIL_TIMEOUT="3").stdout.strip() == "3"
    refused = python(show, EMAIL_TIMEOUT="0")
    assert "EMAIL_TIMEOUT must be above 0 seconds, not 0" in refused.stderr


def test_a_mail_server_that_never_answers_fails_the_send_within_email_timeout():
    # A server on loopback that accepts the connection and then says nothing (a hung SMTP
    # server); without a timeout the send would wait for it forever.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        send = (
            "import django, time; django.setup(); from django.core.mail import send_mail; "
            "start = time.monotonic()\n"
            "try:\n    send_mail('Subject', 'Body', None, ['someone@example.org'])\n"
            "except OSError as error:\n    print(type(error).__name__)\n"
            "print(round(time.monotonic() - start))"
        )
        result = python(
            send,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(port),
            EMAIL_USE_TLS="false",
            EMAIL_TIMEOUT="1",
            timeout=60,  # the child's start-up (Django and every app) on a loaded machine
        )

    assert result.returncode == 0, result.stderr
    # smtplib reports the silent greeting as a disconnection, after EMAIL_TIMEOUT seconds.
    # The child times the send alone: it gave up after the 1 s timeout, not the server's silence.
    assert result.stdout.split() == ["SMTPServerDisconnected", "1"]


def deploy_check(**env: str) -> subprocess.CompletedProcess:
    production = {
        "DEBUG": "false",
        "SECRET_KEY": "a-production-key-" + "x" * 50,
        "ALLOWED_HOSTS": "registry.example.org",
        "DATABASE_URL": "postgres://registry@db.example.org/registry",
    }
    # Not the test run's own: the browser tests allow async-unsafe calls in this process.
    leave_out = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ = {k: v for k, v in os.environ.items() if k not in leave_out}
    environ |= {"DJANGO_SETTINGS_MODULE": "homenet.settings", **production, **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize(
    ("site_url", "warning"),
    [
        (None, "homenet.W001"),
        ("http://registry.example.org", "homenet.W002"),
        ("https://elsewhere.example.org", "homenet.W003"),
    ],
)
def test_check_deploy_wants_the_sites_own_https_address_in_site_url(site_url, warning):
    result = deploy_check(**({"SITE_URL": site_url} if site_url else {}))

    assert result.returncode != 0
    assert warning in result.stderr


def test_check_deploy_passes_the_production_settings_of_make_check_deploy():
    result = deploy_check(SITE_URL="https://registry.example.org")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_redis_cache_that_never_answers_fails_fast_instead_of_hanging():
    # A server that accepts connections and never replies, as a hung Redis would.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        code = (
            "import time, django; django.setup()\n"
            "from django.core.cache import cache\n"
            "start = time.monotonic()\n"
            "try:\n"
            "    cache.get('x')\n"
            "except Exception as error:\n"
            "    print(type(error).__name__, round(time.monotonic() - start, 1))\n"
        )
        result = python(
            code, timeout=30, CACHE_URL=f"redis://127.0.0.1:{port}/0", CACHE_SOCKET_TIMEOUT="1"
        )

    name, seconds = result.stdout.split()
    assert name == "TimeoutError", result.stderr
    assert float(seconds) < 5


def test_replica_urls_become_replica_aliases_that_mirror_the_primary_in_tests():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(sorted(s.DATABASES), s.DATABASES['replica_1']['HOST'], "
        "s.DATABASES['replica_1']['TEST']['MIRROR'])"
    )
    result = python(
        code,
        DATABASE_URL="postgres://u@primary/r",
        DATABASE_REPLICA_URLS="postgres://u@one/r, postgres://u@two/r",
    )

    assert result.stdout.split() == [
        "['default',",
        "'replica_0',",
        "'replica_1']",
        "two",
        "default",
    ]


def test_a_replica_url_that_is_not_postgresql_stops_the_start():
    result = python(
        "import django; django.setup()",
        DATABASE_URL="postgres://u@primary/r",
        DATABASE_REPLICA_URLS="sqlite:///x",
    )

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS must name PostgreSQL databases" in result.stderr
