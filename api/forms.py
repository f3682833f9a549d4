from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.tokens import TOKEN_LIFETIMES


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
        choices=[
            (days, ngettext_lazy("%(count)s day", "%(count)s days", days) % {"count": days})
            for days in TOKEN_LIFETIMES
        ],
    )
