from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from affiliates.access import people_with_a_role
from affiliates.choices import Status
from regions.models import Region


class _Bootstrap:
    """Bootstrap's classes on every widget of the form it is mixed into."""

    fields: dict[str, forms.Field]  # the form's

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css


class ChangesFilterForm(_Bootstrap, forms.Form):
    user = forms.ModelChoiceField(
        label=_("Who"),
        queryset=people_with_a_role().order_by("username"),
        required=False,
        empty_label=_("Anybody"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, empty_label=_("All")
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class StatusFilterForm(_Bootstrap, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Every status")), *Status.choices],
        required=False,
    )
