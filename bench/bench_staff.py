"""Benchmarks of the staff tools: importing and exporting affiliates (issue 6).

`make bench` (bench/run.py) calls run() against the 100,000-affiliate bench database. On its own:
    DATABASE_URL=postgres://... python bench/bench_staff.py
"""

import statistics
import time
import tracemalloc

IMPORT_ROWS = 10_000
IMPORT_ROUNDS = 3
EXPORT_ROWS_TARGET = 100_000
PREFIX = "Bench Import Organisation"


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def _row(name: str, samples: list[float], target_ms: float, target: str, note: str = "") -> dict:
    p50, p95 = _percentiles(samples)
    return {
        "name": name,
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "target": target,
        "ok": p95 <= target_ms,
        "note": note,
    }


def _rounds() -> str:
    return f"{IMPORT_ROUNDS} rounds; p95 is the slowest"


def _import_file(city: str) -> bytes:
    from core.csv_writing import csv_lines
    from regions.models import RegionCountry

    countries = list(RegionCountry.objects.values_list("country", flat=True))
    header = ["name", "country", "organisation_type", "piece_rate_workers", "sectors", "city"]
    rows = [header]
    for n in range(IMPORT_ROWS):
        rows.append([f"{PREFIX} {n}", countries[n % len(countries)], "union", "yes", "", city])
    return "".join(csv_lines(rows)).encode()


def _clean_up() -> None:
    import pgtrigger

    from affiliates.models import Affiliate
    from audit.history import events_of

    imported = Affiliate.objects.filter(name__startswith=PREFIX)
    pks = list(imported.values_list("pk", flat=True))
    # Bench rows leave no trace: no deletion history, and their creation history goes too.
    with pgtrigger.ignore("affiliates.Affiliate:delete_delete"):
        imported.delete()
    events_of(Affiliate).objects.filter(pgh_obj_id__in=pks).delete()


def _timed_import(content: bytes, user) -> tuple[float, object]:
    from spreadsheets.importing import affiliates_import

    started = time.perf_counter()
    report = affiliates_import(content=content, filename="bench.csv", user=user)
    return (time.perf_counter() - started) * 1000, report


def run() -> list[dict]:
    from django.contrib.auth import get_user_model

    from affiliates.models import Affiliate
    from spreadsheets.exports import export_csv_chunks

    user = get_user_model().objects.filter(is_staff=True).order_by("pk").first()
    rows = []
    # Three rounds of (new rows, then the same rows as updates), each from a clean slate: one
    # sample each would say more about this shared machine's moment than about the code.
    created, updated = [], []
    for _ in range(IMPORT_ROUNDS):
        _clean_up()
        try:
            elapsed, report = _timed_import(_import_file("Bench City"), user)
            assert report.written and report.counts["create"] == IMPORT_ROWS, report.summary()
            created.append(elapsed)
            elapsed, report = _timed_import(_import_file("Bench Town"), user)
            assert report.written and report.counts["update"] == IMPORT_ROWS, report.summary()
            updated.append(elapsed)
        finally:
            _clean_up()
    rows.append(_row("import 10,000 new rows (CSV)", created, 5000, "≤ 5 s", _rounds()))
    rows.append(_row("re-import 10,000 rows as updates", updated, 10000, "≤ 10 s", _rounds()))

    queryset = Affiliate.objects.all()
    count = queryset.count()
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        size = sum(len(chunk) for chunk in export_csv_chunks(queryset))
        samples.append((time.perf_counter() - started) * 1000)
    # Memory in a separate run: tracemalloc slows everything it watches.
    tracemalloc.start()
    for _ in export_csv_chunks(queryset):
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    note = (
        f"{count:,} rows, {size / 2**20:.0f} MB of CSV streamed; peak Python memory "
        f"{peak / 2**20:.1f} MB"
    )
    rows.append(_row(f"export {count:,} rows as CSV", samples, 2000, "≤ 2 s, flat memory", note))
    return rows


if __name__ == "__main__":
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homenet.settings")
    import django

    django.setup()
    for result in run():
        print(result)
