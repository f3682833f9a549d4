from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from core.history import tracked


class RegionQuerySet(models.QuerySet["Region"]):
    def covering(self, country: str) -> "RegionQuerySet":
        """The region covering a country (a country belongs to one region at most)."""
        return self.filter(countries__country=country)

    def by_country(self) -> dict[str, "Region"]:
        """Each covered country's region, by country code: `covering` for many at once."""
        covered = RegionCountry.objects.filter(region__in=self).select_related("region")
        return {str(rc.country): rc.region for rc in covered}  # a Country reads as its code


RegionManager = models.Manager.from_queryset(RegionQuerySet)


@tracked()
class Region(models.Model):
    """A regional network of home-based workers' organisations."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    short_name = models.CharField(_("short name"), max_length=20, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="CoordinatorAssignment",
        related_name="coordinated_regions",
        blank=True,
        verbose_name=_("coordinators"),
    )

    # Typed here: modeltranslation swaps in a manager class of its own making, which mypy's
    # Django plugin cannot resolve.
    objects: ClassVar[RegionManager] = RegionManager()

    # Not stored: the public pages that list regions give each one its published figures
    # (affiliates.selectors.Figures, from a layer above this one) for their templates.
    figures: object

    class Meta:
        ordering = ["display_order", "name"]
        verbose_name = _("regional network")
        verbose_name_plural = _("regional networks")

    def __str__(self) -> str:
        return self.name


@tracked()
class RegionCountry(models.Model):
    """A country covered by a region. A country belongs to one region at most."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="countries", verbose_name=_("region")
    )
    country = CountryField(_("country"), unique=True)

    class Meta:
        ordering = ["country"]
        verbose_name = _("country covered")
        verbose_name_plural = _("countries covered")

    def __str__(self) -> str:
        # django-countries' stubs keep CharField's str; the field gives a Country.
        return str(self.country.name)  # type: ignore[attr-defined]


@tracked()
class CoordinatorAssignment(models.Model):
    """Makes a user a coordinator of a region: they keep that region's records."""

    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        related_name="coordinator_assignments",
        verbose_name=_("region"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinator_assignments",
        verbose_name=_("user"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["region", "user"],
                name="unique_coordinator_per_region",
                violation_error_message=_("This person already coordinates this region."),
            )
        ]
        verbose_name = _("coordinator assignment")
        verbose_name_plural = _("coordinator assignments")

    def __str__(self) -> str:
        return f"{self.user} – {self.region}"
