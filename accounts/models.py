from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: international staff (is_staff) or a regional coordinator.

    A coordinator is a user assigned to one or more regions (regions.CoordinatorAssignment);
    the rules that follow from a role live in the querysets of the records they guard.
    """

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_coordinator(self) -> bool:
        return self.coordinator_assignments.exists()
