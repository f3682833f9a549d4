"""The columns django-modeltranslation gives a translated field, one per language."""

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname


def translated_fields(name: str) -> list[str]:
    """`name` in every language's column (name_en, name_fr, ..., name_ind for Indonesian): a
    lookup that must find a record by any of its names uses them all, not the reader's only."""
    return [build_localized_fieldname(name, code) for code, _name in settings.LANGUAGES]
