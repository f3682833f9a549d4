"""An affiliate as schema.org data (JSON-LD): what search engines and other sites read."""

from typing import Any

from affiliates.models import Affiliate


def organization(affiliate: Affiliate, url: str) -> dict[str, Any]:
    """A public affiliate as a schema.org Organization; its contact only with its consent."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": affiliate.name,
        "url": url,
        "address": {
            "@type": "PostalAddress",
            "addressCountry": str(affiliate.country),  # a Country reads as its code
            **({"addressLocality": affiliate.city} if affiliate.city else {}),
        },
        "memberOf": {"@type": "Organization", "name": affiliate.region.name},
    }
    if affiliate.acronym:
        data["alternateName"] = affiliate.acronym
    if affiliate.description:
        data["description"] = affiliate.description
    if affiliate.website:
        data["sameAs"] = affiliate.website
    if affiliate.founded_year:
        data["foundingDate"] = str(affiliate.founded_year)
    if affiliate.shows_public_contact:
        if affiliate.public_email:
            data["email"] = affiliate.public_email
        if affiliate.public_phone:
            data["telephone"] = affiliate.public_phone
    return data
