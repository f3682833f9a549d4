from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import User

STAFF_GROUP_NAME = "International staff"
STAFF_APPS = ["auth", "accounts", "regions", "affiliates"]


def staff_membership_sync(user: User) -> None:
    """International staff (`is_staff`) are in the staff group, and nobody else is.

    `is_staff` is the role (affiliates.access); the group carries its permissions in the
    admin. Every place that sets `is_staff` calls this, so the two never disagree.
    """
    if user.is_staff:
        group = Group.objects.filter(name=STAFF_GROUP_NAME).first() or staff_group_ensure()
        user.groups.add(group)  # the group's permissions as a superuser left them
    else:
        user.groups.remove(*Group.objects.filter(name=STAFF_GROUP_NAME))


@transaction.atomic
def staff_group_ensure() -> Group:
    """The group that gives international staff every permission on the registry's records."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=STAFF_APPS))
    return group


def user_language_set(*, user: User, language: str) -> User:
    """Record the language a person reads the registry in ("" for the site's default)."""
    user.language = language
    user.full_clean(validate_unique=False, validate_constraints=False)
    user.save(update_fields=["language"])
    return user
