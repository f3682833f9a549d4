"""The affiliates app's models, one module per concern; everything is imported from here."""

from affiliates.models.affiliate import (
    REFERENCE_ALPHABET,
    Affiliate,
    AffiliateQuerySet,
    Sector,
    document_upload_path,
    new_reference,
)
from affiliates.models.counts import FacetCount, NameWord, YearCount
from affiliates.models.records import CoordinatorReminder, MembershipDeclaration, StatusChange

__all__ = [
    "REFERENCE_ALPHABET",
    "Affiliate",
    "AffiliateQuerySet",
    "CoordinatorReminder",
    "FacetCount",
    "MembershipDeclaration",
    "NameWord",
    "Sector",
    "StatusChange",
    "YearCount",
    "document_upload_path",
    "new_reference",
]
