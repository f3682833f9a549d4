from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from affiliates.access import country_choices_for, networks_choosable_by
from affiliates.models import Affiliate
from affiliates.rules import TOTAL_TOO_SMALL, total_covers
from affiliates.services import AFFILIATE_EDITABLE_FIELDS


class AffiliateEditForm(forms.Form):
    """The workspace's edit form: the model's fields, with choices cut to the editor's regions.

    A plain Form (not a ModelForm): region follows from country inside `affiliate_update`, so
    validating a half-updated instance here would report a spurious country/region mismatch.
    """

    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        affiliate: Affiliate,
        user: AbstractBaseUser | AnonymousUser,
        **kwargs: Any,
    ) -> None:
        initial = model_to_dict(affiliate, fields=[*AFFILIATE_EDITABLE_FIELDS, "sectors"])
        initial["version"] = affiliate.updated_at.isoformat()
        super().__init__(data, initial=initial, **kwargs)
        self.fields.update(
            fields_for_model(
                Affiliate,
                fields=[*AFFILIATE_EDITABLE_FIELDS, "sectors"],
                widgets={
                    "sectors": forms.CheckboxSelectMultiple,
                    "description": forms.Textarea(attrs={"rows": 4}),
                },
            )
        )
        # Only countries of regions this user coordinates: an affiliate cannot be moved away.
        cast(forms.ChoiceField, self.fields["country"]).choices = country_choices_for(user)
        parent_network = cast("forms.ModelChoiceField[Affiliate]", self.fields["parent_network"])
        parent_network.queryset = networks_choosable_by(user, affiliate)

    def clean_version(self):
        try:
            return datetime.fromisoformat(self.cleaned_data["version"])
        except ValueError:
            raise ValidationError(_("The form is damaged; open the record again.")) from None

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version")
        data.pop("sectors")
        return data


DECLARATION_FIGURES = ("women", "men", "total")


def declaration_row_shown(reference: str, seen: str, figures: Sequence[int | None]) -> str:
    """A row's `shown` value: its affiliate, the declaration's version and figures as shown."""
    return "|".join([reference, seen, *("" if n is None else str(n) for n in figures)])


class DeclarationRowForm(forms.Form):
    """One affiliate's row in the yearly table; all three counts empty means "not yet".

    Besides the figures typed, a row posts back what the table showed when it was opened, in
    one hidden field (one, so that 2,000 rows stay within DATA_UPLOAD_MAX_NUMBER_FIELDS):
    the affiliate's reference, the declaration's version then (its updated_at, or "none") and
    its figures. A row whose figures are still those is not saved; a changed row someone else
    saved after the table was opened is refused by the service rather than written over.
    """

    shown = forms.CharField(widget=forms.HiddenInput)
    women = forms.IntegerField(label=_("Women"), min_value=0, required=False)
    men = forms.IntegerField(label=_("Men"), min_value=0, required=False)
    total = forms.IntegerField(
        label=_("Total"), min_value=0, required=False, help_text=_("Empty: women plus men.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set after a refusal, to post back what the row shows now (see declaring.py).
        self.shown_now: str | None = None

    @property
    def reference(self) -> str:
        return str(self["shown"].value() or "").split("|", 1)[0]

    @property
    def shown_value(self) -> str:
        return self.shown_now or str(self["shown"].value() or "")

    def clean_shown(self) -> dict[str, Any]:
        parts = self.cleaned_data["shown"].split("|")
        try:
            reference, seen, *figures = parts
            if len(figures) != len(DECLARATION_FIGURES):
                raise ValueError
            version = seen if seen == "none" else datetime.fromisoformat(seen)
            if version != "none" and version.tzinfo is None:
                raise ValueError
            numbers = [int(n) if n else None for n in figures]
        except ValueError:
            raise ValidationError(_("The table is damaged; open the page again.")) from None
        return {"reference": reference, "seen": version, "figures": numbers}

    @property
    def figures_changed(self) -> bool:
        """Whether the person typed other figures than the table showed (on a valid form)."""
        shown = self.cleaned_data["shown"]["figures"]
        return [self.cleaned_data.get(name) for name in DECLARATION_FIGURES] != shown

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        women, men, total = data.get("women"), data.get("men"), data.get("total")
        if self.errors:
            return data
        if women is None and men is None and total is None:
            data["empty"] = True
            return data
        if women is None or men is None:
            raise ValidationError(_("Enter both women and men (zero if none)."))
        if not total_covers(women, men, total):
            self.add_error("total", TOTAL_TOO_SMALL)
        return data


# One table holds at most this many rows (4 fields each, within DATA_UPLOAD_MAX_NUMBER_FIELDS);
# a bigger region records its declarations with the CSV upload.
DECLARATION_TABLE_MAX_ROWS = 2000
DeclarationFormSet = forms.formset_factory(
    DeclarationRowForm,
    extra=0,
    max_num=DECLARATION_TABLE_MAX_ROWS,
    absolute_max=DECLARATION_TABLE_MAX_ROWS,
)


class DeclarationUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns: reference, name, year, women, men, total. UTF-8."),
    )
