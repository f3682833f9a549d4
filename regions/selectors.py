"""Reads about regions shared by several apps' forms and pages."""

from django_countries import countries

from regions.models import Region, RegionCountry


def country_choices_for(user) -> list[tuple[str, str]]:
    """(code, name) of the countries covered by the regions `user` coordinates, by name.

    Staff coordinate every region, so they get every covered country; anybody else, none.
    Names are in the active language: build the choices per request, never at import.
    """
    codes = set(
        RegionCountry.objects.filter(region__in=Region.objects.coordinated_by(user)).values_list(
            "country", flat=True
        )
    )
    return [(code, name) for code, name in countries if code in codes]
