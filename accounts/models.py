import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    # Validated against the machine's zone database rather than listed as choices: a list in
    # the field would change the migration state with every tzdata release.
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a time zone."), params={"value": value})


class User(AbstractUser):
    """A person who signs in: international staff (is_staff) or a regional coordinator.

    A coordinator is a user assigned to one or more regions (regions.CoordinatorAssignment);
    what each role may see and do is decided in one place, affiliates.access.
    """

    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "The language of the registry's emails to this person, and of its pages when they "
            "sign in. Empty: the site's default language."
        ),
    )

    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("The time zone its pages show times in when they sign in. Empty: UTC."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def preferred_language(self) -> str:
        """The language to write to this person in: their choice, else the site's default."""
        return self.language or settings.LANGUAGE_CODE
