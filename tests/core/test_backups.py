"""`make backup` / `make restore`: the demo registry and its documents come back whole."""

import io
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from psycopg import sql

from core import backups

pytestmark = pytest.mark.django_db(transaction=True)


def _fingerprint(database):
    """Every public table's row count and md5 of its rows in order, and every sequence."""
    with backups.connect(database) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        prints = {}
        for table in tables:
            query = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                " FROM {} AS t"
            ).format(sql.Identifier(table))
            prints[table] = conn.execute(query).fetchone()
        for name, value in conn.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ):
            prints[f"sequence {name}"] = value
    return prints


def _files(root: Path):
    return {
        str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


@pytest.fixture
def empty_database():
    """A new, empty database on the test database's server, dropped afterwards."""
    default = settings.DATABASES["default"]
    target = {**default, "NAME": f"restore_{uuid.uuid4().hex[:12]}"}
    with backups.connect({**default, "NAME": "postgres"}) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target["NAME"])))
    yield target
    with backups.connect({**default, "NAME": "postgres"}) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(target["NAME"]))
        )


def test_backup_then_restore_gives_back_the_registry_and_its_documents(
    settings, tmp_path, empty_database
):
    call_command("seed_demo", affiliates=50, stdout=io.StringIO())
    settings.MEDIA_ROOT = tmp_path / "media"
    document = settings.MEDIA_ROOT / "documents" / "2026" / "statutes.pdf"
    document.parent.mkdir(parents=True)
    document.write_bytes(b"%PDF-1.4 statutes of HomeNet Nepal\n")
    (settings.MEDIA_ROOT / "logo.png").write_bytes(b"\x89PNG not really")

    out = io.StringIO()
    call_command("backup", folder=str(tmp_path / "backups"), stdout=out)

    archive = Path(out.getvalue().splitlines()[-1])
    assert archive.parent == tmp_path / "backups"
    assert archive.name.startswith("homenet-backup-") and archive.suffix == ".tar"
    assert archive.stat().st_mode & 0o077 == 0  # private contact details: owner only
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "db.dump" in names and "media/documents/2026/statutes.pdf" in names

    restored_media = tmp_path / "restored-media"
    backups.restore(archive, empty_database, restored_media, force=False)

    original = _fingerprint(settings.DATABASES["default"])
    assert original["affiliates_affiliate"][0] == 50
    assert _fingerprint(empty_database) == original
    assert _files(restored_media) == _files(settings.MEDIA_ROOT)


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
    settings, tmp_path, empty_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", affiliates=5, stdout=io.StringIO())
    out = io.StringIO()
    call_command("backup", folder=str(tmp_path / "backups"), stdout=out)
    archive = out.getvalue().splitlines()[-1]

    # The test database has the registry's tables (and rows): refused, nothing touched.
    before = _fingerprint(settings.DATABASES["default"])
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", archive, stdout=io.StringIO())
    assert _fingerprint(settings.DATABASES["default"]) == before

    # Any relation at all makes a database non-empty, even an empty table of another app.
    with backups.connect(empty_database) as conn:
        conn.execute("CREATE TABLE notes (id int)")
    with pytest.raises(backups.BackupError, match="not empty"):
        backups.restore(Path(archive), empty_database, tmp_path / "m", force=False)

    # FORCE=1 restores over it.
    backups.restore(Path(archive), empty_database, tmp_path / "m", force=True)
    after = _fingerprint(empty_database)
    assert after["affiliates_affiliate"] == before["affiliates_affiliate"]
    assert "notes" in after  # objects that are not in the archive stay


def test_restore_refuses_an_archive_with_paths_outside(tmp_path, empty_database):
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo("media/../../escape.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    with pytest.raises(backups.BackupError, match="unexpected member"):
        backups.restore(archive, empty_database, tmp_path / "m", force=False)
    assert not (tmp_path / "escape.txt").exists()
