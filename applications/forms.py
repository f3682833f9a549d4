from typing import TYPE_CHECKING, Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from affiliates import rules
from affiliates.access import country_choices_for, regions_coordinated_by
from affiliates.choices import OrganisationType, Status, WithdrawalKind, WorkerCategory
from affiliates.models import Affiliate, Sector
from affiliates.rules import (
    EARLIEST_FOUNDED_YEAR,
    FOUNDED_IN_FUTURE,
    founded_in_future,
    normalise_reference,
)
from affiliates.services.lifecycle import TRANSITIONS
from applications.documents import pdf_refusal
from regions.models import Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def validate_pdf(upload) -> None:
    """A plain PDF of at most DOCUMENT_MAX_BYTES, judged by its content, never by its name."""
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The document is larger than %(mb)d MB. Send a smaller PDF, or none.")
            % {"mb": settings.DOCUMENT_MAX_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    refusal = pdf_refusal(content)
    if refusal:
        raise ValidationError(refusal)


class ParentNetworkField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.country.name})"


class ApplicationForm(forms.Form):
    """The organisation applying, as the applicant describes it. Also used by coordinators."""

    name = forms.CharField(label=_("Name of the organisation"), max_length=200)
    acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False)
    country = forms.ChoiceField(label=_("Country"))
    city = forms.CharField(
        label=_("City or district"),
        max_length=120,
        help_text=_("Never a street address: members work in their homes."),
    )
    organisation_type = forms.ChoiceField(
        label=_("Type of organisation"), choices=[("", "---------"), *OrganisationType.choices]
    )
    worker_categories = forms.MultipleChoiceField(
        label=_("Members are"),
        choices=WorkerCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose one or both kinds of workers.")},
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Trades"),
        queryset=Sector.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    founded_year = forms.IntegerField(
        label=_("Year founded"), required=False, min_value=EARLIEST_FOUNDED_YEAR
    )
    is_registered = forms.BooleanField(label=_("Legally registered"), required=False)
    registration_number = forms.CharField(
        label=_("Registration number"), max_length=80, required=False
    )
    description = forms.CharField(
        label=_("What the organisation does"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    parent_network = ParentNetworkField(
        label=_("Affiliates through the national network"),
        queryset=Affiliate.objects.none(),
        required=False,
        help_text=_("Leave empty if the organisation applies on its own."),
    )
    members_women = forms.IntegerField(label=_("Women members"), min_value=0)
    members_men = forms.IntegerField(label=_("Men members"), min_value=0)
    contact_name = forms.CharField(label=_("Contact person"), max_length=120)
    contact_role = forms.CharField(
        label=_("Their role in the organisation"), max_length=120, required=False
    )
    contact_email = forms.EmailField(
        label=_("Contact email"), help_text=_("We write to this address about the application.")
    )
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    public_email = forms.EmailField(label=_("Public email"), required=False)
    public_phone = forms.CharField(label=_("Public phone"), max_length=40, required=False)
    publish_contact = forms.BooleanField(
        label=_("We agree that the public email and phone are shown in the public directory."),
        required=False,
    )
    declaration = forms.BooleanField(
        label=_(
            "We declare that the organisation is membership-based and run by its members, "
            "home-based workers."
        ),
        error_messages={
            "required": _(
                "Tick the box to declare that the organisation is membership-based and run by "
                "its members: only such organisations can affiliate."
            )
        },
    )
    document = forms.FileField(
        label=_("Constitution or rules (optional)"),
        required=False,
        validators=[validate_pdf],
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        help_text=_("A PDF of at most 5 MB."),
    )
    # Honeypot: hidden from people by CSS; robots fill every field they find.
    fax = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    with_honeypot = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region: Region | None = None
        self.duplicate = False
        # The (name, country) clean() answered "is this name taken?" for, if it did.
        self.name_checked: tuple[str, str] | None = None
        country = cast(forms.ChoiceField, self.fields["country"])
        country.choices = self.country_choices()
        country.help_text = self.country_help
        cast(ParentNetworkField, self.fields["parent_network"]).queryset = (
            Affiliate.objects.public()
            .filter(organisation_type=OrganisationType.NETWORK)
            .order_by("country", "name")
        )
        if not self.with_honeypot:
            del self.fields["fax"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                _("The organisation"),
                "name",
                "acronym",
                "country",
                "city",
                "organisation_type",
                "worker_categories",
                "sectors",
                "founded_year",
                "is_registered",
                "registration_number",
                "description",
                "website",
                "parent_network",
            ),
            Fieldset(_("Membership"), "members_women", "members_men"),
            Fieldset(
                _("Contact person (never published)"),
                "contact_name",
                "contact_role",
                "contact_email",
                "contact_phone",
            ),
            Fieldset(
                _("Public contact (optional)"), "public_email", "public_phone", "publish_contact"
            ),
            Fieldset(_("Declaration"), "declaration", "document"),
            *self.extra_layout(),
            Submit("submit", self.submit_label, css_class="btn-primary btn-lg"),
        )

    submit_label = _("Send the application")
    country_help: "StrOrPromise" = _(
        "Countries with a regional network come first. An organisation in another country "
        "cannot apply yet: write to the international office."
    )

    def country_choices(self) -> list:
        """The countries a regional network covers first, then the others (which it refuses).

        Names are in the active language: built per form, never at import.
        """
        covered = Region.objects.by_country()
        return [
            ("", "---------"),
            (
                _("Countries with a regional network"),
                [(code, name) for code, name in countries if code in covered],
            ),
            (
                _("Other countries"),
                [(code, name) for code, name in countries if code not in covered],
            ),
        ]

    def extra_layout(self) -> list:
        return [Div("fax", css_class="hn-trap")] if self.with_honeypot else []

    def clean_name(self) -> str:
        # As the registry stores it: invisible and direction characters gone (affiliates.rules).
        name = rules.clean_name(self.cleaned_data["name"])
        if not name:
            raise ValidationError(self.fields["name"].error_messages["required"], code="required")
        return name

    def clean_founded_year(self):
        year = self.cleaned_data["founded_year"]
        if founded_in_future(year):
            raise ValidationError(FOUNDED_IN_FUTURE)
        return year

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        country = data.get("country")
        if country:
            self.region = Region.objects.covering(country).first()
            if self.region is None:
                self.add_error(
                    "country",
                    _(
                        "No regional network of HomeNet covers %(country)s yet, so we cannot "
                        "take an application from there. Write to the international office."
                    )
                    % {"country": dict(countries)[country]},
                )
        name = data.get("name")
        if name and country:
            self.name_checked = (name, country)
            if self._name_taken(name, country):
                self.duplicate = True
                self.add_error(
                    "name",
                    _(
                        "An organisation with this name in this country has already applied or "
                        "is registered. If it is yours, check its status with the reference you "
                        "received."
                    ),
                )
        if data.get("registration_number") and not data.get("is_registered"):
            self.add_error(
                "registration_number",
                _("A registration number goes with a legally registered organisation."),
            )
        parent = data.get("parent_network")
        if parent and country and parent.country.code != country:
            self.add_error("parent_network", _("The national network must be in the same country."))
        return data

    def _name_taken(self, name: str, country: str) -> bool:
        return Affiliate.objects.named(name, country).exists()

    @property
    def is_spam(self) -> bool:
        return bool(self.with_honeypot and self.cleaned_data.get("fax"))

    def affiliate_details(self) -> dict:
        """The cleaned fields as arguments for `application_submit`."""
        data = dict(self.cleaned_data)
        for field in ("declaration", "fax", "worker_categories", "comment"):
            data.pop(field, None)
        categories = self.cleaned_data["worker_categories"]
        data["has_piece_rate_workers"] = WorkerCategory.PIECE_RATE in categories
        data["has_self_employed_workers"] = WorkerCategory.SELF_EMPLOYED in categories
        data["founded_year"] = data["founded_year"] or None
        data["document"] = data["document"] or ""
        return data


class RegistrationForm(ApplicationForm):
    """A coordinator registers an organisation they know: the same form, and they vouch for it."""

    with_honeypot = False
    submit_label = _("Register and recommend")
    country_help = ""
    comment = forms.CharField(
        label=_("Your recommendation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the regional network recommends this organisation."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        country = cast(forms.ChoiceField, self.fields["country"])
        country.error_messages["invalid_choice"] = _(
            "You can register organisations only in the countries of your region."
        )
        self.fields["declaration"].label = _(
            "The regional network confirms that the organisation is membership-based and run by "
            "its members, home-based workers."
        )

    def country_choices(self) -> list:
        # Only the countries of the coordinator's regions (every covered one for staff).
        return [("", "---------"), *country_choices_for(self.user)]

    def extra_layout(self) -> list:
        return [Fieldset(_("Recommendation"), "comment")]


class StatusLookupForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"), max_length=40, help_text=_("For example HN-7K3M-Q9PX")
    )
    email = forms.EmailField(label=_("Email address used in the application"))

    def clean_reference(self) -> str:
        # Something that cannot be a reference is no guess at one: saying so tells nothing.
        reference = normalise_reference(self.cleaned_data["reference"])
        if reference is None:
            raise ValidationError(
                _(
                    "A reference has eight letters and digits after HN. Copy it from the email "
                    "we sent."
                )
            )
        return reference


class DecisionForm(forms.Form):
    """One decision button with what must accompany it; the service checks everything again."""

    action = forms.ChoiceField(choices=[(a, a) for a in TRANSITIONS], widget=forms.HiddenInput)
    from_status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment or reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    comment_is_public = forms.BooleanField(label=_("Show it to the applicant"), required=False)
    withdrawal_kind = forms.ChoiceField(
        label=_("Kind of withdrawal"),
        choices=[("", "---------"), *WithdrawalKind.choices],
        required=False,
    )

    def __init__(self, *args, transition=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition or TRANSITIONS.get(
            self.data.get(self.add_prefix("action"), "")
        )
        if self.transition:
            self.fields["comment"].required = self.transition.comment_required
            if not self.transition.needs_withdrawal_kind:
                del self.fields["withdrawal_kind"]
            else:
                self.fields["withdrawal_kind"].required = True


class QueueFilterForm(forms.Form):
    OPEN = "open"
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(OPEN, _("Waiting for a decision")), ("all", _("All")), *Status.choices],
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        region = cast("forms.ModelChoiceField[Region]", self.fields["region"])
        region.queryset = regions_coordinated_by(user)
