from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import public, workspace
from api.views.base import NotFoundView

app_name = "api"

urlpatterns = [
    path("affiliates/", public.AffiliateList.as_view(), name="affiliates"),
    path("affiliates/<str:slug>/", public.AffiliateDetail.as_view(), name="affiliate"),
    path("affiliates/<str:slug>/jsonld/", public.AffiliateJsonLd.as_view(), name="jsonld"),
    path("regions/", public.RegionList.as_view(), name="regions"),
    path("sectors/", public.SectorList.as_view(), name="sectors"),
    path("stats/", public.Statistics.as_view(), name="stats"),
    # With a token
    path("records/", workspace.RecordList.as_view(), name="records"),
    path("records/<str:slug>/", workspace.RecordDetail.as_view(), name="record"),
    path(
        "records/<str:slug>/transitions/",
        workspace.Transition.as_view(),
        name="transition",
    ),
    path("declarations/", workspace.Declarations.as_view(), name="declarations"),
    path("applications/", workspace.Applications.as_view(), name="applications"),
    # The description and its documentation page (Swagger UI from drf-spectacular-sidecar's
    # static files; its start-up script is a file too, ?script: no inline script for the CSP).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/v1/ is a 404 in problem details, not the site's HTML page.
    re_path(r"^.*$", NotFoundView.as_view(), name="not_found"),
]
