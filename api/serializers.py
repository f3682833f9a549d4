"""What the API's answers and requests hold. Read serializers only shape records that the
selectors and access rules have already chosen; writes are checked by the services."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from affiliates.choices import OrganisationType, Status, WithdrawalKind, WorkerCategory
from affiliates.models import Affiliate
from affiliates.search import country_names, name_order
from affiliates.services.lifecycle import TRANSITIONS

# Problem details (RFC 9457) ----------------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="A URI naming the kind of problem, or about:blank.")
    title = serializers.CharField(help_text="What kind of problem, in the request's language.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong with this request.")
    instance = serializers.CharField(help_text="The path requested.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=(
            "Field-level messages: each field (a dotted path inside lists, e.g. rows.2.women) "
            "with its messages."
        ),
    )


# Small pieces ------------------------------------------------------------------------------


class NamedSlugSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class MembersSerializer(serializers.Serializer):
    women = serializers.IntegerField(source="members_women")
    men = serializers.IntegerField(source="members_men")
    total = serializers.IntegerField(source="members_total")
    year = serializers.IntegerField(
        source="members_year",
        allow_null=True,
        help_text="The year of the latest declaration; null when none was declared yet.",
    )


class FiguresSerializer(serializers.Serializer):
    organisations = serializers.IntegerField()
    countries = serializers.IntegerField()
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    total = serializers.IntegerField()


# Affiliates as the public sees them ------------------------------------------------------


class PublicAffiliateSerializer(serializers.Serializer):
    """The public profile's fields: the public email and phone only with consent."""

    slug = serializers.CharField()
    name = serializers.CharField()
    acronym = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="The public profile page.")
    organisation_type = serializers.ChoiceField(choices=OrganisationType.choices)
    organisation_type_label = serializers.CharField(source="get_organisation_type_display")
    city = serializers.CharField()
    country = serializers.SerializerMethodField(help_text="ISO 3166-1 alpha-2 code.")
    country_name = serializers.SerializerMethodField()
    region = NamedSlugSerializer()
    description = serializers.CharField()
    founded_year = serializers.IntegerField(allow_null=True)
    languages = serializers.CharField()
    website = serializers.CharField()
    worker_categories = serializers.SerializerMethodField()
    sectors = serializers.SerializerMethodField()
    members = MembersSerializer(source="*")
    public_email = serializers.SerializerMethodField(
        help_text="Only when the organisation consents to publish it; else null."
    )
    public_phone = serializers.SerializerMethodField(
        help_text="Only when the organisation consents to publish it; else null."
    )
    parent_network = serializers.SerializerMethodField(
        help_text="The national network it is affiliated through, when that one is public."
    )

    def to_representation(self, affiliate: Affiliate) -> dict[str, Any]:
        """The fields above, built directly: DRF's field-by-field path took a third of the
        list's time for 25 rows. tests/api/test_public.py checks both give the same."""
        region = affiliate.region
        return {
            "slug": affiliate.slug,
            "name": affiliate.name,
            "acronym": affiliate.acronym,
            "url": self.get_url(affiliate),
            "organisation_type": affiliate.organisation_type,
            "organisation_type_label": str(OrganisationType(affiliate.organisation_type).label),
            "city": affiliate.city,
            "country": self.get_country(affiliate),
            "country_name": self.get_country_name(affiliate),
            "region": {"slug": region.slug, "name": str(region.name)},
            "description": affiliate.description,
            "founded_year": affiliate.founded_year,
            "languages": affiliate.languages,
            "website": affiliate.website,
            "worker_categories": self.get_worker_categories(affiliate),
            "sectors": self.get_sectors(affiliate),
            "members": {
                "women": affiliate.members_women,
                "men": affiliate.members_men,
                "total": affiliate.members_total,
                "year": affiliate.members_year,
            },
            "public_email": self.get_public_email(affiliate),
            "public_phone": self.get_public_phone(affiliate),
            "parent_network": self.get_parent_network(affiliate),
        }

    def get_url(self, affiliate: Affiliate) -> str:
        request = self.context.get("request")
        path = affiliate.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_country(self, affiliate: Affiliate) -> str:
        return str(affiliate.country)

    def get_country_name(self, affiliate: Affiliate) -> str:
        # Looked up in the directory's per-language table: django-countries translates anew
        # on every .name.
        code = str(affiliate.country)
        return country_names().get(code, code)

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=WorkerCategory.choices))
    )
    def get_worker_categories(self, affiliate: Affiliate) -> list[str]:
        categories = []
        if affiliate.has_piece_rate_workers:
            categories.append(WorkerCategory.PIECE_RATE.value)
        if affiliate.has_self_employed_workers:
            categories.append(WorkerCategory.SELF_EMPLOYED.value)
        return categories

    @extend_schema_field(NamedSlugSerializer(many=True))
    def get_sectors(self, affiliate: Affiliate) -> list[dict[str, str]]:
        # A list's page reads its sectors in one query (public.directory.sectors_of).
        sectors_of = self.context.get("sectors_of")
        sectors = sectors_of[affiliate.pk] if sectors_of is not None else affiliate.sectors.all()
        return [{"slug": s.slug, "name": s.name} for s in sectors]

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_public_email(self, affiliate: Affiliate) -> str | None:
        return affiliate.public_email or None if affiliate.shows_public_contact else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_public_phone(self, affiliate: Affiliate) -> str | None:
        return affiliate.public_phone or None if affiliate.shows_public_contact else None

    @extend_schema_field(NamedSlugSerializer(allow_null=True))
    def get_parent_network(self, affiliate: Affiliate) -> dict[str, str] | None:
        parent = affiliate.parent_network
        if parent is None or not parent.is_public:
            return None
        return {"slug": parent.slug, "name": parent.name}


class PublicAffiliateDetailSerializer(PublicAffiliateSerializer):
    member_organisations = serializers.SerializerMethodField(
        help_text="Its public member organisations (for a national network)."
    )

    def to_representation(self, instance: Affiliate) -> dict[str, Any]:
        # One record: DRF's own path over every declared field (the direct one is the list's).
        return serializers.Serializer.to_representation(self, instance)

    @extend_schema_field(NamedSlugSerializer(many=True))
    def get_member_organisations(self, affiliate: Affiliate) -> list[dict[str, str]]:
        return list(self.context.get("members", []))


# Regions, sectors, statistics --------------------------------------------------------------


class CountrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class RegionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    description = serializers.CharField()
    website = serializers.CharField()
    countries = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField(
        help_text="Its public affiliates' figures (organisations, countries, members)."
    )

    @extend_schema_field(CountrySerializer(many=True))
    def get_countries(self, region: Any) -> list[dict[str, str]]:
        return sorted(
            ({"code": str(c.country), "name": str(c.country.name)} for c in region.countries.all()),
            key=lambda c: name_order(c["name"]),
        )

    @extend_schema_field(FiguresSerializer)
    def get_figures(self, region: Any) -> dict[str, int]:
        figures = region.figures
        if figures is None:
            return dict.fromkeys(FiguresSerializer().fields, 0)
        return FiguresSerializer(figures).data


class RegionListSerializer(serializers.Serializer):
    network = FiguresSerializer(help_text="The whole network's figures.")
    results = RegionSerializer(many=True)


class SectorSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class StatLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    organisations = serializers.IntegerField()
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    total = serializers.IntegerField()


class StatFigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    note = serializers.CharField()
    lines = StatLineSerializer(many=True)


class StatsSerializer(serializers.Serializer):
    headline = FiguresSerializer(help_text="Affiliated organisations and their members in all.")
    figures = StatFigureSerializer(many=True)


# Affiliates as their coordinators see them -----------------------------------------------


class PrivateAffiliateSerializer(PublicAffiliateSerializer):
    """A record as its region's coordinators and staff keep it: private contacts included."""

    reference = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_changed_at = serializers.DateTimeField()
    affiliated_on = serializers.DateField(allow_null=True)
    is_registered = serializers.BooleanField()
    registration_number = serializers.CharField()
    publish_contact = serializers.BooleanField()
    contact_name = serializers.CharField()
    contact_role = serializers.CharField()
    contact_email = serializers.CharField()
    contact_phone = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(
        help_text="Send it back with a change: a record saved since is refused with 409."
    )

    def to_representation(self, instance: Affiliate) -> dict[str, Any]:
        # DRF's own path over every declared field (the direct one is the public list's).
        return serializers.Serializer.to_representation(self, instance)

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_public_email(self, affiliate: Affiliate) -> str | None:
        return affiliate.public_email or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_public_phone(self, affiliate: Affiliate) -> str | None:
        return affiliate.public_phone or None

    @extend_schema_field(NamedSlugSerializer(allow_null=True))
    def get_parent_network(self, affiliate: Affiliate) -> dict[str, str] | None:
        parent = affiliate.parent_network
        return None if parent is None else {"slug": parent.slug, "name": parent.name}


class AffiliateChangeSerializer(serializers.Serializer):
    """A change to a record: `updated_at` as read, and only the fields to change.

    The edit page's rules apply (workspace.forms.AffiliateEditForm, affiliate_update).
    """

    updated_at = serializers.DateTimeField(
        help_text="The record's updated_at as you read it: if it was saved since, 409."
    )
    name = serializers.CharField(max_length=200, required=False)
    acronym = serializers.CharField(max_length=30, required=False, allow_blank=True)
    country = serializers.CharField(
        max_length=2, required=False, help_text="A country of your regions (ISO code)."
    )
    city = serializers.CharField(max_length=120, required=False, allow_blank=True)
    languages = serializers.CharField(max_length=200, required=False, allow_blank=True)
    founded_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=32767
    )
    is_registered = serializers.BooleanField(required=False)
    registration_number = serializers.CharField(max_length=80, required=False, allow_blank=True)
    organisation_type = serializers.ChoiceField(choices=OrganisationType.choices, required=False)
    has_piece_rate_workers = serializers.BooleanField(required=False)
    has_self_employed_workers = serializers.BooleanField(required=False)
    parent_network = serializers.CharField(
        required=False, allow_null=True, help_text="The slug of a network of your regions."
    )
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    website = serializers.URLField(required=False, allow_blank=True, max_length=200)
    public_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    public_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    publish_contact = serializers.BooleanField(required=False)
    contact_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    contact_role = serializers.CharField(max_length=120, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    contact_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    sectors = serializers.ListField(
        child=serializers.SlugField(), required=False, max_length=100, help_text="Sector slugs."
    )


# Declarations ----------------------------------------------------------------------------

MAX_DECLARATION_ROWS = 5000


class DeclarationRowSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=40, help_text="The affiliate's reference.")
    women = serializers.IntegerField(min_value=0, max_value=2_000_000_000)
    men = serializers.IntegerField(min_value=0, max_value=2_000_000_000)
    total = serializers.IntegerField(
        min_value=0,
        max_value=2_000_000_000,
        required=False,
        allow_null=True,
        help_text="At least women plus men; left out, it is women plus men.",
    )


class DeclarationBatchSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=0, max_value=32767)
    rows = DeclarationRowSerializer(many=True, max_length=MAX_DECLARATION_ROWS)


class DeclarationResultSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    written = serializers.IntegerField(
        help_text="Declarations written; rows identical to what is declared are left alone."
    )


# Applications and lifecycle ----------------------------------------------------------------


class ApplicationSerializer(serializers.Serializer):
    reference = serializers.CharField()
    slug = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_changed_at = serializers.DateTimeField()
    organisation_type = serializers.ChoiceField(choices=OrganisationType.choices)
    country = serializers.SerializerMethodField()
    city = serializers.CharField()
    region = NamedSlugSerializer()
    contact_name = serializers.CharField()
    contact_email = serializers.CharField()
    created_at = serializers.DateTimeField()
    next_steps = serializers.SerializerMethodField(
        help_text="The lifecycle steps you may take on it now."
    )

    def get_country(self, affiliate: Affiliate) -> str:
        return str(affiliate.country)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_next_steps(self, affiliate: Affiliate) -> list[str]:
        steps = self.context.get("steps", {})
        return list(steps.get(affiliate.pk, []))


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(a, a) for a in TRANSITIONS])
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text=str(_("A reason or comment."))
    )
    comment_is_public = serializers.BooleanField(required=False, default=False)
    withdrawal_kind = serializers.ChoiceField(
        choices=WithdrawalKind.choices, required=False, allow_blank=True
    )
    expected_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        help_text="The status you saw: if it changed since, 409 and nothing is done.",
    )


class StatusChangeSerializer(serializers.Serializer):
    reference = serializers.CharField(source="affiliate.reference")
    from_status = serializers.CharField()
    to_status = serializers.ChoiceField(choices=Status.choices)
    created_at = serializers.DateTimeField()
    comment = serializers.CharField()


PAGE_SIZE_HELP = f"Results per page, at most {settings.API_MAX_PAGE_SIZE}."
