"""`manage.py backup`: one archive of the database and the uploaded documents (core/backups.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import backups


class Command(BaseCommand):
    help = (
        "Write the database (pg_dump -Fc) and MEDIA_ROOT into one timestamped tar archive; "
        "print its path as the last line. The archive holds private contact details."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--folder",
            default=str(settings.BASE_DIR / "var" / "backups"),
            help="where to write the archive (default var/backups/)",
        )

    def handle(self, *args, folder, **options):
        try:
            archive = backups.backup(
                settings.DATABASES["default"], Path(settings.MEDIA_ROOT), Path(folder)
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("Backup written (it holds private contact details: keep it safe):")
        self.stdout.write(str(archive.resolve()))
