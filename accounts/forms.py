import zoneinfo
from functools import cache
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _


@cache
def _time_zones() -> list[str]:
    """Places' zones (Asia/Kathmandu), not the legacy aliases (US/Eastern, Etc/GMT+5)."""
    return sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and name.split("/")[0] not in ("Etc", "SystemV", "US", "Brazil", "Canada")
    )


class LanguageForm(forms.Form):
    """The language of a person's emails, and of the pages once they sign in; their time zone."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "The registry writes to you in this language (new applications and decisions), "
            "and shows its pages in it when you sign in."
        ),
    )

    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("The registry's pages show dates and times in this time zone, and name it."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = [
            ("", _("UTC (Coordinated Universal Time)")),
            *((name, name.replace("_", " ")) for name in _time_zones()),
        ]
        default = get_language_info(settings.LANGUAGE_CODE)["name_local"]
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("The site's default (%(language)s)") % {"language": default}),
            # Each language in its own name, as the language switch shows them.
            *((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES),
        ]
