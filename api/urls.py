from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api.views import public, workspace

app_name = "api"

urlpatterns = [
    path("affiliates/", public.AffiliateList.as_view(), name="affiliates"),
    path("affiliates/<slug:slug>/", public.AffiliateDetail.as_view(), name="affiliate"),
    path("affiliates/<slug:slug>/jsonld/", public.AffiliateJsonLd.as_view(), name="jsonld"),
    path("regions/", public.RegionList.as_view(), name="regions"),
    path("sectors/", public.SectorList.as_view(), name="sectors"),
    path("stats/", public.Statistics.as_view(), name="stats"),
    # With a token
    path("records/", workspace.RecordList.as_view(), name="records"),
    path("records/<slug:slug>/", workspace.RecordDetail.as_view(), name="record"),
    path(
        "records/<slug:slug>/transitions/",
        workspace.Transition.as_view(),
        name="transition",
    ),
    path("declarations/", workspace.Declarations.as_view(), name="declarations"),
    path("applications/", workspace.Applications.as_view(), name="applications"),
    # The description and its documentation page (Swagger UI from drf-spectacular-sidecar's
    # static files; its start-up script is a file too, ?script: no inline script for the CSP).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
