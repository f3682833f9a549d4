import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportUpload(models.Model):
    """A spreadsheet kept between its preview and its confirmation.

    Kept in the database, not on an app server's disk or in its memory, so that the confirming
    request may land on any server. Confirmed or stale uploads are deleted.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    # When the preview began reading the registry: an affiliate saved after this is not
    # overwritten by the confirmed import.
    checked_at = models.DateTimeField(_("checked at"), null=True)

    class Meta:
        # Created by the staff app, which held this model before the spreadsheets app did.
        db_table = "staff_importupload"
        verbose_name = _("import upload")
        verbose_name_plural = _("import uploads")

    def __str__(self) -> str:
        return self.filename
