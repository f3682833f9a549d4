from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from affiliates.choices import WithdrawalKind
from affiliates.models import Affiliate
from affiliates.rules import normalise_reference
from affiliates.services.lifecycle import TRANSITIONS, affiliate_transition


class Command(BaseCommand):
    help = "Take one lifecycle step (recommend, approve, suspend...) as a named person."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="the affiliate's reference, e.g. HN-7K3M-Q9PX")
        parser.add_argument("action", choices=list(TRANSITIONS))
        parser.add_argument("--by", required=True, help="username of the person deciding")
        parser.add_argument("--comment", default="")
        parser.add_argument("--public", action="store_true", help="show the comment to them")
        parser.add_argument("--kind", choices=WithdrawalKind.values, default="")

    def handle(self, *args, reference, action, by, comment, public, kind, **options):
        try:
            affiliate = Affiliate.objects.get(reference=normalise_reference(reference) or reference)
            actor = get_user_model().objects.get(username=by)
        except (Affiliate.DoesNotExist, get_user_model().DoesNotExist) as missing:
            raise CommandError(str(missing)) from None
        try:
            change = affiliate_transition(
                affiliate=affiliate,
                action=action,
                actor=actor,
                comment=comment,
                comment_is_public=public,
                withdrawal_kind=kind,
            )
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None
        self.stdout.write(f"{affiliate}: {change.from_status} → {change.to_status}")
