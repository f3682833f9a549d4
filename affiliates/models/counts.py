"""The counts the database keeps for the directory, the figures and the typo search: written
by statement triggers (migrations 0012, 0014 and 0016), never by Python."""

from django.contrib.postgres.indexes import GinIndex
from django.db import models


class FacetCount(models.Model):
    """How many public affiliates (and their members) share a region, country, type, kinds of
    workers and sector: the directory's counts and the network's figures without reading every
    affiliate. Kept by the database (statement triggers on affiliates and their sectors,
    migration 0012), never written by Python.

    `sector_id` 0 counts the affiliates themselves; any other value, those with that sector.
    """

    region_id = models.IntegerField()
    country = models.CharField(max_length=2)
    organisation_type = models.CharField(max_length=20)
    has_piece_rate_workers = models.BooleanField()
    has_self_employed_workers = models.BooleanField()
    sector_id = models.IntegerField()
    organisations = models.IntegerField(default=0)
    women = models.BigIntegerField(default=0)
    men = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "sector_id",
                    "region_id",
                    "country",
                    "organisation_type",
                    "has_piece_rate_workers",
                    "has_self_employed_workers",
                ],
                name="facet_count_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.country}/{self.organisation_type}/{self.sector_id}"


class YearCount(models.Model):
    """The membership declared for each year by today's public affiliates (/stats/ "over the
    years"), kept by the database like FacetCount (statement triggers on declarations and on
    affiliates, migration 0014), never written by Python."""

    year = models.PositiveSmallIntegerField(unique=True)
    organisations = models.IntegerField(default=0)
    women = models.BigIntegerField(default=0)
    men = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.year)


class NameWord(models.Model):
    """Every word of the affiliates' names, as the search index holds it, with how many
    affiliates' names have it: the words a typo is compared with (trigram index). A few
    thousand rows for a million affiliates, so a typo is matched against words, not against a
    million names. Kept by the database (statement triggers on affiliates, migration 0016),
    never written by Python."""

    word = models.TextField(unique=True)
    affiliates = models.IntegerField(default=0)

    class Meta:
        indexes = [GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="name_word_trgm")]

    def __str__(self) -> str:
        return self.word
