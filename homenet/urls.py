from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core import errors, health

admin.site.site_header = _("HomeNet Registry administration")
admin.site.site_title = _("HomeNet Registry")
admin.site.index_title = _("Registry administration")

# The site's own error pages, in the visitor's language (core/errors.py).
handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error

urlpatterns = [
    # Probes for load balancers and monitors (core/health.py), outside every language and app.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/tokens/", include("api.token_urls")),
    path("accounts/", include("accounts.urls")),
    # The JSON API and its description (api/, README "API").
    path("api/v1/", include("api.urls")),
    path("staff/", include("staff.urls")),
    # /apply/... for applicants, /workspace/applications/... and /workspace/affiliates/new/ for
    # reviewers: before the workspace, whose /workspace/affiliates/<slug>/ would catch "new".
    path("", include("applications.urls")),
    path("workspace/", include("workspace.urls")),
    path("", include("public.urls")),
]
