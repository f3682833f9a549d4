from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def preferred_language(self) -> str:
        """The language to write to this person in: their choice, else the site's default."""
        return self.language or settings.LANGUAGE_CODE
