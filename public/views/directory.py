import json
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from affiliates import search
from affiliates.models import Affiliate, Sector
from affiliates.selectors import public_figures_by_region
from core.public_cache import cached
from regions.models import Region
from spreadsheets.directory_export import directory_csv


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    regions = list(Region.objects.all())
    figures, by_region = cached("figures", (), public_figures_by_region)
    for region in regions:
        region.figures = by_region.get(region.pk)
    return render(request, "public/home.html", {"figures": figures, "regions": regions})


def _directory_context(
    request: HttpRequest,
) -> tuple[search.DirectoryQuery, list[Region], list[Sector]]:
    regions = cached("regions", (), lambda: list(Region.objects.all()))
    sectors = cached("sectors", (), lambda: list(Sector.objects.all()))
    query = search.directory_parse(request.GET, regions, sectors)
    return query, regions, sectors


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    query, regions, sectors = _directory_context(request)
    facets = search.directory_facets(query, regions, sectors)
    results = search.directory_search(query, regions, sectors)
    page = search.directory_page(query, results, facets.total)
    # Empty result: each active filter (and the text) with the count of its removal is a hint.
    loosen: list[tuple[str, str]] = []
    if not facets.total:
        labels = {
            "q": _("the search words"),
            "region": _("the region"),
            "country": _("the country"),
            "type": _("the type of organisation"),
            "worker": _("the category of workers"),
            "sector": _("the sector"),
        }
        for name in ("q", *search.FACETS):
            if getattr(query, name):
                params = request.GET.copy()
                params.pop(name, None)
                params.pop("page", None)
                loosen.append((labels[name], "?" + params.urlencode()))
    return render(
        request,
        "public/directory.html",
        {
            "query": query,
            "facets": facets,
            "page": page,
            "loosen": loosen,
            "sorts": [
                ("relevance", _("Best match")),
                ("name", _("Name")),
                ("-members", _("Most members")),
                ("-affiliated", _("Most recently affiliated")),
            ],
            "max_listed": search.MAX_PAGES * search.PAGE_SIZE,
        },
    )


# As django.utils.html.json_script does: no value can then close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _json_ld(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json"> block, escaped like json_script.

    <, > and & become \\u escapes so that no value can close the script element.
    """
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))


@require_GET
def profile(request: HttpRequest, slug: str) -> HttpResponse:
    # Not public reads exactly like not existing: 404 either way.
    affiliate = get_object_or_404(Affiliate.objects.public().select_related("region"), slug=slug)
    parent = (
        Affiliate.objects.public().filter(pk=affiliate.parent_network_id).first()
        if affiliate.parent_network_id
        else None
    )
    members = list(affiliate.member_organisations.public().order_by("name").values("name", "slug"))
    sectors = list(affiliate.sectors.all())
    url = request.build_absolute_uri(affiliate_url(affiliate))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": affiliate.name,
        "url": url,
        "address": {
            "@type": "PostalAddress",
            "addressCountry": affiliate.country.code,
            **({"addressLocality": affiliate.city} if affiliate.city else {}),
        },
        "memberOf": {"@type": "Organization", "name": affiliate.region.name},
    }
    if affiliate.acronym:
        data["alternateName"] = affiliate.acronym
    if affiliate.description:
        data["description"] = affiliate.description
    if affiliate.website:
        data["sameAs"] = affiliate.website
    if affiliate.founded_year:
        data["foundingDate"] = str(affiliate.founded_year)
    if affiliate.shows_public_contact:
        if affiliate.public_email:
            data["email"] = affiliate.public_email
        if affiliate.public_phone:
            data["telephone"] = affiliate.public_phone
    return render(
        request,
        "public/profile.html",
        {
            "affiliate": affiliate,
            "parent": parent,
            "members": members,
            "sectors": sectors,
            "json_ld": _json_ld(data),
        },
    )


def affiliate_url(affiliate: Affiliate) -> str:
    return reverse("affiliates:profile", args=[affiliate.slug])


@require_GET
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The directory's search and filters as CSV of public fields, streamed."""
    query, regions, sectors = _directory_context(request)
    results = search.directory_search(query, regions, sectors)
    # Each row's profile address is this plus the slug and a slash.
    profile_base = request.build_absolute_uri(reverse("affiliates:profile", args=["x"]))
    profile_base = profile_base.removesuffix("x/")
    response = StreamingHttpResponse(
        directory_csv(results, profile_base), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="homenet-directory.csv"'
    return response
