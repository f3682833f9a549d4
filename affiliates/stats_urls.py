from django.urls import path

from . import views_stats

app_name = "stats"

urlpatterns = [
    path("", views_stats.stats_index, name="index"),
    path("<slug:key>.csv", views_stats.stats_csv, name="csv"),
]
