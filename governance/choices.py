"""The fixed lists of dues and congresses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    MOBILE_MONEY = "mobile_money", _("Mobile money")
    CARD = "card", _("Card")
    OTHER = "other", _("Other")
    REVERSAL = "reversal", _("Reversal of a payment")


class Standing(models.TextChoices):
    GOOD = "good", _("In good standing")
    ARREARS = "arrears", _("In arrears")


class OutOfStanding(models.TextChoices):
    """What a congress does with affiliates out of good standing on its cut-off date."""

    EXCLUDED = "excluded", _("Excluded")
    OBSERVER = "observer", _("Observers")


class CongressStanding(models.TextChoices):
    """An affiliate's place at a congress."""

    DELEGATE = "good", _("In good standing")
    OBSERVER = "observer", _("Observer (out of good standing)")
    EXCLUDED = "excluded", _("Excluded (out of good standing)")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Another gender")
