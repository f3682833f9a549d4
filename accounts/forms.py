from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _


class LanguageForm(forms.Form):
    """The language of a person's emails, and of the pages once they sign in."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "The registry writes to you in this language (new applications and decisions), "
            "and shows its pages in it when you sign in."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = get_language_info(settings.LANGUAGE_CODE)["name_local"]
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", _("The site's default (%(language)s)") % {"language": default}),
            # Each language in its own name, as the language switch shows them.
            *((code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES),
        ]
