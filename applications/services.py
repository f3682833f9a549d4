"""Applications for affiliation: how an organisation enters the registry."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from affiliates.access import may_register_in
from affiliates.choices import Status
from affiliates.models import Affiliate
from affiliates.notifications import notify_application_received
from affiliates.rules import this_year
from affiliates.services import affiliate_create, declaration_record
from core.history import acting


@transaction.atomic
def application_submit(
    *,
    name: str,
    country: str,
    organisation_type: str,
    members_women: int,
    members_men: int,
    language: str,
    registered_by=None,
    comment: str = "",
    **details,
) -> Affiliate:
    """Record an application: an `applied` affiliate, its declared membership, emails after commit.

    With `registered_by`, a coordinator (or staff) registers an organisation they know: it starts
    `recommended`, since they vouch for it, and their recommendation is the first comment.
    """
    status = Status.APPLIED
    if registered_by is not None:
        if not may_register_in(registered_by, country):
            raise ValidationError(
                {
                    "country": _(
                        "You can register organisations only in the countries of your region."
                    )
                }
            )
        if not comment.strip():
            raise ValidationError({"comment": _("Say why the regional network recommends it.")})
        status = Status.RECOMMENDED
    # One application, one action in the history, outside a request too (a command, a job):
    # otherwise the creation and the declaration each open a history context of their own.
    with acting(registered_by):
        affiliate = affiliate_create(
            name=name,
            country=country,
            organisation_type=organisation_type,
            status=status,
            created_by=registered_by,
            comment=comment.strip(),
            language=language,
            **details,
        )
        if members_women or members_men:
            declaration_record(
                affiliate=affiliate,
                year=this_year(),
                women=members_women,
                men=members_men,
                source="Application for affiliation",
                recorded_by=registered_by,
            )
            affiliate.refresh_from_db()
    transaction.on_commit(lambda: notify_application_received(affiliate))
    return affiliate
