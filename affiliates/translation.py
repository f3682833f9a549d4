"""The registry's own words that staff translate in the admin (django-modeltranslation).

Each field gets a column per language (name_en, name_fr, ...); reading `sector.name` gives the
active language's, or the English where it is empty. Organisation types are not stored: they
are choices in the code (affiliates.choices), translated in the catalogues.
"""

from modeltranslation.translator import TranslationOptions, register

from affiliates.models import Sector


@register(Sector)
class SectorTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)
