"""Public statistics: /stats/ and its CSV downloads."""

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from affiliates import stats
from core.csv_writing import neutralise
from core.public_cache import cached
from public.figures import public_statistics


def stats_index(request: HttpRequest) -> HttpResponse:
    headline, figures = public_statistics()
    return render(request, "public/stats/index.html", {"figures": figures, "headline": headline})


def figure_csv_response(figure: stats.Figure) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="homenet-{figure.key}.csv"'
    writer = csv.writer(response)
    writer.writerow([figure.key, "organisations", "women", "men", "total"])
    for line in figure.lines:
        writer.writerow(
            [neutralise(line.label), line.organisations, line.women, line.men, line.total]
        )
    return response


def stats_csv(request: HttpRequest, key: str) -> HttpResponse:
    if key not in stats.FIGURES:
        raise Http404
    return figure_csv_response(
        cached("stats-figure", (key, get_language()), lambda: stats.figure(key))
    )
