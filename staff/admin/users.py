from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import staff_membership_sync
from regions.models import CoordinatorAssignment


class CoordinatorAssignmentInline(admin.TabularInline):
    model = CoordinatorAssignment
    extra = 0
    autocomplete_fields = ["region"]
    verbose_name = _("region coordinated")
    verbose_name_plural = _("regions coordinated")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [CoordinatorAssignmentInline]
    # Django's fieldsets, with the language each person is written to in.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the form's groups are saved: "staff status" alone decides the staff group.
        staff_membership_sync(form.instance)
