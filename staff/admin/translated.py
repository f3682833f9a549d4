"""The admin's side of the registry's translated words (affiliates/translation.py,
regions/translation.py)."""

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname


def translated_fields(name: str) -> list[str]:
    """`name` in every language's column (name_en, name_fr, ..., name_ind for Indonesian), so
    that the admin's search finds a record by any of them, not only the staff member's."""
    return [build_localized_fieldname(name, code) for code, _name in settings.LANGUAGES]
