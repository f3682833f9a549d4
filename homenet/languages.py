"""The network's 17 interface languages (settings.LANGUAGES). Django knows neither Lao nor
Filipino: importing this module adds their entries to its LANG_INFO, which the language menu
reads for each language's name in itself."""

from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

INTERFACE_LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("pt", _("Portuguese")),
    ("ru", _("Russian")),
    ("hi", _("Hindi")),
    ("ur", _("Urdu")),
    ("ne", _("Nepali")),
    ("bn", _("Bengali")),
    ("ta", _("Tamil")),
    ("th", _("Thai")),
    ("km", _("Khmer")),
    ("lo", _("Lao")),
    ("id", _("Indonesian")),
    ("fil", _("Filipino")),
    ("vi", _("Vietnamese")),
    ("sw", _("Swahili")),
]
LANG_INFO.update(
    {
        "lo": {"bidi": False, "code": "lo", "name": "Lao", "name_local": "ລາວ"},
        "fil": {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"},
        # Django's own entry names Khmer in English.
        "km": {**LANG_INFO["km"], "name_local": "ខ្មែរ"},
    }
)
