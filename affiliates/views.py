import csv
import json

from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_countries import countries

from regions.models import Region

from . import search
from .models import Affiliate, OrganisationType, Sector
from .selectors import public_figures_by_region


@require_GET
def home(request):
    regions = list(Region.objects.all())
    figures, by_region = public_figures_by_region()
    for region in regions:
        region.figures = by_region.get(region.pk)
    return render(request, "affiliates/home.html", {"figures": figures, "regions": regions})


def _directory_context(request):
    regions = list(Region.objects.all())
    sectors = list(Sector.objects.all())
    query = search.directory_parse(request.GET, regions, sectors)
    return query, regions, sectors


@require_GET
def directory(request):
    query, regions, sectors = _directory_context(request)
    facets = search.directory_facets(query, regions, sectors)
    results = search.directory_search(query, regions, sectors)
    page = search.directory_page(query, results, facets.total)
    # Empty result: each active filter (and the text) with the count of its removal is a hint.
    loosen = []
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
        "affiliates/directory.html",
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


def _json_ld(data: dict) -> str:
    """JSON for a <script type="application/ld+json"> block, escaped like json_script.

    <, > and & become \\u escapes so that no value can close the script element.
    """
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_json_script_escapes))


@require_GET
def profile(request, slug):
    # Not public reads exactly like not existing: 404 either way.
    affiliate = get_object_or_404(Affiliate.objects.public().select_related("region"), slug=slug)
    parent = (
        Affiliate.objects.public().filter(pk=affiliate.parent_network_id).first()
        if affiliate.parent_network_id
        else None
    )
    members = list(affiliate.member_organisations.public().order_by("name").only("name", "slug"))
    sectors = list(affiliate.sectors.all())
    url = request.build_absolute_uri(affiliate_url(affiliate))
    data = {
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
        "affiliates/profile.html",
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


# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _Echo:
    def write(self, value):
        return value


@require_GET
def export_csv(request):
    """The directory's search and filters as CSV of public fields, streamed row by row."""
    query, regions, sectors = _directory_context(request)
    rows = (
        search.directory_search(query, regions, sectors)
        .values_list(
            "name",
            "acronym",
            "organisation_type",
            "country",
            "region__name",
            "city",
            "founded_year",
            "members_women",
            "members_men",
            "members_total",
            "members_year",
            "has_piece_rate_workers",
            "has_self_employed_workers",
            "sector_names",
            "languages",
            "website",
            "publish_contact",
            "public_email",
            "public_phone",
            "slug",
        )
        .iterator(chunk_size=2000)
    )
    types = dict(OrganisationType.choices)
    header = [
        _("Name"),
        _("Acronym"),
        _("Type of organisation"),
        _("Country code"),
        _("Country"),
        _("Regional network"),
        _("City or district"),
        _("Year founded"),
        _("Women members"),
        _("Men members"),
        _("Total members"),
        _("Membership declared for"),
        _("Piece-rate workers"),
        _("Self-employed workers"),
        _("Sectors"),
        _("Languages"),
        _("Website"),
        _("Public email"),
        _("Public phone"),
        _("Profile"),
    ]
    profile_base = request.build_absolute_uri(reverse("affiliates:profile", args=["x"]))[:-2]
    yes, no = _("yes"), _("no")

    def lines():
        writer = csv.writer(_Echo())
        # A byte-order mark: Excel then reads the file as UTF-8 (Devanagari, Thai, Cyrillic).
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            (name, acronym, org_type, country, region, city, founded, women, men, total, year,
             piece_rate, self_employed, sector_names, languages, website, consent, email, phone,
             slug) = row  # fmt: skip
            yield writer.writerow(
                [
                    _cell(value)
                    for value in (
                        name,
                        acronym,
                        types.get(org_type, org_type),
                        country,
                        countries.name(country),
                        region,
                        city,
                        founded,
                        women,
                        men,
                        total,
                        year,
                        yes if piece_rate else no,
                        yes if self_employed else no,
                        sector_names,
                        languages,
                        website,
                        email if consent else "",
                        phone if consent else "",
                        f"{profile_base}{slug}/",
                    )
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="homenet-directory.csv"'
    return response
