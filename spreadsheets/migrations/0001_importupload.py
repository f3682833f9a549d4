# Takes over the staff app's table (staff/migrations/0003): no SQL runs.
import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("staff", "0003_importupload_to_spreadsheets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportUpload",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("filename", models.CharField(max_length=200, verbose_name="file name")),
                        ("content", models.BinaryField(verbose_name="content")),
                        ("sha256", models.CharField(max_length=64)),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="uploaded at"),
                        ),
                        ("checked_at", models.DateTimeField(null=True, verbose_name="checked at")),
                        (
                            "uploaded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="uploaded by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "import upload",
                        "verbose_name_plural": "import uploads",
                        "db_table": "staff_importupload",
                    },
                ),
            ],
            database_operations=[],
        )
    ]
