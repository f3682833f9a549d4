"""Everything a public profile shows, in one call."""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.safestring import SafeString, mark_safe

from affiliates.models import Affiliate, Sector
from affiliates.schema_org import organization

# As django.utils.html.json_script does: no value can then close the <script> element.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class Profile:
    affiliate: Affiliate
    parent: Affiliate | None
    members: Sequence[Mapping[str, Any]]  # name and slug of its public member organisations
    sectors: list[Sector]
    json_ld: SafeString  # for a <script> element in the page
    schema_org: dict[str, Any]  # the same, as data (the API's JSON-LD)


def public_profile(slug: str, absolute_url: Callable[[str], str]) -> Profile:
    """The public affiliate with this slug (404 if there is none, or it is not public).

    `absolute_url` turns a path into a full address (request.build_absolute_uri).
    """
    public = Affiliate.objects.public()
    affiliate = get_object_or_404(public.select_related("region"), slug=slug)
    parent = (
        public.filter(pk=affiliate.parent_network_id).first()
        if affiliate.parent_network_id
        else None
    )
    members = list(affiliate.member_organisations.public().order_by("name").values("name", "slug"))
    data = organization(affiliate, absolute_url(affiliate.get_absolute_url()))
    return Profile(affiliate, parent, members, list(affiliate.sectors.all()), _json_ld(data), data)


def _json_ld(data: dict[str, Any]) -> SafeString:
    """JSON for a <script type="application/ld+json"> block, escaped like json_script.

    <, > and & become \\u escapes so that no value can close the script element.
    """
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES))
