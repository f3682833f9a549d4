"""International staff's group gets the permissions of dues and congresses (an existing
registry's group was set before the app existed; accounts.services.STAFF_APPS names it now)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

STAFF_GROUP_NAME = "International staff"


def grant(apps, schema_editor):
    # Permissions are made after all migrations; make this app's now so they can be given.
    config = apps.get_app_config("governance")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=STAFF_GROUP_NAME).first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(content_type__app_label="governance"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=STAFF_GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="governance"))


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0001_dues_and_congresses"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
