"""/healthz says the process answers; /readyz that this server can serve the site."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db.migrations.recorder import MigrationRecorder

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/healthz", "/readyz"])
def test_probes_answer_head_and_refuse_post(client, url):
    head = client.head(url)

    assert head.status_code == 200
    assert head.content == b""
    assert client.post(url).status_code == 405


def test_readyz_names_each_check_when_all_hold(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_readyz_is_unavailable_while_a_migration_is_not_applied(client):
    # As after deploying new code, before `migrate` ran (rolled back with the test).
    MigrationRecorder.Migration.objects.filter(app="affiliates").order_by("-id")[:1].get().delete()

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["migrations"] == "failing"
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_is_unavailable_when_the_cache_fails(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(cache, "set", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failing", "migrations": "ok"}
    assert "redis" not in response.content.decode()  # the details are logged, not published


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


def test_with_the_database_down_healthz_still_answers_and_readyz_names_the_database():
    # A process of its own whose DATABASE_URL names a port where no server listens.
    code = (
        "import django, json; django.setup(); from django.test import Client; c = Client(); "
        "h = c.get('/healthz'); r = c.get('/readyz'); "
        "print(json.dumps([h.status_code, h.json(), r.status_code, r.json()]))"
    )
    environ = os.environ | {
        "DJANGO_SETTINGS_MODULE": "homenet.settings",
        "DATABASE_URL": f"postgres://registry@127.0.0.1:{closed_port()}/registry",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    healthz_status, healthz, readyz_status, readyz = json.loads(result.stdout.splitlines()[-1])
    assert (healthz_status, healthz) == (200, {"status": "ok"})
    assert readyz_status == 503
    assert readyz == {
        "status": "unavailable",
        "checks": {"database": "failing", "cache": "ok", "migrations": "not checked"},
    }
    assert "Readiness check database failed" in result.stderr  # logged with the traceback
