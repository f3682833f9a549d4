"""Who may see and change what: the registry's one access module.

The roles:
- **International staff**: an active user with `is_staff`. They see and change every record.
  The *International staff* group only carries their permissions on the admin's screens;
  `accounts.services.staff_membership_sync` keeps the two together, and nothing else decides
  who is staff.
- **Coordinator of region X**: an active user assigned to X (regions.CoordinatorAssignment).
  They see and change the records of their regions only.
- **Reviewer**: staff, or the coordinator of at least one region: they review applications.
- Anybody else, the public included, sees public records through public pages only.

Views use the decorators and the access-checked getters below; services and selectors use
the scopes. Outside a person's scope a record is a 404, never a hint that it exists.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django_countries import countries

from affiliates.choices import OrganisationType
from affiliates.models import Affiliate, AffiliateQuerySet
from regions.models import Region, RegionCountry, RegionQuerySet

# The roles a person holds over one affiliate (the lifecycle's steps name the one they need).
REGION = "region"
STAFF = "staff"

View = Callable[..., HttpResponse]


def is_signed_in(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_staff_member(user: Any) -> bool:
    """International staff: active, with `is_staff`."""
    return is_signed_in(user) and bool(user.is_staff)


def regions_coordinated_by(user: Any) -> RegionQuerySet:
    """Regions whose records this user keeps: all for staff, assigned ones for coordinators."""
    if not is_signed_in(user):
        return Region.objects.none()
    if is_staff_member(user):
        return Region.objects.all()
    return Region.objects.filter(coordinator_assignments__user=user)


def people_with_a_role() -> QuerySet[Any]:
    """Everybody who keeps records: staff and coordinators (active or not: history names them)."""
    users = get_user_model().objects
    return users.filter(Q(is_staff=True) | Q(coordinator_assignments__isnull=False)).distinct()


def is_reviewer(user: Any) -> bool:
    """Staff and coordinators review applications; another signed-in person has no business."""
    return is_staff_member(user) or regions_coordinated_by(user).exists()


def affiliates_visible_to(user: Any) -> AffiliateQuerySet:
    """Full records, private contacts included, that this user may read.

    Staff: every record. A coordinator: every record of the regions they coordinate, in any
    status. Anybody else: none (the public sees `Affiliate.objects.public()` on public pages).
    """
    if not is_signed_in(user):
        return Affiliate.objects.none()
    if is_staff_member(user):
        return Affiliate.objects.all()
    return Affiliate.objects.filter(region__coordinator_assignments__user=user)


def affiliates_editable_by(user: Any) -> AffiliateQuerySet:
    """Records this user may change: the same scope as `affiliates_visible_to`."""
    return affiliates_visible_to(user)


def roles_over(user: Any, affiliate: Affiliate) -> set[str]:
    """The roles this person holds over this affiliate: REGION, STAFF, both or neither.

    Staff hold REGION too, standing in for any region.
    """
    if not is_signed_in(user):
        return set()
    roles = {STAFF} if is_staff_member(user) else set()
    if regions_coordinated_by(user).filter(pk=affiliate.region_id).exists():
        roles.add(REGION)
    return roles


def roles_over_each(user: Any, affiliates: Iterable[Affiliate]) -> dict[int, set[str]]:
    """`roles_over` for many affiliates at once (a list's rows), by pk: one query, not one each."""
    if not is_signed_in(user):
        return {affiliate.pk: set() for affiliate in affiliates}
    staff = {STAFF} if is_staff_member(user) else set()
    regions = set(regions_coordinated_by(user).values_list("pk", flat=True))
    return {
        affiliate.pk: staff | ({REGION} if affiliate.region_id in regions else set())
        for affiliate in affiliates
    }


def may_register_in(user: Any, country: str) -> bool:
    """Whether this person may register an organisation of `country` (their regions' countries)."""
    return regions_coordinated_by(user).covering(country).exists()


def country_choices_for(user: Any) -> list[tuple[str, str]]:
    """(code, name) of the countries covered by the regions `user` coordinates, by name.

    Names are in the active language: build the choices per request, never at import.
    """
    codes = set(
        RegionCountry.objects.filter(region__in=regions_coordinated_by(user)).values_list(
            "country", flat=True
        )
    )
    return [(code, name) for code, name in countries if code in codes]


def networks_choosable_by(user: Any, affiliate: Affiliate) -> AffiliateQuerySet:
    """The networks `user` may name as `affiliate`'s parent: their regions' networks (never
    itself), and the one it already has, wherever it is (the edit page and the API)."""
    return (
        affiliates_visible_to(user)
        .filter(organisation_type=OrganisationType.NETWORK)
        .exclude(pk=affiliate.pk)
        # pk=None matches no row (Django reads it as IS NULL); the plugin wants a value.
        | Affiliate.objects.filter(pk=affiliate.parent_network_id)  # type: ignore[misc]
    ).distinct()


def affiliate_for(user: Any, *, edit: bool = False, **lookup: Any) -> Affiliate:
    """The one access-checked fetch of an affiliate: 404 outside the user's scope.

    `lookup` names it (slug=... or reference=...).
    """
    scope = affiliates_editable_by(user) if edit else affiliates_visible_to(user)
    return get_object_or_404(scope.select_related("region", "parent_network"), **lookup)


def _requiring(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    """A view decorator: anonymous visitors sign in first; signed-in people without the role 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


signed_in_required = _requiring(is_signed_in)
reviewer_required = _requiring(is_reviewer)
staff_required = _requiring(is_staff_member)
