"""The fixed lists an affiliate's fields choose from."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    UNION = "union", _("Trade union")
    COOPERATIVE = "cooperative", _("Cooperative")
    SELF_HELP_GROUP = "self_help_group", _("Self-help group")
    WOMENS_GROUP = "womens_group", _("Women's group")
    ASSOCIATION = "association", _("Association")
    PRODUCER_COMPANY = "producer_company", _("Producer company")
    FAIR_TRADE = "fair_trade", _("Fair-trade group")
    NETWORK = "network", _("National network or federation")
    OTHER = "other", _("Other")


class WorkerCategory(models.TextChoices):
    PIECE_RATE = "piece_rate", _("Sub-contracted (piece-rate) workers")
    SELF_EMPLOYED = "self_employed", _("Self-employed workers")


class Status(models.TextChoices):
    APPLIED = "applied", _("Applied")
    RECOMMENDED = "recommended", _("Recommended by the region")
    AFFILIATED = "affiliated", _("Affiliated")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


class WithdrawalKind(models.TextChoices):
    LEFT = "left", _("Left the network")
    MERGED = "merged", _("Merged with another organisation")
    EXPELLED = "expelled", _("Expelled")


# Statuses of organisations that are members and declare their membership every year.
DECLARING_STATUSES = (Status.AFFILIATED, Status.SUSPENDED)
