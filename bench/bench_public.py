"""Public pages: warm server time, measured with Django's test client in-process.

Each URL is requested a few times to warm caches (templates, translations, database buffers),
then timed over repeated requests: the time from the request entering Django to the last byte
of the response body (streamed bodies included). No network, no browser.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import clear_url_caches, include, path

from affiliates import search
from affiliates.models import Affiliate, Sector
from demo.demo_data import STAFF_USERNAME

WARMUP = 3
REPEAT = 40
SEARCH_TARGET = "p50<=15 p95<=40"
PAGE_TARGET = "p95<=50"


def _empty(request):
    return HttpResponse("")


urlpatterns = [
    path("__bench__/empty/", _empty),
    path("", include("homenet.urls")),
]


def _time(client: Client, url: str, repeat: int = REPEAT) -> tuple[float, float, int]:
    def once() -> int:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, (url, response.status_code)
        return len(body)

    for _ in range(WARMUP):
        size = once()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        once()
        samples.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(samples)
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[18]
    return p50, p95, size


def _row(name, client, url, target, note="", repeat=REPEAT):
    p50, p95, size = _time(client, url, repeat)
    limits = dict(part.split("<=") for part in target.split())
    ok = all({"p50": p50, "p95": p95}[key] <= float(limit) for key, limit in limits.items())
    return {
        "name": name,
        "url": url,
        "p50_ms": round(p50, 1),
        "p95_ms": round(p95, 1),
        "target": target,
        "ok": ok,
        "note": f"{note}; {size:,} bytes".lstrip("; "),
    }


def _csv_filter_of_about(rows: int) -> tuple[str, int]:
    """A region and type whose public affiliates number closest to `rows`."""
    from django.db.models import Count

    counts = (
        Affiliate.objects.public()
        .values("region__slug", "organisation_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    best = min(counts, key=lambda c: abs(c["n"] - rows))
    return f"region={best['region__slug']}&type={best['organisation_type']}", best["n"]


def _kind(word: str) -> str:
    return {"workers": "common word", "biratnagar": "rare word", "tejedors": "typo"}[word]


@override_settings(ROOT_URLCONF=__name__)
def run() -> list[dict]:
    clear_url_caches()
    client = Client()
    profile = Affiliate.objects.public().order_by("pk").values_list("slug", flat=True)[500]
    sector = Sector.objects.order_by("pk").first().slug
    common, rare, typo = "workers", "biratnagar", "tejedors"
    three = f"region=south-asia&type=union&sector={sector}"
    csv_filter, csv_rows = _csv_filter_of_about(10_000)
    rows = [
        _row("empty view (floor)", client, "/__bench__/empty/", PAGE_TARGET),
        _row("home /", client, "/", PAGE_TARGET),
        _row("directory unfiltered", client, "/directory/", PAGE_TARGET),
        _row(f"search common word ({common})", client, f"/directory/?q={common}", SEARCH_TARGET),
        _row(f"search rare word ({rare})", client, f"/directory/?q={rare}", SEARCH_TARGET),
        _row(f"search typo ({typo})", client, f"/directory/?q={typo}", SEARCH_TARGET),
        _row("three filters", client, f"/directory/?{three}", SEARCH_TARGET, three),
        _row(
            "directory page 2,000",
            client,
            "/directory/?page=2000",
            PAGE_TARGET,
            f"capped: answers with page {search.MAX_PAGES}, the last listed",
        ),
        _row("profile", client, f"/affiliates/{profile}/", PAGE_TARGET),
        _row("regions /regions/", client, "/regions/", PAGE_TARGET),
        _row("region page", client, "/regions/south-asia/", PAGE_TARGET),
        _row(
            f"CSV export ({csv_rows:,} rows)",
            client,
            f"/directory/export.csv?{csv_filter}",
            PAGE_TARGET,
            csv_filter,
            repeat=15,
        ),
    ]

    # The demo staff user (international staff group), as seeded.
    # The same pages with nothing cached: what a visitor meets on a cache miss.
    with override_settings(DIRECTORY_CACHE_SECONDS=0):
        for name, url in [
            ("directory unfiltered", "/directory/"),
            (f"search common word ({common})", f"/directory/?q={common}"),
            (f"search rare word ({rare})", f"/directory/?q={rare}"),
            (f"search typo ({typo})", f"/directory/?q={typo}"),
            ("three filters", f"/directory/?{three}"),
            ("home /", "/"),
            ("region page", "/regions/south-asia/"),
        ]:
            row = _row(f"{name}, cache off", client, url, "p50<=100000", "", repeat=8)
            row["target"], row["ok"] = "-", None
            rows.append(row)

    # The API's list with a search, beside the directory page for the same search (issue 15:
    # no slower). Rates raised: the bench is one client asking hundreds of times a minute.
    with override_settings(API_THROTTLE_RATES={"anon": "1000000/minute", "token": "1/minute"}):
        for word, cache_off in [(w, off) for off in (False, True) for w in (common, rare, typo)]:
            suffix = ", cache off" if cache_off else ""
            with override_settings(DIRECTORY_CACHE_SECONDS=0 if cache_off else 3600):
                api = _row(
                    f"API list search ({word}){suffix}",
                    client,
                    f"/api/v1/affiliates/?q={word}",
                    "p50<=100000",
                    "first page of 25, JSON",
                    repeat=8 if cache_off else REPEAT,
                )
            api["target"], api["ok"] = "-", None
            rows.append(api)
            directory = next(
                r for r in rows if r["name"] == f"search {_kind(word)} ({word}){suffix}"
            )
            ratio = api["p50_ms"] / max(directory["p50_ms"], 0.01)
            rows.append(
                {
                    "name": f"speed ratio API / directory ({word}){suffix}",
                    "p50_ms": None,
                    "p95_ms": None,
                    "target": "ratio<=1",
                    "ok": ratio <= 1,
                    "note": f"{ratio:.2f}x (p50)",
                }
            )

    staff = get_user_model().objects.get(username=STAFF_USERNAME)
    admin = Client()
    admin.force_login(staff)
    for word in (common, rare, typo):
        directory = next(r for r in rows if r["url"] == f"/directory/?q={word}")
        row = _row(
            f"admin changelist search ({word})",
            admin,
            f"/admin/affiliates/affiliate/?q={word}",
            "p50<=100000",
            "the peer a staff user would use",
            repeat=10,
        )
        row["target"], row["ok"] = "-", None
        rows.append(row)
        ratio = row["p50_ms"] / max(directory["p50_ms"], 0.01)
        rows.append(
            {
                "name": f"speed ratio admin / directory ({word})",
                "p50_ms": None,
                "p95_ms": None,
                "target": "ratio>=10",
                "ok": ratio >= 10,
                "note": f"{ratio:.1f}x (p50)",
            }
        )
    clear_url_caches()
    return rows
