from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.tokens import TOKEN_LIFETIMES


def _lifetimes() -> list[tuple[int, str]]:
    # A callable, so that each page says them in its own language: a list built here at import
    # would keep the language the process started in.
    return [
        (days, ngettext("%(count)s day", "%(count)s days", days) % {"count": days})
        for days in TOKEN_LIFETIMES
    ]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("What will use it, e.g. “South Asia declarations spreadsheet”."),
    )
    days = forms.TypedChoiceField(
        label=_("Expires after"),
        coerce=int,
        initial=90,
        choices=_lifetimes,
    )
