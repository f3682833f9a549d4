from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User
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
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
