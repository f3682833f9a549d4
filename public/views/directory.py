"""Home, the directory with its CSV, and the affiliates' public profiles."""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from affiliates.models import Affiliate
from affiliates.selectors import public_countries
from core.public_cache import cached
from public.directory import directory_page, directory_results
from public.figures import regions_with_figures
from public.profiles import public_profile
from public.world_map import world_map
from spreadsheets.exports import directory_csv


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    figures, regions = regions_with_figures()
    # One grouped query for the map's figures, cached; the map itself is drawn per language.
    per_country = cached("countries", (), public_countries)
    return render(
        request,
        "public/home.html",
        {"figures": figures, "regions": regions, "map": world_map(per_country)},
    )


@require_safe
def directory(request: HttpRequest) -> HttpResponse:
    shown = directory_page(request.GET)
    return render(
        request,
        "public/directory.html",
        {
            **vars(shown),
            "sorts": [
                ("relevance", _("Best match")),
                ("name", _("Name")),
                ("-members", _("Most members")),
                ("-affiliated", _("Most recently affiliated")),
            ],
        },
    )


@require_safe
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    # Not public reads exactly like not existing: 404 either way.
    shown = public_profile(slug, request.build_absolute_uri)
    return render(request, "public/profile.html", vars(shown))


@require_safe
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The directory's search and filters as CSV of public fields, streamed."""
    # Each row's profile address is this plus the slug and a slash.
    profile_base = request.build_absolute_uri(Affiliate(slug="x").get_absolute_url())
    response = StreamingHttpResponse(
        directory_csv(directory_results(request.GET), profile_base.removesuffix("x/")),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="homenet-directory.csv"'
    return response
