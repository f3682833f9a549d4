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


class ApiToken(models.Model):
    """A person's key to the JSON API (/api/v1/): named, with an expiry, stored hashed.

    The token itself (`hn_<prefix>_<secret>`) is shown once, when it is made: only its prefix
    (to find the row) and the SHA-256 of the whole token are kept, so a copy of the database
    gives nobody access. Revoking a token deletes it (accounts.tokens).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    digest = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    # Made in a session that had given its second factor (accounts.two_factor): a staff
    # member's token made without it opens nothing once the second factor is theirs to give
    # (accounts.tokens.token_user), or the token would sign in with the password alone.
    second_factor = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
