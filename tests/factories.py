import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from affiliates.choices import OrganisationType, Status
from affiliates.models import Affiliate, MembershipDeclaration, Sector
from regions.models import CoordinatorAssignment, Region, RegionCountry

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def coordinates(self, create, regions, **kwargs):
        for region in regions or []:
            CoordinatorAssignment.objects.create(user=self, region=region)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["slug"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Regional Network {n}")
    short_name = factory.Sequence(lambda n: f"RN{n}")
    slug = factory.Sequence(lambda n: f"region-{n}")

    @factory.post_generation
    def countries(self, create, codes, **kwargs):
        for code in codes or []:
            RegionCountry.objects.get_or_create(region=self, country=code)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Sector {n}")
    slug = factory.Sequence(lambda n: f"sector-{n}")


class AffiliateFactory(factory.django.DjangoModelFactory):
    """An affiliated organisation; pass region= and a country that region covers."""

    class Meta:
        model = Affiliate
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Home Workers Group {n}")
    slug = factory.Sequence(lambda n: f"home-workers-group-{n}")
    region = factory.SubFactory(RegionFactory, countries=["IN"])
    country = factory.LazyAttribute(lambda a: a.region.countries.first().country.code)
    organisation_type = OrganisationType.UNION
    has_piece_rate_workers = True
    status = Status.AFFILIATED
    contact_name = "Private Person"
    contact_email = "private.person@example.org"
    contact_phone = "+00 555 000111"
    # As the services do when a record is registered: its details are confirmed that day.
    details_confirmed_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def sectors(self, create, sectors, **kwargs):
        if sectors:
            # As the screens set them: the searchable names follow.
            from affiliates.services import affiliate_set_sectors

            affiliate_set_sectors(self, sectors)


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipDeclaration

    affiliate = factory.SubFactory(AffiliateFactory)
    year = 2024
    women = 90
    men = 10
    total = factory.LazyAttribute(lambda d: d.women + d.men)
