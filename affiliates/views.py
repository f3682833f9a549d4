from django.shortcuts import render

from regions.models import Region

from .selectors import public_figures


def home(request):
    return render(
        request,
        "affiliates/home.html",
        {"figures": public_figures(), "regions": Region.objects.all()},
    )
