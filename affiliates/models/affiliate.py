"""Sectors and affiliates: the registry's records of organisations."""

import datetime as dt
import secrets
import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from affiliates.choices import (
    DECLARING_STATUSES,
    OrganisationType,
    Status,
    WorkerCategory,
)
from affiliates.rules import (
    EARLIEST_FOUNDED_YEAR,
    FOUNDED_IN_FUTURE,
    NAME_TAKEN,
    TOTAL_TOO_SMALL,
    clean_name,
    end_of_year,
    founded_in_future,
    normalise_name,
)
from affiliates.search_columns import lower_case, search_vector, unaccented
from core.history import tracked
from regions.models import Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Crockford's base-32 alphabet: no I, L, O or U, so a reference read over the phone is unambiguous.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A reference an applicant can quote and nobody can guess, e.g. HN-7K3M-Q9PX."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"HN-{chars[:4]}-{chars[4:]}"


def document_upload_path(instance: "Affiliate", filename: str) -> str:
    # Never the applicant's own file name: it could say anything and collide.
    return f"documents/{uuid.uuid4().hex}.pdf"


class Sector(models.Model):
    """A trade home-based workers work in: garments, embroidery, incense sticks..."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    display_order = models.PositiveSmallIntegerField(_("display order"), default=0)

    # Typed here: modeltranslation swaps in a manager class of its own making, which mypy's
    # Django plugin cannot resolve.
    objects: ClassVar[models.Manager["Sector"]] = models.Manager()

    class Meta:
        ordering = ["display_order", "name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name


class AffiliateQuerySet(models.QuerySet["Affiliate"]):
    """Reads of affiliates by what they are; who may read which is affiliates.access."""

    def public(self) -> "AffiliateQuerySet":
        """What anybody may see: affiliated organisations only."""
        return self.filter(status=Status.AFFILIATED)

    def in_region(self, region: Region) -> "AffiliateQuerySet":
        return self.filter(region=region)

    def named(self, name: str, country: str) -> "AffiliateQuerySet":
        """The organisation registered under this name in this country, however it is spelled.

        The one-name-per-country rule: the unique index on (country, name_key) enforces it,
        forms and the import ask this first to say so next to the field or row.
        """
        return self.filter(country=country, name_key=normalise_name(name))

    def declaring(self) -> "AffiliateQuerySet":
        """Members, who declare their membership every year: affiliated or suspended."""
        return self.filter(status__in=DECLARING_STATUSES)

    def missing_declaration(self, year: int) -> "AffiliateQuerySet":
        """The members that owe a declaration for `year` (rules.declaration_due_year: last year).

        The one definition of a missing declaration, which the workspace, the staff dashboard
        and /staff/stats/ list. A member (affiliated or suspended) owes `year` when it was
        affiliated by the end of that year (no date of affiliation: it counts as a member since
        before) and has declared neither that year nor a later one: an organisation approved
        this year owes nothing for last year, and one that already declared a later year is up
        to date, its figures newer than those due (it may still record the year it skipped).
        """
        # records.py imports this module (a declaration belongs to an affiliate).
        from affiliates.models.records import MembershipDeclaration

        declared = MembershipDeclaration.objects.filter(
            affiliate=models.OuterRef("pk"), year__gte=year
        )
        member_by_then = Q(affiliated_on__isnull=True) | Q(affiliated_on__lte=end_of_year(year))
        return self.declaring().filter(member_by_then).filter(~models.Exists(declared))

    def stale(self, before: dt.date) -> "AffiliateQuerySet":
        """The members whose details nobody has confirmed on or after `before`.

        `before` is rules.stale_before(): a year ago. A record never confirmed is stale too.
        The workspace, /staff/stats/ and the coordinators' monthly reminder list these.
        """
        return self.declaring().filter(
            Q(details_confirmed_on__isnull=True) | Q(details_confirmed_on__lt=before)
        )


# name_key and the search columns are derived from the name and other fields, not changes
# anybody makes.
@tracked(
    exclude=(
        "name_key", "search_vector", "name_plain", "contacts_plain", "sector_names_translated",
    )
)  # fmt: skip
class Affiliate(models.Model):
    """A member organisation of home-based workers, from application to affiliation and after."""

    # Identity
    reference = models.CharField(
        _("reference"), max_length=12, unique=True, default=new_reference, editable=False
    )
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    country = CountryField(_("country"))
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="affiliates",
        verbose_name=_("regional network"),
    )
    city = models.CharField(
        _("city or district"),
        max_length=120,
        blank=True,
        help_text=_("Never a street address: members work in their homes."),
    )
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("For example: Hindi, Gujarati")
    )
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    is_registered = models.BooleanField(_("legally registered"), default=False)
    registration_number = models.CharField(_("registration number"), max_length=80, blank=True)

    # Kind
    organisation_type = models.CharField(
        _("type of organisation"), max_length=20, choices=OrganisationType.choices
    )
    has_piece_rate_workers = models.BooleanField(
        _("sub-contracted (piece-rate) workers"), default=False
    )
    has_self_employed_workers = models.BooleanField(_("self-employed workers"), default=False)
    sectors = models.ManyToManyField(
        Sector, related_name="affiliates", blank=True, verbose_name=_("sectors")
    )
    parent_network = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_organisations",
        verbose_name=_("affiliates through the national network"),
    )
    # The sectors' names, denormalised so that the PostgreSQL search vector (a generated column,
    # which cannot reach a many-to-many table) covers them. Kept in step by services and seeding.
    # The history records sector changes through it.
    sector_names = models.TextField(_("sectors"), editable=False, blank=True, default="")
    # The same sectors' names in the other languages staff translated them into (see
    # affiliates/translation.py): searched, never shown nor exported, not kept in the history.
    sector_names_translated = models.TextField(
        _("sectors in other languages"), editable=False, blank=True, default=""
    )
    # The directory's search (affiliates/search.py), computed by the database on every write:
    # words of the name and acronym weigh most, then city and sectors, then the description.
    search_vector = models.GeneratedField(
        expression=search_vector(), output_field=SearchVectorField(), db_persist=True
    )
    # The name as a typo search ranks its matches: lower case, without accents.
    name_plain = models.GeneratedField(
        expression=unaccented(lower_case(F("name"))),
        output_field=models.TextField(),
        db_persist=True,
    )

    # Current membership: that of the latest declaration (services.declaration_record).
    members_women = models.PositiveIntegerField(_("women members"), default=0)
    members_men = models.PositiveIntegerField(_("men members"), default=0)
    members_total = models.PositiveIntegerField(_("total members"), default=0)
    members_year = models.PositiveSmallIntegerField(
        _("membership declared for"), null=True, blank=True
    )

    # Public profile
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public email"), blank=True)
    public_phone = models.CharField(_("public phone"), max_length=40, blank=True)
    publish_contact = models.BooleanField(
        _("consents to publish the public email and phone"), default=False
    )
    publish_contact_given_on = models.DateField(_("consent given on"), null=True, blank=True)

    # Private contact: never shown to the public.
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_role = models.CharField(_("contact person's role"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    # The private contact's name and email as staff and coordinators search them: lower case,
    # one text (trigram index: "any part of it" without reading every record).
    contacts_plain = models.GeneratedField(
        expression=lower_case(
            Concat(
                F("contact_name"), Value(" "), F("contact_email"), output_field=models.TextField()
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    # Affiliation
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.APPLIED
    )
    status_changed_at = models.DateTimeField(_("status changed at"), default=timezone.now)
    affiliated_on = models.DateField(_("affiliated on"), null=True, blank=True)
    document = models.FileField(
        _("supporting document"), upload_to=document_upload_path, blank=True
    )
    language = models.CharField(
        _("language for messages"), max_length=10, default=settings.LANGUAGE_CODE
    )
    # Set by the services when a coordinator or staff confirm the record is current, or edit it.
    details_confirmed_on = models.DateField(
        _("details confirmed on"), null=True, blank=True, editable=False
    )

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = AffiliateQuerySet.as_manager()

    # Not stored: the directory's page (affiliates.search.directory_page) names the country and
    # type of the affiliates it lists, once, for its template.
    country_label: str
    type_label: "StrOrPromise"

    class Meta:
        ordering = ["name"]
        verbose_name = _("affiliate")
        verbose_name_plural = _("affiliates")
        indexes = [
            # The directory in name order, deep pages included: ids read from the index alone.
            models.Index(fields=["status", "name", "id"], name="affiliate_status_name_id"),
            models.Index(fields=["region", "status"], name="affiliate_region_status"),
            GinIndex(fields=["search_vector"], name="affiliate_search_vector"),
            GinIndex(
                fields=["contacts_plain"],
                opclasses=["gin_trgm_ops"],
                name="affiliate_contacts_trgm",
            ),
            # The admin's list, in name order (staff.admin.affiliates).
            models.Index(fields=["name", "id"], name="affiliate_name_id"),
            # The workspace's list of a region, in name order.
            models.Index(fields=["region", "name", "id"], name="affiliate_region_name"),
            # The directory by most members, and its candidates when a search matches too
            # many to rank them all (affiliates.search): the largest organisations first.
            models.Index(
                F("members_total").desc(),
                "name",
                "id",
                condition=Q(status=Status.AFFILIATED),
                name="affiliate_public_members",
            ),
            # The directory by most recently affiliated.
            models.Index(
                F("affiliated_on").desc(nulls_last=True),
                "name",
                "id",
                condition=Q(status=Status.AFFILIATED),
                name="affiliate_public_affiliated",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name_key"],
                name="unique_affiliate_name_per_country",
                violation_error_message=NAME_TAKEN,
            ),
            models.CheckConstraint(
                condition=Q(members_total__gte=F("members_women") + F("members_men")),
                name="affiliate_total_covers_women_and_men",
                violation_error_message=TOTAL_TOO_SMALL,
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values),
                name="affiliate_status_valid",
                violation_error_message=_("This is not a status an affiliate can have."),
            ),
            models.CheckConstraint(
                condition=Q(organisation_type__in=OrganisationType.values),
                name="affiliate_organisation_type_valid",
                violation_error_message=_("Choose a type of organisation from the list."),
            ),
            models.CheckConstraint(
                condition=Q(has_piece_rate_workers=True) | Q(has_self_employed_workers=True),
                name="affiliate_has_worker_category",
                violation_error_message=_(
                    "Say whether members are piece-rate workers, self-employed, or both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True) | Q(founded_year__gte=EARLIEST_FOUNDED_YEAR),
                name="affiliate_founded_year_plausible",
                violation_error_message=_("The year founded is too early to be right."),
            ),
            models.CheckConstraint(
                condition=Q(is_registered=True) | Q(registration_number=""),
                name="affiliate_registration_number_only_if_registered",
                violation_error_message=_(
                    "A registration number goes with a legally registered organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(publish_contact=False) | Q(publish_contact_given_on__isnull=False),
                name="affiliate_consent_has_date",
                violation_error_message=_("Record the date consent to publish was given."),
            ),
            models.CheckConstraint(
                condition=~Q(parent_network=F("pk")),
                name="affiliate_not_its_own_parent",
                violation_error_message=_("An organisation cannot be its own network."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The stored name's cleaning and its derived key: kept here so no write path forgets them.
        self.name = clean_name(self.name)
        self.name_key = normalise_name(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The public profile (only affiliated organisations have one: others are a 404)."""
        return reverse("affiliates:profile", args=[self.slug])

    def clean(self) -> None:
        super().clean()
        typed, self.name = self.name, clean_name(self.name)
        self.name_key = normalise_name(self.name)
        errors: dict[str, StrOrPromise] = {}
        if typed and not self.name:  # nothing left once invisible characters are gone
            errors["name"] = models.Field.default_error_messages["blank"]
        if founded_in_future(self.founded_year):
            errors["founded_year"] = FOUNDED_IN_FUTURE
        if (
            self.country
            and self.region_id
            and not Region.objects.covering(self.country).filter(pk=self.region_id).exists()
        ):
            errors["region"] = _("%(country)s is not covered by this regional network.") % {
                "country": self.country.name  # type: ignore[attr-defined]  # a Country, not str
            }
        if self.parent_network_id and self.parent_network_id == self.pk:
            errors["parent_network"] = _("An organisation cannot be its own network.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.status == Status.AFFILIATED

    @property
    def is_declaring(self) -> bool:
        """A member (affiliated or suspended): it declares yearly and keeps its details current."""
        return self.status in DECLARING_STATUSES

    @property
    def worker_categories(self) -> "list[StrOrPromise]":
        categories: list[StrOrPromise] = []
        if self.has_piece_rate_workers:
            categories.append(WorkerCategory.PIECE_RATE.label)
        if self.has_self_employed_workers:
            categories.append(WorkerCategory.SELF_EMPLOYED.label)
        return categories

    @property
    def shows_public_contact(self) -> bool:
        """Public email and phone appear on public pages only with the organisation's consent."""
        return self.publish_contact
