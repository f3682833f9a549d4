"""Region names and descriptions, translated by staff in the admin (django-modeltranslation).

Reading `region.name` gives the active language's, or the English where it is empty.
"""

from modeltranslation.translator import TranslationOptions, register

from regions.models import Region


@register(Region)
class RegionTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}
