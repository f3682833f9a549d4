"""The public site: home, the directory and its CSV, profiles, regions' pages and statistics.

The URL names keep their namespaces (affiliates:, regions:, stats:) so that templates, tests
and anyone's bookmarks of /regions/ and /stats/ stay as they were.
"""

from django.urls import include, path

from public.views import directory, regions, stats

directory_patterns = (
    [
        path("", directory.home, name="home"),
        path("directory/", directory.directory, name="directory"),
        path("directory/export.csv", directory.export_csv, name="export_csv"),
        path("affiliates/<slug:slug>/", directory.profile, name="profile"),
    ],
    "affiliates",
)
region_patterns = (
    [
        path("", regions.region_list, name="list"),
        path("<slug:slug>/", regions.region_detail, name="detail"),
    ],
    "regions",
)
stats_patterns = (
    [
        path("", stats.stats_index, name="index"),
        path("<slug:key>.csv", stats.stats_csv, name="csv"),
    ],
    "stats",
)

urlpatterns = [
    path("regions/", include(region_patterns)),
    path("stats/", include(stats_patterns)),
    path("", include(directory_patterns)),
]
