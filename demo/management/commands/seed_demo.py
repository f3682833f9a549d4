import time

from django.core.management.base import BaseCommand, CommandError

from affiliates.models import Affiliate
from demo.demo_data import DEMO_PASSWORD
from demo.seeding import seed_demo
from regions.models import Region


class Command(BaseCommand):
    help = (
        "Load demo data: the five regional networks, sectors, demo users and N fictional "
        "affiliates. Safe to run again: existing rows are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--affiliates", type=int, default=150, help="how many (default 150)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the registry holds data"
        )

    def handle(self, *args, affiliates, seed, if_empty, **options):
        if affiliates < 0:
            raise CommandError("--affiliates must be 0 or more")
        if if_empty and (Region.objects.exists() or Affiliate.objects.exists()):
            self.stdout.write("The registry already holds data: no demo data loaded.")
            return
        started = time.monotonic()
        report = seed_demo(affiliates=affiliates, seed=seed, progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {time.monotonic() - started:.1f} s: {report.regions} regions, "
                f"{report.sectors} sectors, {report.affiliates_created:,} affiliates added, "
                f"{report.affiliates_kept:,} already there."
            )
        )
        self.stdout.write(
            f"Demo users (password '{DEMO_PASSWORD}'): {', '.join(report.users)}.\n"
            "Sign in at http://127.0.0.1:8000/admin/ as 'staff'."
        )
