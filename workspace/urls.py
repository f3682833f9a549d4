from django.urls import path

from workspace import governance, views

app_name = "workspace"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("affiliates/", views.affiliate_list, name="affiliate_list"),
    path("affiliates/<slug:slug>/", views.affiliate_detail, name="affiliate_detail"),
    path("affiliates/<slug:slug>/edit/", views.affiliate_edit, name="affiliate_edit"),
    path("affiliates/<slug:slug>/confirm/", views.affiliate_confirm, name="affiliate_confirm"),
    path("declarations/", views.declarations_current, name="declarations_current"),
    path("declarations/<int:year>/", views.declarations, name="declarations"),
    path(
        "declarations/<int:year>/template.csv",
        views.declarations_template,
        name="declarations_template",
    ),
    path("export.csv", views.export_csv, name="export"),
    path("standing/", governance.standing, name="standing"),
    path("congresses/<slug:slug>/", governance.congress, name="congress"),
    path(
        "congresses/<slug:slug>/<slug:affiliate_slug>/",
        governance.congress_delegates,
        name="congress_delegates",
    ),
]
