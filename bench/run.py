"""`make bench`: benchmarks on a 100,000-affiliate PostgreSQL database (DATABASE_URL).

Sets Django up with production-like settings (DEBUG off, manifest static files), migrates,
seeds 100,000 affiliates when the database has fewer (reused otherwise), then runs every
`bench/bench_*.py` in name order. Each module has `run() -> list[dict]` returning rows with
`name`, `p50_ms`, `p95_ms`, `target` (e.g. "p50<=15 p95<=40"), `ok` (bool or None) and an
optional `note`. Prints one table and writes bench/results.json.
"""

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

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homenet.settings")
# Production-like: no debug query log, hashed static names; requests come from the test client.
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ.setdefault("STATIC_ROOT", str(Path(tempfile.gettempdir()) / "homenet-bench-static"))
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Warm means cached: entries must not expire in the middle of a run (bench_public.py also
# measures the public pages with the cache off).
os.environ.setdefault("DIRECTORY_CACHE_SECONDS", "3600")


def main() -> int:
    import django
    from django.core.management import call_command

    django.setup()
    from django.db import connection

    from affiliates.models import Affiliate

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    count = Affiliate.objects.count()
    if count < AFFILIATES:
        print(f"Seeding {AFFILIATES:,} affiliates (the database has {count:,})...")
        started = time.perf_counter()
        call_command("seed_demo", affiliates=AFFILIATES, verbosity=0)
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
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        print(f"Running {path.name}...", flush=True)
        for row in module.run():
            rows.append({"module": path.stem, **row})

    print_table(rows)
    results = {
        "database": f"{version.split(' on ')[0]}, LC_CTYPE {ctype}",
        "affiliates": Affiliate.objects.count(),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "method": "warm, in-process Django test client; median and 95th percentile in ms",
        "results": rows,
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
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

    headers = ["name", "p50_ms", "p95_ms", "target", "ok", "note"]
    table = [[fmt(row.get(h)) for h in headers] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(headers)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    sys.exit(main())
