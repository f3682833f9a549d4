from django.urls import path

from . import views

app_name = "affiliates"

urlpatterns = [
    path("", views.home, name="home"),
    path("directory/", views.directory, name="directory"),
    path("directory/export.csv", views.export_csv, name="export_csv"),
    path("affiliates/<slug:slug>/", views.profile, name="profile"),
]
