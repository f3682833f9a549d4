from django.urls import path

from . import views

app_name = "affiliates"

urlpatterns = [
    path("", views.home, name="home"),
]
