"""Spreadsheets kept between their preview and their confirmation."""

import datetime as dt
import hashlib
import uuid

from django.db import transaction
from django.utils import timezone

from spreadsheets.models import ImportUpload

UPLOAD_LIFETIME = dt.timedelta(days=1)


@transaction.atomic
def import_upload_store(*, content: bytes, filename: str, user, checked_at=None) -> ImportUpload:
    """Keep a previewed file until it is confirmed; forget uploads nobody confirmed."""
    ImportUpload.objects.filter(created_at__lt=timezone.now() - UPLOAD_LIFETIME).delete()
    return ImportUpload.objects.create(
        filename=filename[:200],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
        checked_at=checked_at or timezone.now(),
    )


def import_upload_get(*, upload_id: str, user) -> ImportUpload | None:
    """The user's own upload, still fresh, or None."""
    try:
        pk = uuid.UUID(str(upload_id))
    except ValueError:
        return None
    return ImportUpload.objects.filter(
        pk=pk, uploaded_by=user, created_at__gte=timezone.now() - UPLOAD_LIFETIME
    ).first()
