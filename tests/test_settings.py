"""The registry runs on PostgreSQL only: the embedded server by default, never SQLite."""

import os
import subprocess
import sys
from pathlib import Path

import dj_database_url

from homenet import embedded_db

ROOT = Path(__file__).resolve().parent.parent


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ |= {"DJANGO_SETTINGS_MODULE": "homenet.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
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
