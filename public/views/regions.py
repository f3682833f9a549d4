from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from affiliates.choices import OrganisationType
from affiliates.models import Affiliate
from affiliates.search import name_order
from affiliates.selectors import region_figures
from core.public_cache import cached
from public.figures import regions_with_figures
from public.world_map import world_map
from regions.models import Region

AFFILIATES_SHOWN = 25


@require_safe
def region_list(request: HttpRequest) -> HttpResponse:
    _network, regions = regions_with_figures()
    return render(request, "public/regions/list.html", {"regions": regions})


@require_safe
def region_detail(request: HttpRequest, slug: str) -> HttpResponse:
    region = get_object_or_404(Region, slug=slug)
    public = Affiliate.objects.public().in_region(region)
    figures, per_country, by_type, affiliates = cached(
        "region",
        region.pk,
        lambda: (
            *region_figures(region.pk),
            list(public.order_by("name", "pk").values("name", "slug", "city")[:AFFILIATES_SHOWN]),
        ),
    )
    countries = [
        # django-countries' stubs keep CharField's str; the field gives a Country.
        (covered.country, per_country.get(covered.country.code, 0))  # type: ignore[attr-defined]
        for covered in region.countries.all()
    ]
    covered = [str(country.code) for country, _count in countries]  # type: ignore[attr-defined]
    types = dict(OrganisationType.choices)
    by_type = [
        {**row, "label": types.get(row["organisation_type"], row["organisation_type"])}
        for row in by_type
    ]
    return render(
        request,
        "public/regions/detail.html",
        {
            "region": region,
            "figures": figures,
            "countries": sorted(countries, key=lambda item: name_order(str(item[0].name))),
            "by_type": by_type,
            "affiliates": affiliates,
            "map": world_map(per_country, framed=covered, region=region.slug),
        },
    )
