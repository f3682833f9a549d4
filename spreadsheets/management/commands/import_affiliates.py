from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from affiliates.access import is_staff_member
from spreadsheets.importing import REFUSED, affiliates_import


class Command(BaseCommand):
    help = (
        "Import affiliates from a CSV or XLSX file, all or nothing. Rows match existing "
        "affiliates by slug, or by name and country. Exits with status 1 when the file is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        parser.add_argument(
            "--user",
            help="username the audit trail records for the changes (default: none, i.e. system)",
        )
        parser.add_argument(
            "--verbose-rows", action="store_true", help="list every row, not only refused ones"
        )

    def handle(self, *args, file: Path, dry_run: bool, user, verbose_rows: bool, **options):
        history_user = None
        if user:
            history_user = get_user_model().objects.filter(username=user, is_active=True).first()
            if not is_staff_member(history_user):
                raise CommandError(f"No active staff user named {user!r}.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error

        bar = tqdm(desc="Checking rows", unit="row", disable=options["verbosity"] == 0)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        report = affiliates_import(
            content=content,
            filename=file.name,
            user=history_user,
            dry_run=dry_run,
            progress=progress,
        )
        bar.close()
        for row in report.rows:
            if row.action == REFUSED or verbose_rows:
                detail = "; ".join(row.errors or row.changes)
                self.stdout.write(f"row {row.number}: {row.action} {row.name}  {detail}".rstrip())
        if report.refused:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
