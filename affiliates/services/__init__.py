"""Writes to affiliates. Views, admin, commands and the API all go through these functions.

One module per sub-domain: registering and editing affiliates, their sectors, their yearly
declarations. Import them from here.
"""

from affiliates.services.affiliates import (
    AFFILIATE_EDITABLE_FIELDS,
    SLUG_ATTEMPTS,
    AffiliateEditConflict,
    affiliate_confirm_details,
    affiliate_create,
    affiliate_save,
    affiliate_update,
    affiliates_delete,
    affiliates_follow_countries,
    region_for_country,
    unique_slug,
)
from affiliates.services.bulk import (
    AffiliateRow,
    ChangedMeanwhile,
    LifecycleStep,
    SlugsInUse,
    affiliates_bulk_create,
    affiliates_bulk_update,
    bulk_insert,
    chunks,
    copy_rows,
)
from affiliates.services.declarations import (
    CHANGED_SINCE_SEEN,
    MEMBERSHIP_FIELDS,
    NOT_DECLARED,
    DeclarationBatchError,
    DeclarationRow,
    affiliate_refresh_membership,
    declaration_delete,
    declaration_record,
    declaration_save,
    declarations_record,
)
from affiliates.services.regions import region_countries_save
from affiliates.services.sectors import (
    affiliate_refresh_sector_names,
    affiliate_set_sectors,
    sector_delete,
    sector_names_text,
    sector_save,
)

__all__ = [
    "AFFILIATE_EDITABLE_FIELDS",
    "CHANGED_SINCE_SEEN",
    "MEMBERSHIP_FIELDS",
    "NOT_DECLARED",
    "SLUG_ATTEMPTS",
    "AffiliateEditConflict",
    "AffiliateRow",
    "ChangedMeanwhile",
    "DeclarationBatchError",
    "DeclarationRow",
    "LifecycleStep",
    "SlugsInUse",
    "affiliate_confirm_details",
    "affiliate_create",
    "affiliate_refresh_membership",
    "affiliate_refresh_sector_names",
    "affiliate_save",
    "affiliate_set_sectors",
    "affiliate_update",
    "affiliates_bulk_create",
    "affiliates_bulk_update",
    "affiliates_delete",
    "affiliates_follow_countries",
    "bulk_insert",
    "chunks",
    "copy_rows",
    "declaration_delete",
    "declaration_record",
    "declaration_save",
    "declarations_record",
    "region_countries_save",
    "region_for_country",
    "sector_delete",
    "sector_names_text",
    "sector_save",
    "unique_slug",
]
