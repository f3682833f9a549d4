from typing import Any

from django import forms
from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from affiliates.models import Affiliate, MembershipDeclaration, Sector, StatusChange
from affiliates.rules import NAME_TAKEN, declaration_years
from affiliates.search import country_names
from affiliates.services import (
    MEMBERSHIP_FIELDS,
    affiliate_refresh_membership,
    affiliate_refresh_sector_names,
    affiliate_save,
    affiliates_delete,
    declaration_delete,
    declaration_save,
    sector_delete,
    sector_save,
)
from affiliates.text_queries import staff_search
from audit.admin import RecordHistoryAdmin
from core.pagination import EstimatedCountPaginator
from core.translated_fields import translated_fields
from spreadsheets.admin_views import AffiliateSpreadsheetMixin
from staff.admin.actions import LIFECYCLE_ACTIONS


@admin.register(Sector)
class SectorAdmin(TranslationAdmin):
    """A field per language for the name (modeltranslation; no script needed): empty ones show
    the English on the site."""

    list_display = ["name", "slug", "display_order"]
    list_editable = ["display_order"]
    search_fields = translated_fields("name")
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        # A renamed sector must be renamed in the search text of its affiliates too.
        sector_save(obj)

    # A deleted sector must leave its affiliates' search text (and show in their history).
    def delete_model(self, request, obj):
        sector_delete(sector=obj, deleted_by=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for sector in queryset:
            sector_delete(sector=sector, deleted_by=request.user)


class DeclarationInline(admin.TabularInline):
    model = MembershipDeclaration
    extra = 0
    fields = ["year", "women", "men", "total", "declared_on", "source", "recorded_by"]
    readonly_fields = ["recorded_by"]


# A lifecycle step is shown, never edited: only the lifecycle's service writes one.
STATUS_CHANGE_FIELDS = (
    "created_at",
    "from_status",
    "to_status",
    "actor",
    "comment",
    "comment_is_public",
)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = STATUS_CHANGE_FIELDS
    readonly_fields = STATUS_CHANGE_FIELDS

    def has_add_permission(self, request, obj=None):
        return False


class AffiliateAdminForm(forms.ModelForm):
    """The admin's form, which says next to the name what the database would refuse.

    `name_key` is no field of the form, so Django's own check skips the one-name-per-country
    constraint; without this the save would fail.
    """

    class Meta:
        model = Affiliate
        fields = "__all__"  # noqa: DJ007 (the admin picks the fields, by its fieldsets)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        name, country = data.get("name"), data.get("country")
        if name and country:
            others = Affiliate.objects.named(name, country).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("name", NAME_TAKEN)
        return data


class MembersYearFilter(admin.SimpleListFilter):
    """The year of the latest declaration: the last ten years, then none (listed, not read)."""

    title = _("membership declared for")
    parameter_name = "members_year"

    def lookups(self, request, model_admin):
        years = [(str(year), str(year)) for year in reversed(declaration_years()[-10:])]
        return [*years, ("none", _("No declaration"))]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(members_year__isnull=True)
        if value and value.isdigit():
            return queryset.filter(members_year=int(value))
        return queryset


@admin.register(Affiliate)
class AffiliateAdmin(AffiliateSpreadsheetMixin, RecordHistoryAdmin, admin.ModelAdmin):
    form = AffiliateAdminForm
    # members_year is the year of the latest declaration; updated_at the last change.
    list_display = [
        "name",
        "acronym",
        "country_name",
        "region",
        "organisation_type",
        "status",
        "members_total",
        "members_year",
        "updated_at",
    ]
    # Filters that need no pass over the table to list their choices (a DISTINCT over a
    # million rows on every view): the creation date by period rather than date_hierarchy.
    list_filter = [
        "status",
        "region",
        "organisation_type",
        MembersYearFilter,
        "country",
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["region"]
    # Searched through the directory's indexed column (get_search_results), not icontains.
    search_fields = ["name"]
    search_help_text = _(
        "Words of the name, acronym, city, sectors or description (the start of a word is "
        "enough), a reference or a slug."
    )
    # A large registry: no second count of every record, page numbers from an estimate.
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Each row's cells and action checkbox cost the admin about 2 ms to render: 50 a page.
    list_per_page = 50
    # Name then id, as the index affiliate_name_id has them: the first page reads 100 rows.
    ordering = ["name", "pk"]
    autocomplete_fields = ["parent_network"]
    filter_horizontal = ["sectors"]
    readonly_fields = [
        "reference",
        "members_women",
        "members_men",
        "members_total",
        "members_year",
        "status_changed_at",
        "created_at",
        "updated_at",
        "created_by",
        "details_confirmed_on",
    ]
    inlines = [DeclarationInline, StatusChangeInline]
    # The lifecycle's decisions (staff/admin/actions.py).
    actions = [*LIFECYCLE_ACTIONS]
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "reference",
                    "name",
                    "acronym",
                    "slug",
                    "country",
                    "region",
                    "city",
                    "languages",
                    "founded_year",
                    "is_registered",
                    "registration_number",
                ]
            },
        ),
        (
            _("Kind"),
            {
                "fields": [
                    "organisation_type",
                    "has_piece_rate_workers",
                    "has_self_employed_workers",
                    "sectors",
                    "parent_network",
                ]
            },
        ),
        (
            _("Membership (from the latest declaration)"),
            {"fields": ["members_women", "members_men", "members_total", "members_year"]},
        ),
        (
            _("Public profile"),
            {
                "fields": [
                    "description",
                    "website",
                    "public_email",
                    "public_phone",
                    "publish_contact",
                    "publish_contact_given_on",
                ]
            },
        ),
        (
            _("Private contact"),
            {"fields": ["contact_name", "contact_role", "contact_email", "contact_phone"]},
        ),
        (
            _("Affiliation"),
            {
                "fields": [
                    "status",
                    "status_changed_at",
                    "affiliated_on",
                    "supporting_document",
                    "language",
                ]
            },
        ),
        # Saving here confirms the details, as an edit in the workspace does.
        (
            _("Record"),
            {"fields": ["created_at", "updated_at", "created_by", "details_confirmed_on"]},
        ),
    ]

    # django-countries translates every country's name for every row shown by the field
    # itself (a second of a hundred-row page); the names once per language instead.
    @admin.display(description=_("country"), ordering="country")
    def country_name(self, obj):
        code = str(obj.country)
        return country_names().get(code, code)

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        # The first 10,001 matches: the list counts exactly up to 10,000 anyway.
        listed = EstimatedCountPaginator.EXACT_UP_TO + 1
        return staff_search(queryset, search_term, listed=listed), False

    def get_readonly_fields(self, request, obj=None):
        # A status changes only through the lifecycle's decisions (the actions above the list),
        # which check the step, record it and tell the people concerned. A record added here
        # starts as an application, like every other.
        return [
            *super().get_readonly_fields(request, obj),
            "supporting_document",
            "status",
            "affiliated_on",
        ]

    @admin.display(description=_("supporting document"))
    def supporting_document(self, obj):
        # Served through the access-checked view: uploads have no public URL.
        if not obj.document:
            return _("None sent")
        url = reverse("applications:document", args=[obj.reference])
        return format_html('<a href="{}">{}</a>', url, _("Download the PDF"))

    def delete_model(self, request, obj):
        affiliates_delete(Affiliate.objects.filter(pk=obj.pk), deleted_by=request.user)

    def delete_queryset(self, request, queryset):
        affiliates_delete(queryset, deleted_by=request.user)

    def view_on_site(self, obj):
        # The public profile (public pages): only affiliated organisations have one.
        return obj.get_absolute_url() if obj.is_public else None

    def save_model(self, request, obj, form, change):
        affiliate_save(obj, saved_by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Declarations edited inline: the current figures follow the latest one. A deleted one
        # has already refreshed the row (declaration_delete): start from what it wrote.
        form.instance.refresh_from_db(fields=MEMBERSHIP_FIELDS)
        affiliate_refresh_membership(form.instance, by=request.user)
        # Sectors edited here: the directory's search text follows them.
        affiliate_refresh_sector_names(form.instance)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, MembershipDeclaration):
                declaration_save(instance, saved_by=request.user)
            else:
                instance.save()
        for obj in formset.deleted_objects:
            if isinstance(obj, MembershipDeclaration):
                declaration_delete(declaration=obj, deleted_by=request.user)
            else:
                obj.delete()
        formset.save_m2m()


@admin.register(MembershipDeclaration)
class MembershipDeclarationAdmin(RecordHistoryAdmin, admin.ModelAdmin):
    list_display = ["affiliate", "year", "women", "men", "total", "declared_on"]
    list_filter = ["year", "affiliate__region"]
    list_select_related = ["affiliate"]
    search_fields = ["affiliate__name", "affiliate__acronym"]
    autocomplete_fields = ["affiliate"]
    readonly_fields = ["recorded_by", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None:
            # Figures recorded for one organisation are not moved to another: delete them and
            # record them where they belong, so both organisations' figures follow.
            readonly = [*readonly, "affiliate"]
        return readonly

    def save_model(self, request, obj, form, change):
        declaration_save(obj, saved_by=request.user)

    # Deleting, one or a selection: the affiliates' figures follow their remaining declarations.
    def delete_model(self, request, obj):
        declaration_delete(declaration=obj, deleted_by=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for declaration in queryset.select_related("affiliate"):
            declaration_delete(declaration=declaration, deleted_by=request.user)
