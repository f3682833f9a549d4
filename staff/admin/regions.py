from django.contrib import admin
from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from affiliates.services import region_countries_save
from audit.admin import RecordHistoryAdmin
from core.translated_fields import translated_fields
from regions.models import CoordinatorAssignment, Region, RegionCountry
from regions.services import region_delete, region_save


class RegionCountryInline(admin.TabularInline):
    model = RegionCountry
    extra = 1


class CoordinatorAssignmentInline(admin.TabularInline):
    model = CoordinatorAssignment
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["assigned_at"]


@admin.register(Region)
class RegionAdmin(RecordHistoryAdmin, TranslationAdmin):
    """Name and description have a field per language (modeltranslation, no script needed);
    an empty one shows the English on the site."""

    list_display = ["name", "short_name", "country_count", "coordinator_names", "display_order"]
    list_editable = ["display_order"]
    search_fields = [*translated_fields("name"), "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [RegionCountryInline, CoordinatorAssignmentInline]

    def save_model(self, request, obj, form, change):
        region_save(obj, saved_by=request.user)

    def delete_model(self, request, obj):
        region_delete(obj, deleted_by=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for region in queryset:
            region_delete(region, deleted_by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RegionCountry:
            super().save_formset(request, form, formset, change)
            return
        saved = formset.save(commit=False)  # this fills formset.deleted_objects
        moved = region_countries_save(
            region=form.instance,
            saved=saved,
            deleted=formset.deleted_objects,
            changed_by=request.user,
        )
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(count)d affiliate moved with its country to this region.",
                    "%(count)d affiliates moved with their country to this region.",
                    moved,
                )
                % {"count": moved},
            )

    def get_queryset(self, request):
        assignments = CoordinatorAssignment.objects.select_related("user").order_by(
            "user__username"
        )
        return (
            super()
            .get_queryset(request)
            .annotate(country_count=Count("countries"))
            .prefetch_related(Prefetch("coordinator_assignments", queryset=assignments))
        )

    @admin.display(description=_("countries"), ordering="country_count")
    def country_count(self, region):
        return region.country_count

    @admin.display(description=_("coordinators"))
    def coordinator_names(self, region):
        return ", ".join(
            a.user.get_full_name() or a.user.username for a in region.coordinator_assignments.all()
        )


@admin.register(CoordinatorAssignment)
class CoordinatorAssignmentAdmin(RecordHistoryAdmin, admin.ModelAdmin):
    list_display = ["user", "region", "assigned_at"]
    list_filter = ["region"]
    list_select_related = ["user", "region"]
    search_fields = ["user__username", "user__email", "region__name"]
    autocomplete_fields = ["user", "region"]
