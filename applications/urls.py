from django.urls import path

from applications.views import public, review

app_name = "applications"

urlpatterns = [
    path("apply/", public.apply, name="apply"),
    path("apply/thanks/", public.thanks, name="thanks"),
    path("apply/status/", public.status, name="status"),
    path("workspace/applications/", review.queue, name="queue"),
    path("workspace/applications/<str:reference>/", review.detail, name="detail"),
    path("workspace/applications/<str:reference>/decide/", review.decide, name="decide"),
    path("workspace/applications/<str:reference>/document/", review.document, name="document"),
    # Before the workspace's /workspace/affiliates/<slug>/ (see homenet/urls.py).
    path("workspace/affiliates/new/", review.register, name="register"),
]
