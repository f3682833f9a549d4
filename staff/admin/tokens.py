"""API tokens in the admin: staff see everybody's (never the token itself) and revoke any."""

from django.contrib import admin
from django.db import transaction

from accounts.models import ApiToken
from accounts.tokens import token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at")
    fields = readonly_fields

    def has_add_permission(self, request):
        # A token is made by its owner on their token page, and shown to them alone.
        return False

    def save_model(self, request, obj, form, change):
        pass  # every field is read-only: there is nothing to save

    def delete_model(self, request, obj):
        token_revoke(token=obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for token in queryset:
            token_revoke(token=token)
