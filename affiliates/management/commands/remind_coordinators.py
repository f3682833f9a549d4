from django.core.management.base import BaseCommand

from affiliates.reminders import coordinator_reminders_send


class Command(BaseCommand):
    help = (
        "Mail each coordinator this month's reminder (records to confirm, declarations missing), "
        "once a month. Run it daily from cron: a second run the same month sends nothing again."
    )

    def handle(self, *args, **options):
        sent = coordinator_reminders_send()
        self.stdout.write(f"{sent} reminder(s) queued.")
