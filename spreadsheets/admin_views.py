"""Import and export of affiliates in the admin: a mixin for AffiliateAdmin.

Export: admin actions for the selection, and links exporting the changelist's current filter
(the same ChangeList the page uses applies the filters, so the file matches the screen).
Import: upload, preview (a dry run), confirm. The previewed file waits in the database
(spreadsheets.ImportUpload), so the confirming request may reach any app server.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spreadsheets.exports import ExportTooLarge, export_csv_chunks, xlsx_bytes
from spreadsheets.importing import REFUSED, affiliates_import
from spreadsheets.uploads import import_upload_get, import_upload_store

if TYPE_CHECKING:
    from affiliates.models import Affiliate

    # What the mixin is mixed into, for the checker only: at run time it stays a plain mixin.
    _ModelAdmin = admin.ModelAdmin[Affiliate]
else:
    _ModelAdmin = object

PREVIEW_ROWS = 500


def csv_response(queryset) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        export_csv_chunks(queryset), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="affiliates-{stamp}.csv"'
    return response


def xlsx_response(queryset) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(queryset),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="affiliates-{stamp}.xlsx"'
    return response


class AffiliateSpreadsheetMixin(_ModelAdmin):
    change_list_template = "admin/affiliates/affiliate/change_list.html"

    def get_actions(self, request):
        # Added here rather than in `actions`, so other modules may set `actions` freely.
        actions = super().get_actions(request)
        if self.has_view_permission(request):
            for name in ("export_selected_csv", "export_selected_xlsx"):
                actions[name] = self.get_action(name)
        return actions

    @staticmethod
    def _export_xlsx_or_refuse(modeladmin, request, queryset):
        try:
            return xlsx_response(queryset)
        except ExportTooLarge:
            modeladmin.message_user(
                request,
                _("An XLSX export holds at most %(max)d rows: export CSV instead.")
                % {"max": settings.EXPORT_XLSX_MAX_ROWS},
                messages.ERROR,
            )
            return None

    @admin.action(description=gettext_lazy("Export the selected affiliates (CSV)"))
    def export_selected_csv(self, request, queryset):
        return csv_response(queryset)

    @admin.action(description=gettext_lazy("Export the selected affiliates (XLSX)"))
    def export_selected_xlsx(self, request, queryset):
        return self._export_xlsx_or_refuse(self, request, queryset)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("export/csv/", wrap(self.export_filtered_csv), name="affiliates_affiliate_csv"),
            path("export/xlsx/", wrap(self.export_filtered_xlsx), name="affiliates_affiliate_xlsx"),
            path("import/", wrap(self.import_view), name="affiliates_affiliate_import"),
            *super().get_urls(),
        ]

    def _filtered_queryset(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self.get_changelist_instance(request).get_queryset(request)

    def export_filtered_csv(self, request):
        return csv_response(self._filtered_queryset(request))

    def export_filtered_xlsx(self, request):
        response = self._export_xlsx_or_refuse(self, request, self._filtered_queryset(request))
        if response is None:
            return redirect(reverse("admin:affiliates_affiliate_changelist"))
        return response

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import affiliates"),
            "max_mb": settings.IMPORT_MAX_BYTES // 2**20,
            "max_rows": settings.IMPORT_MAX_ROWS,
        }
        if request.method == "POST" and "upload" in request.POST:
            upload = import_upload_get(upload_id=request.POST["upload"], user=request.user)
            if upload is None:
                messages.error(request, _("That preview has expired: upload the file again."))
                return redirect(reverse("admin:affiliates_affiliate_import"))
            report = affiliates_import(
                content=bytes(upload.content),
                filename=upload.filename,
                user=request.user,
                checked_at=upload.checked_at,  # an edit since the preview is not overwritten
            )
            if report.written or report.changes_nothing:
                upload.delete()
                messages.success(request, report.summary())
                return redirect(reverse("admin:affiliates_affiliate_changelist"))
            context.update(self._preview_context(report, upload=None))
        elif request.method == "POST":
            file = request.FILES.get("file")
            if file is None:
                context["error"] = _("Choose a CSV or XLSX file.")
            elif file.size > settings.IMPORT_MAX_BYTES:
                context["error"] = _("The file is larger than %(max)d MB.") % {
                    "max": context["max_mb"]
                }
            else:
                content = file.read()
                checked_at = timezone.now()  # before the dry run reads the registry
                report = affiliates_import(
                    content=content, filename=file.name, user=request.user, dry_run=True
                )
                upload = None
                if not report.refused and not report.changes_nothing:
                    upload = import_upload_store(
                        content=content,
                        filename=file.name,
                        user=request.user,
                        checked_at=checked_at,
                    )
                context.update(self._preview_context(report, upload))
        return TemplateResponse(request, "admin/affiliates/affiliate/import.html", context)

    @staticmethod
    def _preview_context(report, upload) -> dict:
        refused = [row for row in report.rows if row.action == REFUSED]
        others = [row for row in report.rows if row.action != REFUSED][:PREVIEW_ROWS]
        return {
            "report": report,
            "shown_rows": refused + others,
            "hidden_rows": len(report.rows) - len(refused) - len(others),
            "upload": upload,
        }
