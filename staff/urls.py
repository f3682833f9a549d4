from django.urls import path

from staff import views

app_name = "staff"

urlpatterns = [
    path("changes/", views.changes, name="changes"),
    path("stats/", views.dashboard, name="dashboard"),
]
