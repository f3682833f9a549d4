"""`make bench` / `make bench-1m`: benchmarks on a PostgreSQL database (DATABASE_URL) of
100,000 affiliates, or of `--affiliates N`.

Sets Django up with production-like settings (DEBUG off, manifest static files), migrates,
seeds N affiliates when the database has fewer (reused otherwise), then runs every
`bench/bench_*.py` in name order (`--only public` runs bench_public.py alone). Each module has
`run() -> list[dict]` returning rows with `name`, `p50_ms`, `p95_ms`, `target` (e.g.
"p50<=15 p95<=40"), `ok` (bool or None), an optional `note` and, for a search, `sql_p50_ms`
(the bare SQL of the same search). Prints one table and writes the run into
bench/results.json under its size ("100k", "1m"), keeping the other sizes' runs.
"""

import argparse
import importlib.util
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AFFILIATES = 100_000
# The staff tools' benchmarks (import, export) have their targets at 100,000 affiliates.
ONLY_AT_100K = {"bench_staff"}

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homenet.settings")
# Production-like: no debug query log, hashed static names; requests come from the test client.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["SECURE_SSL_REDIRECT"] = "false"
# The bench signs staff in with force_login (no second factor to give): the middleware then
# costs the same session read as for a verified member of staff.
os.environ["STAFF_REQUIRE_OTP"] = "false"
os.environ.setdefault("STATIC_ROOT", str(Path(tempfile.gettempdir()) / "homenet-bench-static"))
os.environ.setdefault("LOG_LEVEL", "WARNING")
# bench_public.py measures with the public cache off (what the first visitor to ask meets);
# the setting only keeps other modules' entries from expiring mid-run.
os.environ.setdefault("DIRECTORY_CACHE_SECONDS", "3600")


def size_key(affiliates: int) -> str:
    return f"{affiliates // 1_000_000}m" if affiliates >= 1_000_000 else f"{affiliates // 1000}k"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--affiliates", type=int, default=AFFILIATES)
    parser.add_argument("--only", help="run bench_<ONLY>.py alone")
    args = parser.parse_args()
    affiliates = args.affiliates
    os.environ["BENCH_AFFILIATES"] = str(affiliates)
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    from affiliates.models import Affiliate

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    count = Affiliate.objects.count()
    if count < affiliates:
        print(f"Seeding {affiliates:,} affiliates (the database has {count:,})...")
        started = time.perf_counter()
        call_command("seed_demo", affiliates=affiliates, verbosity=0)
        print(f"Seeded in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        # Fresh statistics and visibility map, as a live database has them.
        cursor.execute("VACUUM ANALYZE")
        # The figures name the server; its locale decides what pg_trgm counts as a letter.
        cursor.execute(
            "SELECT version(), datctype FROM pg_database WHERE datname = current_database()"
        )
        version, ctype = cursor.fetchone()

    rows = []
    for path in sorted(HERE.glob("bench_*.py")):
        if args.only and path.stem != f"bench_{args.only}":
            continue
        if path.stem in ONLY_AT_100K and affiliates != AFFILIATES:
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        print(f"Running {path.name}...", flush=True)
        for row in module.run():
            rows.append({"module": path.stem, **row})

    print_table(rows)
    run = {
        "database": f"{version.split(' on ')[0]}, LC_CTYPE {ctype}",
        "affiliates": Affiliate.objects.count(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "method": (
            "warm process, in-process Django test client, public cache off; each search a "
            "distinct word asked once; median and 95th percentile in ms"
        ),
        "results": rows,
    }
    path = HERE / "results.json"
    try:
        results = json.loads(path.read_text())
    except (OSError, ValueError):
        results = {}
    if "results" in results:  # the earlier layout: one run, before sizes were kept apart
        results = {}
    key = size_key(affiliates)
    if args.only and key in results:
        # One module's rows replace its own, the other modules' stay.
        kept = [r for r in results[key]["results"] if r.get("module") != f"bench_{args.only}"]
        run["results"] = kept + rows
    results[key] = run
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    missed = [row["name"] for row in rows if row.get("ok") is False]
    print(f"Wrote {HERE / 'results.json'}; targets missed: {', '.join(missed) or 'none'}")
    # A benchmark, not a test: a missed target is reported, not an error.
    return 0


def print_table(rows: list[dict]) -> None:
    def fmt(value):
        if value is None:
            return "-"
        if isinstance(value, bool):
            return "ok" if value else "FAIL"
        if isinstance(value, float):
            return f"{value:.1f}"
        return str(value)

    headers = ["name", "p50_ms", "p95_ms", "target", "ok", "sql_p50_ms", "note"]
    table = [[fmt(row.get(h)) for h in headers] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(headers)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    sys.exit(main())
