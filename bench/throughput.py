"""`make throughput`: requests per second of the production set-up, page by page, on loopback.

Runs deploy/serve.sh (gunicorn with deploy/gunicorn.conf.py, DEBUG off: `make serve`) on a
free port against the bench database (var/postgres-bench/, 100,000 affiliates, seeded as
`make bench` seeds it), then asks the load generator of `make loadtest` for one page at a
time, each for 60 s at 16 keep-alive connections:

  empty        /healthz: the floor (gunicorn, Django's middleware, a JSON answer, no database)
  home         /
  directory    /directory/
  searches     /directory/?q=...: every request a different search (words, pairs of words,
               prefixes and typos drawn from the registry), so that each is asked once

The public cache is off (DIRECTORY_CACHE_SECONDS=0), as in `make bench`: every page is
computed for every request. Prints req/s, p50, p99 and errors per page, each page's req/s as
a share of the home page's, and writes bench/throughput.json.
Options: --seconds N (each page, default 60), --connections N (default 16).
"""

import argparse
import asyncio
import itertools
import json
import os
import platform
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

# Neighbours in bench/ (the folder Python puts first on the path for this script).
from load_generator import Phase, load, summary  # noqa: E402
from loadtest import free_port, gunicorn_pids, run, serve, site_env, stop  # noqa: E402

from homenet import embedded_db  # noqa: E402

DATA = ROOT / "var" / "postgres-bench"
WORK = ROOT / "var" / "throughput"
AFFILIATES = 100_000
SEED = 12
# What the searches' words are drawn from: words some affiliates have, not most.
MIDDLING = (0.0005, 0.05)


class Fixed:
    """The same path every time."""

    def __init__(self, path: str) -> None:
        self.path = path

    def next(self, rng: random.Random) -> str:
        return self.path


class Distinct:
    """A different search every time: the given queries once each, then each again with a
    filter (a region), then a page number, added: never the same URL twice in a run."""

    def __init__(self, queries: list[str], regions: list[str]) -> None:
        # Then a page number too: as many distinct URLs as any run asks.
        pages = itertools.chain([""], (f"&page={n}" for n in itertools.count(2)))
        filters = ["", *(f"&region={slug}" for slug in regions)]
        suffixes = (f"{region}{page}" for page in pages for region in filters)
        self._urls = (
            f"/directory/?q={query.replace(' ', '+')}{suffix}"
            for suffix in suffixes
            for query in queries
        )
        self.used = 0

    def next(self, rng: random.Random) -> str:
        self.used += 1
        return next(self._urls)


def distinct_searches(url: str) -> tuple[list[str], list[str]]:
    """Shuffled one-word, two-word, prefix and typo searches (fixed seed), and the regions."""
    import psycopg

    rng = random.Random(SEED)
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
        public = db.execute(
            "SELECT count(*) FROM affiliates_affiliate WHERE status = 'affiliated'"
        ).fetchone()[0]
        lexemes = db.execute(
            "SELECT word, ndoc FROM ts_stat($$SELECT search_vector FROM affiliates_affiliate "
            "WHERE status = 'affiliated'$$) ORDER BY word"
        ).fetchall()
        names = [
            name
            for (name,) in db.execute(
                "SELECT name FROM affiliates_affiliate WHERE status = 'affiliated' "
                "ORDER BY md5(slug) LIMIT 20000"
            )
        ]
        regions = [slug for (slug,) in db.execute("SELECT slug FROM regions_region ORDER BY 1")]
    low, high = (public * share for share in MIDDLING)
    words = [w for w, n in lexemes if w.isalpha() and len(w) >= 4 and low <= n <= high]
    pairs = sorted(
        {
            f"{a} {b}".lower()
            for name in names
            for a, b in itertools.pairwise(name.split())
            if a.isalpha() and b.isalpha() and len(a) >= 3 and len(b) >= 3
        }
    )
    prefixes = sorted({w[:4] for w in words if len(w) >= 6})
    typos = []
    for word in (w for w in words if len(w) >= 6 and w.isascii()):
        at = rng.randrange(1, len(word) - 1)
        typos.append(word[:at] + rng.choice("aeiourstnl".replace(word[at], "")) + word[at + 1 :])
    rng.shuffle(pairs)
    # About as people search: mostly a word or two, some prefixes and typos.
    queries = words + pairs[: len(words) * 2] + prefixes + typos
    rng.shuffle(queries)
    return list(dict.fromkeys(queries)), regions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    started_db = embedded_db.start(DATA)
    url = embedded_db.url(DATA)
    env = site_env(url, WORK, DIRECTORY_CACHE_SECONDS="0")
    site: subprocess.Popen[bytes] | None = None
    signal.signal(signal.SIGTERM, lambda _number, _frame: sys.exit(143))
    rows: list[dict[str, Any]] = []
    try:
        python = sys.executable
        run([python, "manage.py", "migrate", "--no-input", "-v0"], env)
        run([python, "manage.py", "seed_demo", "--if-empty", f"--affiliates={AFFILIATES}"], env)
        queries, regions = distinct_searches(url)
        port = free_port()
        site = serve(env, port, WORK / "serve.log")
        _master, workers = gunicorn_pids(site)
        print(f"Serving on 127.0.0.1:{port}: gunicorn with {len(workers)} workers")
        # Warm-up: every worker's connection, templates and translations (not the searches).
        warm = [Fixed(p) for p in ("/healthz", "/", "/directory/", "/directory/?q=zzzz")]
        for paths in warm:
            asyncio.run(load(Phase("warm-up", port, 8, 2), paths))
        searches = Distinct(queries, regions)
        for name, paths in (
            ("empty /healthz", Fixed("/healthz")),
            ("home /", Fixed("/")),
            ("directory /directory/", Fixed("/directory/")),
            ("distinct searches", searches),
        ):
            phase = Phase(name, port, args.connections, args.seconds)
            print(f"{name}: {args.seconds:.0f} s at {args.connections} connections...", flush=True)
            asyncio.run(load(phase, paths))
            rows.append(summary(phase))
    finally:
        stop(site)
        if started_db:
            embedded_db.stop(DATA)

    home = next(row["req_per_s"] for row in rows if row["phase"] == "home /")
    for row in rows:
        row["share_of_home"] = round(row["req_per_s"] / home, 2) if home else None
    columns = ["phase", "requests", "req_per_s", "share_of_home", "p50_ms", "p99_ms", "errors"]
    print()
    print(f"{columns[0]:<24}" + "".join(f"{c:>14}" for c in columns[1:]))
    for row in rows:
        print(f"{row['phase']:<24}" + "".join(f"{row[c]!s:>14}" for c in columns[1:]))
    print(f"Distinct searches asked: {searches.used:,}, each once.")
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "affiliates": AFFILIATES,
        "gunicorn_workers": len(workers),
        "connections": args.connections,
        "seconds": args.seconds,
        "public_cache": "off",
        "phases": rows,
    }
    (HERE / "throughput.json").write_text(json.dumps(report, indent=2) + "\n")
    print("Written to bench/throughput.json")
    errors = sum(row["errors"] for row in rows)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
