from django.urls import path

from staff import governance, views

app_name = "staff"

urlpatterns = [
    path("changes/", views.changes, name="changes"),
    path("stats/", views.dashboard, name="dashboard"),
    path("dues/<int:year>/", governance.dues, name="dues"),
    path("dues/<int:year>.csv", governance.dues_csv, name="dues_csv"),
    path("congresses/", governance.congresses, name="congresses"),
    path("congresses/<slug:slug>/credentials/", governance.credentials, name="credentials"),
    path(
        "congresses/<slug:slug>/credentials/print/",
        governance.credentials_print,
        name="credentials_print",
    ),
    path(
        "congresses/<slug:slug>/credentials.csv",
        governance.credentials_csv,
        name="credentials_csv",
    ),
]
