# ImportUpload moved to the spreadsheets app: the table stays (spreadsheets' 0001 takes it over,
# under its old name), only Django's record of which app owns it changes.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("staff", "0002_importupload_checked_at")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ImportUpload")],
            database_operations=[],
        )
    ]
