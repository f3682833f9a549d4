"""The load generator of `make loadtest` (bench/loadtest.py) and its figures: asyncio, plain
HTTP/1.1 with keep-alive, no dependency. It knows nothing of the site but the paths it is given."""

import asyncio
import contextlib
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

TIMEOUT = 10.0  # seconds a request may take before it counts as failed


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
