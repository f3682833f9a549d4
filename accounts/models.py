from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: international staff (is_staff) or a regional coordinator.

    A coordinator is a user assigned to one or more regions (regions.CoordinatorAssignment);
    what each role may see and do is decided in one place, affiliates.access.
    """

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
