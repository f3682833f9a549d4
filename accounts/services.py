from django.contrib.auth.models import Group, Permission
from django.db import transaction

STAFF_GROUP_NAME = "International staff"
STAFF_APPS = ["auth", "accounts", "regions", "affiliates"]


@transaction.atomic
def staff_group_ensure() -> Group:
    """The group that gives international staff every permission on the registry's records."""
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=STAFF_APPS))
    return group
