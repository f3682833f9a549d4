"""Accounts in the admin: staff keep them, only superusers hand out powers.

A staff member may edit a person's details, deactivate an account or send it a link to choose
a new password. Staff status, superuser status, groups and permissions, and setting someone's
password are for superusers: for anyone else those fields are read-only (a forged POST is
ignored) and the admin's password page is refused. Every change of a power is logged with who
made it.
"""

import logging

from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import User
from accounts.services import staff_membership_sync, user_password_reset_send
from accounts.two_factor import two_factor_remove
from regions.models import CoordinatorAssignment

logger = logging.getLogger(__name__)

# Fields through which a person gains powers: only a superuser sets them.
POWER_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
FLAG_FIELDS = ("is_active", "is_staff", "is_superuser")


def _actor(request) -> str:
    return f"user {request.user.pk} ({request.user.get_username()})"


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
        (
            _("Personal info"),
            {"fields": ("first_name", "last_name", "email", "language", "time_zone")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    actions = ["send_password_reset", "remove_two_factor"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("remove_two_factor", None)
        return actions

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        # The password line links to the page that sets it, which is for superusers only.
        return tuple(
            (name, {**options, "fields": tuple(f for f in options["fields"] if f != "password")})
            for name, options in fieldsets
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return readonly
        readonly += [*POWER_FIELDS, "last_login"]
        # A changed address and then a reset link would hand the account to whoever chose the
        # address: staff set the address of a new account (never signed in), not of one in use.
        if obj is not None and obj.pk != request.user.pk and obj.last_login is not None:
            readonly.append("email")
        return readonly

    def has_change_permission(self, request, obj=None):
        # A superuser's account is looked after by superusers only.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # Setting someone else's password is setting oneself up to act as them. Staff change
        # their own on the account's page (/accounts/password/), which asks for the old one.
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for field in FLAG_FIELDS:
            if change and field in form.changed_data:
                logger.warning(
                    "Permission change by %s: user %s (%s) %s set to %s",
                    _actor(request),
                    obj.pk,
                    obj.get_username(),
                    field,
                    getattr(obj, field),
                )

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = _powers(user) if change else (set(), set())
        super().save_related(request, form, formsets, change)
        # After the form's groups are saved: "staff status" alone decides the staff group.
        staff_membership_sync(user)
        after = _powers(user)
        for label, old, new in zip(("groups", "permissions"), before, after, strict=True):
            if old != new:
                logger.warning(
                    "Permission change by %s: user %s (%s) %s added %s, removed %s",
                    _actor(request),
                    user.pk,
                    user.get_username(),
                    label,
                    sorted(new - old),
                    sorted(old - new),
                )

    @admin.action(description=_("Remove two-step sign-in (a lost phone)"))
    def remove_two_factor(self, request, queryset):
        # Superusers only (get_actions): whoever may remove it can sign in as the person with
        # their password alone.
        if not request.user.is_superuser:
            raise PermissionDenied
        removed = 0
        for user in queryset:
            if two_factor_remove(user=user):
                removed += 1
                logger.warning(
                    "Two-step sign-in removed by %s: user %s (%s)",
                    _actor(request),
                    user.pk,
                    user.get_username(),
                )
        self.message_user(
            request,
            ngettext(
                "Two-step sign-in removed for %(count)d person.",
                "Two-step sign-in removed for %(count)d people.",
                removed,
            )
            % {"count": removed},
        )

    @admin.action(description=_("Send a password-reset link"), permissions=["change"])
    def send_password_reset(self, request, queryset):
        sent = skipped = 0
        for user in queryset:
            if user_password_reset_send(user=user, request=request):
                sent += 1
                logger.info("Password-reset link sent by %s to user %s", _actor(request), user.pk)
            else:
                skipped += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "A password-reset link was sent to %(count)d account.",
                    "A password-reset link was sent to %(count)d accounts.",
                    sent,
                )
                % {"count": sent},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account has no email address or is deactivated: no link was "
                    "sent to it.",
                    "%(count)d accounts have no email address or are deactivated: no link was "
                    "sent to them.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


def _powers(user: User) -> tuple[set[str], set[str]]:
    groups = set(user.groups.values_list("name", flat=True))
    permissions = {
        f"{app}.{codename}"
        for app, codename in user.user_permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    return groups, permissions


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """A group's permissions pass to its members: only superusers set them."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, "permissions"]

    def save_related(self, request, form, formsets, change):
        group = form.instance
        before = _group_permissions(group) if change else set()
        super().save_related(request, form, formsets, change)
        after = _group_permissions(group)
        if before != after:
            logger.warning(
                "Permission change by %s: group %s (%s) permissions added %s, removed %s",
                _actor(request),
                group.pk,
                group.name,
                sorted(after - before),
                sorted(before - after),
            )


def _group_permissions(group: Group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }
