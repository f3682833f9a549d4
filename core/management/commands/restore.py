"""`manage.py restore FILE`: put back an archive of `manage.py backup` (core/backups.py)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import backups


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the database DATABASE_URL names and into MEDIA_ROOT. "
        "A database that is not empty is refused unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar file that `manage.py backup` wrote")
        parser.add_argument(
            "--force",
            action="store_true",
            help="restore even into a database that is not empty (replacing its objects)",
        )

    def handle(self, *args, archive, force, **options):
        database = settings.DATABASES["default"]
        try:
            backups.restore(Path(archive), database, Path(settings.MEDIA_ROOT), force=force)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {archive} into the database {database['NAME']!r}.")
