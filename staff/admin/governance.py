"""The admin's screens for dues and congresses: every save and delete goes through a service.

Payments are a ledger: they are added, never changed nor deleted; a mistake is reversed with
the "Reverse" action, which asks for the reason and writes the opposite entry.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audit.admin import RecordHistoryAdmin
from governance.models import Congress, DelegateBand, DuesAdjustment, DuesPayment, DuesRule
from governance.services import (
    congress_bands_default,
    congress_save,
    dues_adjustment_delete,
    dues_adjustment_save,
    dues_payment_record,
    dues_payment_reverse,
    dues_rule_save,
)


@admin.register(DuesRule)
class DuesRuleAdmin(RecordHistoryAdmin, admin.ModelAdmin):
    list_display = [
        "year",
        "amount_per_member",
        "minimum",
        "cap",
        "currency",
        "due_on",
        "declaration_year",
        "arrears_months",
    ]

    # Payments and waivers name their year, not the rule: once a year has either, its rule
    # stays (deleting it or moving its year would silently drop that ledger from balances
    # and standing). Its amounts may still be corrected, with history.
    def _has_ledger(self, rule: DuesRule | None) -> bool:
        return rule is not None and (
            DuesPayment.objects.filter(year=rule.year).exists()
            or DuesAdjustment.objects.filter(year=rule.year).exists()
        )

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if self._has_ledger(obj) else []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._has_ledger(obj)

    def get_actions(self, request):
        # Only one at a time, each checked above: the bulk delete does not ask per rule.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        dues_rule_save(obj, saved_by=request.user)


@admin.register(DuesAdjustment)
class DuesAdjustmentAdmin(RecordHistoryAdmin, admin.ModelAdmin):
    list_display = ["affiliate", "year", "amount_due", "reason", "recorded_by"]
    list_filter = ["year"]
    list_select_related = ["affiliate", "recorded_by"]
    search_fields = ["affiliate__name", "affiliate__acronym", "reason"]
    autocomplete_fields = ["affiliate"]
    readonly_fields = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        dues_adjustment_save(obj, saved_by=request.user)

    def delete_model(self, request, obj):
        dues_adjustment_delete(obj, deleted_by=request.user)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for adjustment in queryset:
            dues_adjustment_delete(adjustment, deleted_by=request.user)


class ReversalForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea)


@admin.action(description=gettext_lazy("Reverse the selected payments"), permissions=["add"])
def reverse_payments(modeladmin, request, queryset):
    form = ReversalForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        done = 0
        for payment in queryset.select_related("affiliate"):
            try:
                dues_payment_reverse(
                    payment, reason=form.cleaned_data["reason"], reversed_by=request.user
                )
                done += 1
            except ValidationError as refused:
                modeladmin.message_user(
                    request, f"{payment}: {' '.join(refused.messages)}", messages.ERROR
                )
        if done:
            modeladmin.message_user(
                request,
                ngettext("%(count)d payment reversed.", "%(count)d payments reversed.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        return None
    return TemplateResponse(
        request,
        "admin/governance/duespayment/reverse_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Reverse payments"),
            "opts": modeladmin.model._meta,
            "queryset": queryset,
            "form": form,
            "action_name": request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.register(DuesPayment)
class DuesPaymentAdmin(RecordHistoryAdmin, admin.ModelAdmin):
    list_display = ["affiliate", "year", "paid_on", "amount", "method", "reference", "reverses"]
    list_filter = ["year", "method"]
    # A reversal's column names the payment it reverses, and with it that payment's affiliate.
    list_select_related = ["affiliate", "reverses__affiliate"]
    search_fields = ["affiliate__name", "affiliate__acronym", "reference"]
    autocomplete_fields = ["affiliate"]
    fields = ["affiliate", "year", "paid_on", "amount", "method", "reference", "note"]
    actions = [reverse_payments]
    date_hierarchy = "paid_on"

    def get_readonly_fields(self, request, obj=None):
        # A recorded entry is never changed (the database refuses it too).
        if obj is not None:
            return [*self.fields, "reverses", "recorded_by", "created_at"]
        return []

    def get_fields(self, request, obj=None):
        if obj is not None:
            return [*self.fields, "reverses", "recorded_by", "created_at"]
        return self.fields

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only: nothing to save
        saved = dues_payment_record(
            affiliate=obj.affiliate,
            year=obj.year,
            amount=obj.amount,
            paid_on=obj.paid_on,
            method=obj.method,
            reference=obj.reference,
            note=obj.note,
            recorded_by=request.user,
        )
        obj.pk = saved.pk


class DelegateBandInline(admin.TabularInline):
    model = DelegateBand
    extra = 0


@admin.register(Congress)
class CongressAdmin(RecordHistoryAdmin, admin.ModelAdmin):
    list_display = ["name", "starts_on", "place", "standing_on", "out_of_standing"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DelegateBandInline]

    def get_inlines(self, request, obj):
        # A new congress gets the default scale once saved; its bands are edited after.
        return self.inlines if obj is not None else []

    def save_model(self, request, obj, form, change):
        congress_save(obj, saved_by=request.user, default_bands=False)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        congress_bands_default(form.instance)
