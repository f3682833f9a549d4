"""The public, read-only API: the directory, profiles, regions, sectors and statistics.

Each view calls the selector its page calls (public/directory.py, public/profiles.py,
public/figures.py): the same search, filters and published fields, public affiliates only.
"""

from typing import Any

from django.db.models import DateField, FloatField, Value
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from affiliates.choices import OrganisationType, WorkerCategory
from api.pagination import Cursor
from api.serializers import (
    PublicAffiliateDetailSerializer,
    PublicAffiliateSerializer,
    RegionListSerializer,
    SectorSerializer,
    StatsSerializer,
)
from api.views.base import PublicView
from api.views.docs import problems
from core.public_cache import cached
from public.directory import directory_matches, directory_sectors, sectors_of
from public.figures import public_statistics, regions_with_figures
from public.profiles import public_profile

# Each sort of the directory as a cursor's ordering: the first column places the cursor, the
# others break ties (pk last, so the order is total).
CURSOR_ORDERINGS = {
    "relevance": ("-rank", "name", "pk"),
    "name": ("name", "pk"),
    "-members": ("-members_total", "name", "pk"),
    "-affiliated": ("-affiliated_key", "name", "pk"),
}

AFFILIATE_EXAMPLE = {
    "slug": "sewa-bharat",
    "name": "Sewa Bharat",
    "acronym": "SB",
    "url": "https://registry.example.org/affiliates/sewa-bharat/",
    "organisation_type": "union",
    "organisation_type_label": "Trade union",
    "city": "Ahmedabad",
    "country": "IN",
    "country_name": "India",
    "region": {"slug": "south-asia", "name": "HomeNet South Asia"},
    "description": "Embroidery and garment workers.",
    "founded_year": 1984,
    "languages": "Gujarati, Hindi",
    "website": "https://example.org",
    "worker_categories": ["piece_rate"],
    "sectors": [{"slug": "embroidery", "name": "Embroidery"}],
    "members": {"women": 1200, "men": 30, "total": 1230, "year": 2025},
    "public_email": None,
    "public_phone": None,
    "parent_network": None,
}

DIRECTORY_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description=(
            "Search words: each matches the start of a word of the name, acronym, city, "
            "sectors or description; when nothing matches, names that look like them (typos)."
        ),
        examples=[OpenApiExample("A word's start", value="embro")],
    ),
    OpenApiParameter("region", str, description="A region's slug (see /regions/)."),
    OpenApiParameter("country", str, description="An ISO 3166-1 alpha-2 country code."),
    OpenApiParameter(
        "type", str, enum=["", *OrganisationType.values], description="Type of organisation."
    ),
    OpenApiParameter(
        "worker", str, enum=["", *WorkerCategory.values], description="Category of workers."
    ),
    OpenApiParameter("sector", str, description="A sector's slug (see /sectors/)."),
    OpenApiParameter(
        "sort",
        str,
        enum=["", *CURSOR_ORDERINGS],
        description="Order: relevance (with q, the default then), name (else the default), "
        "-members (largest first), -affiliated (latest first).",
    ),
]


class DirectoryParams(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=OrganisationType.values, required=False, allow_blank=True
    )
    worker = serializers.ChoiceField(
        choices=WorkerCategory.values, required=False, allow_blank=True
    )
    sort = serializers.ChoiceField(choices=list(CURSOR_ORDERINGS), required=False, allow_blank=True)


class AffiliateList(PublicView):
    """The public directory: its search and every filter, a page at a time."""

    serializer_class = PublicAffiliateSerializer
    pagination_class = Cursor
    cursor_ordering: tuple[str, ...] = ()

    @extend_schema(
        operation_id="affiliates_list",
        summary="Search the directory",
        description=(
            "Affiliated organisations only, with the fields of their public profiles (the "
            "public email and phone only with their consent). An unknown filter value is "
            "left out, with a note in `notes`, as the directory page does."
        ),
        parameters=DIRECTORY_PARAMETERS,
        responses={200: PublicAffiliateSerializer(many=True), **problems(400, 401, 404, 429)},
        examples=[
            OpenApiExample(
                "A page",
                value=AFFILIATE_EXAMPLE,
                response_only=True,
            )
        ],
        tags=["public"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Values of the wrong kind are a 400; a region, country or sector nobody has is left
        # out with a note, as the directory page does.
        DirectoryParams(data=request.query_params).is_valid(raise_exception=True)
        # A page is cached as the directory's page ids are (core.public_cache: until the next
        # write, at most DIRECTORY_CACHE_SECONDS); its labels are in the request's language and
        # its links carry the host, hence the key.
        key = (request.build_absolute_uri(), get_language())
        return Response(cached("api-affiliates", key, lambda: self._page(request)))

    def _page(self, request: Request) -> dict[str, Any]:
        query, results = directory_matches(request.query_params)
        sort = query.effective_sort
        if sort == "relevance":
            # Rank as double precision: the cursor keeps it as text and must compare it exactly.
            results = results.annotate(rank=Cast("relevance", FloatField()))
        elif sort == "-affiliated":
            results = results.annotate(
                affiliated_key=Coalesce("affiliated_on", Value("0001-01-01", DateField()))
            )
        self.cursor_ordering = CURSOR_ORDERINGS[sort]
        # The parent network in a second query of at most a page's rows: joined, PostgreSQL
        # reads it for every match before sorting them.
        results = results.select_related("region").prefetch_related("parent_network")
        page = self.paginate_queryset(results) or []
        self.paginator.notes = query.notes
        context = {**self.get_serializer_context(), "sectors_of": sectors_of(page)}
        serializer = self.get_serializer(page, many=True, context=context)
        return dict(self.get_paginated_response(serializer.data).data)


SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The affiliate's slug.")


class AffiliateDetail(PublicView):
    serializer_class = PublicAffiliateDetailSerializer

    @extend_schema(
        operation_id="affiliates_retrieve",
        summary="One public affiliate",
        description="Its public profile as data; a non-public affiliate is a 404.",
        parameters=[SLUG],
        responses={200: PublicAffiliateDetailSerializer, **problems(401, 404, 429)},
        examples=[
            OpenApiExample(
                "A profile",
                value={**AFFILIATE_EXAMPLE, "member_organisations": []},
                response_only=True,
            )
        ],
        tags=["public"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def read(self, request: Request, slug: str) -> Response:
        profile = public_profile(slug, request.build_absolute_uri)
        context = {**self.get_serializer_context(), "members": profile.members}
        return Response(PublicAffiliateDetailSerializer(profile.affiliate, context=context).data)


class JSONLDRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class AffiliateJsonLd(PublicView):
    renderer_classes = [JSONLDRenderer]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # One representation, whatever Accept says: schema.org's JSON-LD.
        return (JSONLDRenderer(), JSONLDRenderer.media_type)

    @extend_schema(
        operation_id="affiliates_jsonld",
        summary="One public affiliate as schema.org JSON-LD",
        description="The schema.org Organization its profile page carries.",
        parameters=[SLUG],
        responses={
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            **problems(401, 404, 429),
        },
        examples=[
            OpenApiExample(
                "An organisation",
                value={
                    "@context": "https://schema.org",
                    "@type": "Organization",
                    "name": "Sewa Bharat",
                    "url": "https://registry.example.org/affiliates/sewa-bharat/",
                    "address": {"@type": "PostalAddress", "addressCountry": "IN"},
                    "memberOf": {"@type": "Organization", "name": "HomeNet South Asia"},
                },
                response_only=True,
            )
        ],
        tags=["public"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def read(self, request: Request, slug: str) -> Response:
        return Response(public_profile(slug, request.build_absolute_uri).schema_org)


class RegionList(PublicView):
    @extend_schema(
        operation_id="regions_list",
        summary="Regional networks with their countries and figures",
        responses={200: RegionListSerializer, **problems(401, 429)},
        tags=["public"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def read(self, request: Request) -> Response:
        network, regions = regions_with_figures()
        return Response(RegionListSerializer({"network": network, "results": regions}).data)


class SectorList(PublicView):
    @extend_schema(
        operation_id="sectors_list",
        summary="Sectors (the directory's sector filter takes their slugs)",
        responses={200: SectorSerializer(many=True), **problems(401, 429)},
        tags=["public"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def read(self, request: Request) -> Response:
        return Response(SectorSerializer(directory_sectors(), many=True).data)


class Statistics(PublicView):
    @extend_schema(
        operation_id="stats_retrieve",
        summary="The statistics of /stats/",
        description="Affiliated organisations and members by region, type, worker category, "
        "gender and year of declaration; labels in the request's language.",
        responses={200: StatsSerializer, **problems(401, 429)},
        tags=["public"],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return super().get(request, *args, **kwargs)

    def read(self, request: Request) -> Response:
        headline, figures = public_statistics()
        return Response(StatsSerializer({"headline": headline, "figures": figures}).data)
