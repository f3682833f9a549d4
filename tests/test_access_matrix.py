"""The access matrix: every URL pattern of the project, requested as every role.

Roles: an anonymous visitor, the coordinator of South Asia, the coordinator of Africa, staff,
a superuser. Each pattern of the URL resolver (admin and i18n included) needs an entry in
MATRIX below, or a rule (the admin's); a pattern without one fails the test, naming it, and so
does an entry whose pattern is gone. Each (pattern, role) is a test of its own, named after
both (`workspace:affiliate_detail-coordinator_africa`), so a failure names its cell; run one
with `-k "workspace:affiliate_detail-"`.

To add a URL: add a row `"namespace:name": [Case(kwargs=..., expect=...)]`. `kwargs` builds the
URL's arguments from the `World` of real objects of both regions; `expect` maps each role to a
status code or a Redirect. Helpers: `everyone(200)`, `signed_in(200)` (anonymous → sign in),
`region_of("south_asia")` (its coordinator and staff 200, the other coordinator 404).
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.services import staff_group_ensure
from accounts.tokens import token_create
from affiliates.choices import Status
from affiliates.models import Affiliate
from governance.models import Congress, Delegate, DuesAdjustment, DuesRule
from governance.services import (
    congress_save,
    delegate_add,
    dues_adjustment_save,
    dues_payment_record,
    dues_payment_reverse,
    dues_rule_save,
)
from tests.clock import NOW, YEAR
from tests.factories import (
    AffiliateFactory,
    DeclarationFactory,
    RegionFactory,
    SectorFactory,
    UserFactory,
)
from tests.url_patterns import url_patterns

# The declarations pages exist for this year and earlier ones: the clock says which year.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

ROLES = ["anonymous", "coordinator_south_asia", "coordinator_africa", "staff", "superuser"]
COORDINATORS = {"south_asia": "coordinator_south_asia", "africa": "coordinator_africa"}


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location starts with `to`."""

    to: str


LOGIN = Redirect("/accounts/login/?next=")
ADMIN_LOGIN = Redirect("/admin/login/?next=")

Expect = dict[str, "int | Redirect"]


@dataclass
class World:
    """Real objects of both regions, the ids and slugs the URLs are filled with."""

    users: dict
    sessions: dict  # role -> the key of a session signed in as that role
    affiliate: dict  # region key -> an affiliate of that region
    application: dict  # region key -> an application (status applied) with a document
    year: int
    reset_uid: str
    reset_token: str
    tokens: dict  # role -> an API token of theirs (accounts.tokens), the token itself
    token_rows: dict  # role -> that token's row
    congress: str = ""  # the slug of a congress both regions' affiliates send a delegate to


@dataclass(frozen=True)
class Case:
    expect: Expect
    kwargs: Callable[[World], dict] = lambda w: {}
    method: str = "get"
    data: Callable[[World], dict] = lambda w: {}
    # For patterns without a name: the path to request.
    path: Callable[[World], str] | None = None
    # role -> texts that must not be in the answer (another region's affiliate, a contact...).
    # The JSON API: the role's token is sent (Authorization), and a body as JSON.
    api: bool = False
    never_shows: dict[str, tuple[Callable[[World], str], ...]] = field(default_factory=dict)
    # role -> texts that must be in it: the page does list what never_shows looks for, so a
    # leak would show (a check on a page that lists nothing could never fail).
    shows: dict[str, tuple[Callable[[World], str], ...]] = field(default_factory=dict)
    note: str = ""


def everyone(expected) -> Expect:
    return dict.fromkeys(ROLES, expected)


def signed_in(expected, anonymous=LOGIN) -> Expect:
    return {**everyone(expected), "anonymous": anonymous}


def region_of(region: str, expected=200) -> Expect:
    """A record of one region: its coordinator and staff get it, the other coordinator 404."""
    other = next(role for key, role in COORDINATORS.items() if key != region)
    return {**signed_in(expected), other: 404}


def staff_page() -> Expect:
    """International staff only: coordinators are refused, anonymous visitors sent to sign in."""
    return {**signed_in(200), "coordinator_south_asia": 403, "coordinator_africa": 403}


def api_region_of(region: str, expected=200) -> Expect:
    """A record of one region through the API: without a token 401, the other region's 404."""
    return {**region_of(region, expected), "anonymous": 401}


def with_token(expected) -> Expect:
    return {**everyone(expected), "anonymous": 401}


def private_contact_of(region: str) -> Callable[[World], str]:
    return lambda w: w.affiliate[region].contact_name


def name_of(region: str) -> Callable[[World], str]:
    return lambda w: w.affiliate[region].name


def each_coordinator(*texts_of: Callable[[str], Callable[[World], str]], own: bool) -> dict:
    """role -> texts of their own region's affiliate (own=True) or of the other region's."""
    return {
        role: tuple(text_of(region if own else other) for text_of in texts_of)
        for region, role in COORDINATORS.items()
        for other in COORDINATORS
        if other != region
    }


def slug_of(region: str) -> Callable[[World], dict]:
    return lambda w: {"slug": w.affiliate[region].slug}


def reference_of(region: str) -> Callable[[World], dict]:
    return lambda w: {"reference": w.application[region].reference}


def application_of(region: str) -> Callable[[World], str]:
    return lambda w: w.application[region].name


def delegate_of(region: str) -> Callable[[World], str]:
    return lambda w: f"Delegate of {w.affiliate[region].name}"


def congress_slug(w: World) -> dict:
    return {"slug": w.congress}


def delegates_page_of(region: str) -> Callable[[World], dict]:
    return lambda w: {"slug": w.congress, "affiliate_slug": w.affiliate[region].slug}


# A page scoped to the coordinator's regions: the other region's affiliate is never on it, while
# their own is (pages that list names); where contacts are listed, the same for the contact.
REGION_NAMES = {
    "never_shows": each_coordinator(name_of, own=False),
    "shows": each_coordinator(name_of, own=True),
}
REGION_NAMES_AND_CONTACTS = {
    "never_shows": each_coordinator(name_of, private_contact_of, own=False),
    "shows": each_coordinator(name_of, private_contact_of, own=True),
}

# Staff pages of dues and credentials list both regions' affiliates (and delegates).
STAFF_SEES_BOTH = {
    role: (name_of("south_asia"), name_of("africa")) for role in ("staff", "superuser")
}
STAFF_SEES_DELEGATES = {
    role: (delegate_of("south_asia"), delegate_of("africa")) for role in ("staff", "superuser")
}

# Public pages show nobody's private contact, whoever asks.
PUBLIC_NEVER_SHOWS = dict.fromkeys(ROLES, (private_contact_of("south_asia"),))


def figure(text: str) -> Callable[[World], str]:
    """A figure as a cell shows it (`>1,245<`), not a number inside some other text."""
    return lambda w: f">{text}<"


# The home page's figures count the two affiliated organisations' members (1,200 + 45 women,
# 30 + 6 men; South Asia's row 1,200), never the applications' (7,777 women each), which
# would make them 16,799 and 8,977.
HOME_SHOWS = dict.fromkeys(ROLES, (figure("1,245"), figure("36"), figure("1,200")))

MATRIX: dict[str, list[Case]] = {
    # Django's language switch: a POST that redirects back.
    "set_language": [
        Case(everyone(Redirect("/")), method="post", data=lambda w: {"language": "en", "next": "/"})
    ],
    # Health probes (core/health.py): for load balancers and monitors, nobody signed in.
    "healthz": [Case(everyone(200))],
    "readyz": [Case(everyone(200))],
    "affiliates:home": [Case(everyone(200), shows=HOME_SHOWS)],
    # The public directory: affiliated organisations only, never a private contact
    "affiliates:directory": [Case(everyone(200), never_shows=PUBLIC_NEVER_SHOWS)],
    "affiliates:export_csv": [Case(everyone(200), never_shows=PUBLIC_NEVER_SHOWS)],
    "affiliates:profile": [
        Case(everyone(200), kwargs=slug_of("south_asia"), never_shows=PUBLIC_NEVER_SHOWS),
        Case(everyone(404), kwargs=lambda w: {"slug": w.application["africa"].slug}),
        Case(everyone(404), kwargs=lambda w: {"slug": "no-such-affiliate"}),
    ],
    "regions:list": [Case(everyone(200))],
    "regions:detail": [
        Case(everyone(200), kwargs=lambda w: {"slug": w.affiliate["africa"].region.slug}),
        Case(everyone(404), kwargs=lambda w: {"slug": "no-such-region"}),
    ],
    # Accounts
    "accounts:login": [Case({**everyone(Redirect("/workspace/")), "anonymous": 200})],
    "accounts:logout": [
        Case(everyone(405), note="GET never signs anybody out"),
        Case(everyone(Redirect("/accounts/login/")), method="post"),
    ],
    "accounts:language": [Case(signed_in(200))],
    # Two-step sign-in (accounts/two_factor.py): set up by staff; the code page sends anyone
    # who owes no code on to where they were going (the workspace by default).
    "accounts:two_factor": [Case(staff_page())],
    "accounts:two_factor_verify": [Case(signed_in(Redirect("/workspace/")))],
    "accounts:two_factor_backup_codes": [
        Case(signed_in(405), note="POST only"),
        Case(
            {
                **signed_in(Redirect("/accounts/two-factor/")),
                "coordinator_south_asia": 403,
                "coordinator_africa": 403,
            },
            method="post",
            note="staff whose session gave no code are sent to the set-up page first",
        ),
    ],
    "accounts:password_change": [Case(signed_in(200))],
    "accounts:password_change_done": [Case(signed_in(200))],
    "accounts:password_reset": [Case(everyone(200))],
    "accounts:password_reset_done": [Case(everyone(200))],
    "accounts:password_reset_confirm": [
        Case(
            everyone(Redirect("/accounts/password/reset/")),
            kwargs=lambda w: {"uidb64": w.reset_uid, "token": w.reset_token},
            note="a valid link redirects to the set-password form",
        ),
        Case(everyone(200), kwargs=lambda w: {"uidb64": w.reset_uid, "token": "1-bad"}),
    ],
    "accounts:password_reset_complete": [Case(everyone(200))],
    # Workspace
    "workspace:dashboard": [Case(signed_in(200), **REGION_NAMES)],
    "workspace:affiliate_list": [Case(signed_in(200), **REGION_NAMES_AND_CONTACTS)],
    "workspace:affiliate_detail": [
        Case(region_of("south_asia"), kwargs=slug_of("south_asia")),
        Case(region_of("africa"), kwargs=slug_of("africa")),
        Case(signed_in(404), kwargs=lambda w: {"slug": "no-such-affiliate"}),
    ],
    "workspace:affiliate_edit": [
        Case(region_of("south_asia"), kwargs=slug_of("south_asia")),
        Case(region_of("africa"), kwargs=slug_of("africa")),
        Case(
            {**region_of("africa"), "coordinator_south_asia": 404},
            kwargs=slug_of("africa"),
            method="post",
            data=lambda w: {"name": "Taken over"},
            note="an incomplete POST: the form again (200) for those who may edit, 404 otherwise",
        ),
    ],
    "workspace:affiliate_confirm": [
        Case(
            signed_in(405), kwargs=slug_of("south_asia"), note="POST only: a GET confirms nothing"
        ),
        Case(
            {
                **region_of("south_asia", Redirect("/workspace/affiliates/")),
                "anonymous": LOGIN,
            },
            kwargs=slug_of("south_asia"),
            method="post",
            note="its region's coordinator and staff confirm; the other coordinator gets a 404",
        ),
    ],
    "workspace:declarations_current": [Case(signed_in(Redirect("/workspace/declarations/")))],
    "workspace:declarations": [
        Case(signed_in(200), kwargs=lambda w: {"year": w.year}, **REGION_NAMES),
        Case(signed_in(404), kwargs=lambda w: {"year": w.year + 1}, note="future year"),
    ],
    "workspace:declarations_template": [
        Case(signed_in(200), kwargs=lambda w: {"year": w.year}, **REGION_NAMES)
    ],
    "workspace:export": [Case(signed_in(200), **REGION_NAMES_AND_CONTACTS)],
    # Affiliation: the public form and status page, the reviewers' queue and decisions
    "applications:apply": [Case(everyone(200))],
    "applications:thanks": [
        Case(everyone(Redirect("/apply/")), note="without an application just sent")
    ],
    "applications:status": [Case(everyone(200))],
    "applications:queue": [
        Case(
            signed_in(200),
            never_shows={
                "coordinator_south_asia": (application_of("africa"),),
                "coordinator_africa": (application_of("south_asia"),),
            },
        )
    ],
    "applications:detail": [
        Case(region_of("south_asia"), kwargs=reference_of("south_asia")),
        Case(region_of("africa"), kwargs=reference_of("africa")),
        Case(signed_in(404), kwargs=lambda w: {"reference": "HN-0000-0000"}),
    ],
    "applications:decide": [
        Case(signed_in(405), kwargs=reference_of("south_asia"), note="POST only"),
        Case(
            {
                **signed_in(Redirect("/workspace/applications/")),
                "coordinator_africa": 404,
            },
            kwargs=reference_of("south_asia"),
            method="post",
            note="an empty decision: back to the application with a message",
        ),
    ],
    "applications:document": [
        Case(region_of("south_asia"), kwargs=reference_of("south_asia")),
        Case(region_of("africa"), kwargs=reference_of("africa")),
    ],
    "applications:register": [Case(signed_in(200))],
    # Statistics for everybody; the staff pages
    "stats:index": [Case(everyone(200))],
    "stats:csv": [
        Case(everyone(200), kwargs=lambda w: {"key": "regions"}),
        Case(everyone(404), kwargs=lambda w: {"key": "no-such-figure"}),
    ],
    # API tokens: each person's own, on a page of the site (staff revoke any in the admin)
    "tokens:list": [
        Case(signed_in(200)),
        Case(signed_in(201), method="post", data=lambda w: {"name": "A tool", "days": 30}),
    ],
    "tokens:revoke": [
        Case(signed_in(405), kwargs=lambda w: {"pk": w.token_rows["coordinator_south_asia"].pk}),
        Case(
            {
                **signed_in(404),
                "coordinator_south_asia": Redirect("/accounts/tokens/"),
            },
            kwargs=lambda w: {"pk": w.token_rows["coordinator_south_asia"].pk},
            method="post",
            note="one's own token only, even for staff (who revoke in the admin)",
        ),
    ],
    # The JSON API: public reads for everybody, never a private contact or a non-public record
    "api:affiliates": [Case(everyone(200), api=True, never_shows=PUBLIC_NEVER_SHOWS)],
    "api:affiliate": [
        Case(everyone(200), api=True, kwargs=slug_of("south_asia"), never_shows=PUBLIC_NEVER_SHOWS),
        Case(everyone(404), api=True, kwargs=lambda w: {"slug": w.application["africa"].slug}),
    ],
    "api:jsonld": [
        Case(everyone(200), api=True, kwargs=slug_of("africa"), never_shows=PUBLIC_NEVER_SHOWS),
        Case(everyone(404), api=True, kwargs=lambda w: {"slug": w.application["africa"].slug}),
    ],
    "api:regions": [Case(everyone(200), api=True)],
    "api:sectors": [Case(everyone(200), api=True)],
    "api:stats": [Case(everyone(200), api=True)],
    "api:schema": [Case(everyone(200), api=True)],
    "api:docs": [Case(everyone(200))],
    "api:not_found": [Case(everyone(404), api=True, path=lambda w: "/api/v1/no-such-thing/")],
    # With a token: the owner's regions, as on the workspace's pages
    "api:records": [Case(with_token(200), api=True, **REGION_NAMES_AND_CONTACTS)],
    "api:record": [
        Case(api_region_of("south_asia"), api=True, kwargs=slug_of("south_asia")),
        Case(api_region_of("africa"), api=True, kwargs=slug_of("africa")),
        Case(
            api_region_of("africa", 409),
            api=True,
            kwargs=slug_of("africa"),
            method="patch",
            data=lambda w: {"updated_at": "2000-01-01T00:00:00Z", "city": "Nairobi"},
            note="a stale updated_at: 409 for those who may edit, 404 for the other region",
        ),
    ],
    "api:transition": [
        Case(
            {**api_region_of("south_asia"), "coordinator_south_asia": 403},
            api=True,
            kwargs=slug_of("south_asia"),
            method="post",
            data=lambda w: {"action": "suspend", "comment": "Dues unpaid"},
            note="suspending is staff's step; the other region's record is a 404",
        )
    ],
    "api:declarations": [
        Case(
            {**with_token(200), "coordinator_africa": 400},
            api=True,
            method="post",
            data=lambda w: {
                "year": w.year - 1,
                "rows": [{"reference": w.affiliate["south_asia"].reference, "women": 5, "men": 1}],
            },
            note="another region's affiliate is an unknown reference, as in the CSV upload",
        )
    ],
    "api:applications": [
        Case(
            with_token(200),
            api=True,
            never_shows={
                "coordinator_south_asia": (application_of("africa"),),
                "coordinator_africa": (application_of("south_asia"),),
            },
        )
    ],
    # Staff only: coordinators get a 403, which shows no record of any region.
    "staff:changes": [Case(staff_page())],
    "staff:dashboard": [Case(staff_page())],
    # Dues and congresses (governance): amounts, standing and delegates' names for staff only;
    # a coordinator sees their own region's standing and delegates in the workspace.
    "staff:dues": [
        Case(staff_page(), kwargs=lambda w: {"year": w.year - 1}, shows=STAFF_SEES_BOTH),
        Case(
            {**staff_page(), "staff": 404, "superuser": 404},
            kwargs=lambda w: {"year": w.year + 5},
            note="a year without a dues rule",
        ),
    ],
    "staff:dues_csv": [
        Case(staff_page(), kwargs=lambda w: {"year": w.year - 1}, shows=STAFF_SEES_BOTH)
    ],
    "staff:congresses": [Case(staff_page())],
    "staff:credentials": [Case(staff_page(), kwargs=congress_slug, shows=STAFF_SEES_DELEGATES)],
    "staff:credentials_print": [
        Case(staff_page(), kwargs=congress_slug, shows=STAFF_SEES_DELEGATES)
    ],
    "staff:credentials_csv": [Case(staff_page(), kwargs=congress_slug, shows=STAFF_SEES_BOTH)],
    "workspace:standing": [Case(signed_in(200), **REGION_NAMES)],
    "workspace:congress": [Case(signed_in(200), kwargs=congress_slug, **REGION_NAMES)],
    "workspace:congress_delegates": [
        Case(
            region_of("south_asia"),
            kwargs=delegates_page_of("south_asia"),
            shows={r: (delegate_of("south_asia"),) for r in ("coordinator_south_asia", "staff")},
            never_shows={"coordinator_africa": (delegate_of("south_asia"),)},
        ),
        Case(region_of("africa"), kwargs=delegates_page_of("africa")),
        Case(
            {**region_of("africa", Redirect("/workspace/congresses/")), "anonymous": LOGIN},
            kwargs=delegates_page_of("africa"),
            method="post",
            data=lambda w: {"remove": Delegate.objects.get(name=delegate_of("africa")(w)).pk},
            note="removing a delegate: back to the page; another region's affiliate is a 404",
        ),
    ],
}

# The admin: a rule instead of rows. Everybody who is not staff is sent to the admin's login
# page; staff and superusers get the page, except where noted.
ADMIN_MODEL_VIEW = re.compile(r"^admin:(?P<app>[a-z]+)_(?P<model>[a-z]+)_(?P<view>[a-z_]+)$")
ADMIN_OBJECT_VIEWS = {"change", "delete", "history"}


def admin_object(w: World, app: str, model: str):
    model_class = next(m for m in admin.site._registry if m._meta.label_lower == f"{app}.{model}")
    return model_class.objects.order_by("pk").first()


def admin_cases(key: str, route: str) -> list[Case]:
    staff_only = {**everyone(ADMIN_LOGIN)}

    def staff(expected) -> Expect:
        return {**staff_only, "staff": expected, "superuser": expected}

    special = {
        "admin:index": [Case(staff(200))],
        "admin:login": [
            Case(
                {**everyone(200), "staff": Redirect("/admin/"), "superuser": Redirect("/admin/")},
                note="a signed-in non-staff user sees the form with 'not authorised'",
            )
        ],
        "admin:logout": [
            Case(
                {**everyone(Redirect("/admin/")), "staff": 405, "superuser": 405},
                note="GET does not sign out; non-staff are sent to the admin index (then login)",
            ),
        ],
        "admin:password_change": [Case(staff(200))],
        "admin:accounts_apitoken_add": [
            Case(staff(403), note="a token is made by its owner, on their token page, only")
        ],
        "admin:password_change_done": [Case(staff(200))],
        "admin:jsi18n": [Case(staff(200))],
        "admin:autocomplete": [Case(staff(403), note="403 without its query parameters")],
        "admin:app_list": [Case(staff(200), kwargs=lambda w: {"app_label": "affiliates"})],
        "admin:view_on_site": [
            Case(
                # Django's shortcut follows Affiliate.get_absolute_url to the public profile
                # (which is a 404 for an affiliate that is not public).
                staff(Redirect("http://testserver/affiliates/")),
                kwargs=lambda w: {
                    "content_type_id": ContentType.objects.get_for_model(Affiliate).pk,
                    "object_id": w.affiliate["south_asia"].pk,
                },
            )
        ],
        # Payments are never deleted: the admin refuses, whoever asks.
        "admin:governance_duespayment_delete": [
            Case(
                {**staff(403)},
                kwargs=lambda w: {"object_id": admin_object(w, "governance", "duespayment").pk},
            )
        ],
        # Nor is the rule of a year with payments or waivers (they name its year).
        "admin:governance_duesrule_delete": [
            Case(
                {**staff(403)},
                kwargs=lambda w: {"object_id": admin_object(w, "governance", "duesrule").pk},
                note="the world's only rule has a payment, a reversal and a waiver",
            )
        ],
        "admin:auth_user_password_change": [
            Case(
                {**staff(200), "staff": 403},
                kwargs=lambda w: {"id": w.users["coordinator_south_asia"].pk},
                note="setting another person's password is for superusers only",
            )
        ],
    }
    if key in special:
        return special[key]
    if key == "admin:<unnamed admin/(?P<url>.*)$>":
        return [Case(staff(404), path=lambda w: "/admin/no-such-page/")]
    unnamed_object = re.match(r"^admin:<unnamed admin/([a-z]+)/([a-z]+)/<path:object_id>/>$", key)
    if unnamed_object:
        app, model = unnamed_object.groups()
        return [
            Case(
                staff(Redirect(f"/admin/{app}/{model}/")),
                path=lambda w: f"/admin/{app}/{model}/{admin_object(w, app, model).pk}/",
                note="the old object URL redirects to the change page",
            )
        ]
    match = ADMIN_MODEL_VIEW.match(key)
    if match:
        app, model, view = match.groups()
        if view in ADMIN_OBJECT_VIEWS:
            return [
                Case(staff(200), kwargs=lambda w: {"object_id": admin_object(w, app, model).pk})
            ]
        return [Case(staff(200))]
    raise KeyError(key)


def cases_for(key: str, route: str) -> list[Case]:
    if key in MATRIX:
        return MATRIX[key]
    if key.startswith("admin:"):
        return admin_cases(key, route)
    raise KeyError(key)


PATTERNS = dict(url_patterns())


def test_every_url_pattern_has_an_entry():
    missing = []
    for key, route in PATTERNS.items():
        try:
            cases_for(key, route)
        except KeyError:
            missing.append(f"{key}  ({route})")
    assert not missing, "URL patterns without an access-matrix entry:\n" + "\n".join(missing)
    stale = sorted(set(MATRIX) - set(PATTERNS))
    assert not stale, f"Access-matrix entries for URL patterns that no longer exist: {stale}"


def build_world() -> World:
    regions = {
        "south_asia": RegionFactory(
            name="HomeNet South Asia", short_name="HNSA", slug="south-asia", countries=["IN", "NP"]
        ),
        "africa": RegionFactory(
            name="HomeNet Africa", short_name="HNA", slug="africa", countries=["KE", "ZA"]
        ),
    }
    staff = UserFactory(username="sam", is_staff=True)
    staff.groups.add(staff_group_ensure())
    users = {
        "coordinator_south_asia": UserFactory(username="asha", coordinates=[regions["south_asia"]]),
        "coordinator_africa": UserFactory(username="grace", coordinates=[regions["africa"]]),
        "staff": staff,
        "superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }
    sector = SectorFactory()
    affiliates = {
        # Names found nowhere else on a page, so that a leak of either is seen.
        "south_asia": AffiliateFactory(
            region=regions["south_asia"],
            country="IN",
            name="Sundarbans Weavers Collective",
            contact_name="Private Contact SA",
            sectors=[sector],
            members_women=1200,
            members_men=30,
            members_total=1230,
        ),
        "africa": AffiliateFactory(
            region=regions["africa"],
            country="KE",
            name="Kisumu Basket Makers Union",
            contact_name="Private Contact AF",
            members_women=45,
            members_men=6,
            members_total=51,
        ),
    }
    applications = {
        key: AffiliateFactory(
            region=region,
            name=f"Applicant of {key}",
            status=Status.APPLIED,
            document=ContentFile(b"%PDF-1.4 constitution", name="constitution.pdf"),
            members_women=7777,
            members_total=7777,
        )
        for key, region in regions.items()
    }
    forgetful = UserFactory(username="forgetful", coordinates=[regions["south_asia"]])
    made = {role: token_create(user=user, name="matrix", days=30) for role, user in users.items()}
    for affiliate in affiliates.values():
        DeclarationFactory(affiliate=affiliate, year=YEAR - 1)
    congress = governance_world(affiliates, staff)
    sessions = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        client.get(reverse("affiliates:home"))  # the session's start and last request stamped
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(
        users=users,
        sessions=sessions,
        affiliate=affiliates,
        application=applications,
        year=YEAR,
        # Somebody who never signs in here: signing in changes last_login, voiding the token.
        reset_uid=urlsafe_base64_encode(force_bytes(forgetful.pk)),
        reset_token=default_token_generator.make_token(forgetful),
        tokens={role: token for role, (_row, token) in made.items()},
        token_rows={role: row for role, (row, _token) in made.items()},
        congress=congress.slug,
    )


def governance_world(affiliates: dict, staff) -> Congress:
    """Last year's dues (in their months of grace: both affiliates in good standing), a
    payment, a reversal and a waiver for the admin's rows, a congress with one delegate each."""
    dues_rule_save(
        DuesRule(
            year=YEAR - 1,
            amount_per_member=Decimal("0.10"),
            minimum=Decimal("20.00"),
            due_on=dt.date(YEAR - 1, 12, 31),
            declaration_year=YEAR - 1,
        ),
        saved_by=staff,
    )
    payment = dues_payment_record(
        affiliate=affiliates["south_asia"],
        year=YEAR - 1,
        amount=Decimal("20.00"),
        paid_on=dt.date(YEAR - 1, 12, 1),
        method="bank_transfer",
        recorded_by=staff,
    )
    dues_payment_reverse(payment, reason="Bounced", reversed_by=staff)
    dues_adjustment_save(
        DuesAdjustment(
            affiliate=affiliates["africa"], year=YEAR - 1, amount_due=Decimal(0), reason="Floods"
        ),
        saved_by=staff,
    )
    congress = congress_save(
        Congress(
            name="World Congress",
            slug="world-congress",
            starts_on=dt.date(YEAR, 11, 1),
            ends_on=dt.date(YEAR, 11, 3),
            place="Kathmandu",
            standing_on=dt.date(YEAR, 6, 1),
            declarations_on=dt.date(YEAR, 6, 30),
        ),
        saved_by=staff,
    )
    for affiliate in affiliates.values():
        delegate_add(
            congress=congress,
            affiliate=affiliate,
            name=f"Delegate of {affiliate.name}",
            gender="woman",
            added_by=staff,
        )
    return congress


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The World, built once for the module's tests inside a transaction rolled back after them.

    Each test runs in a savepoint within it (pytest-django's `db`), rolled back when the test
    ends, so what one test writes (a sign-out, an edit, a decision) is gone for the next. The
    objects are shared: a test must not change them in Python either.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        with time_machine.travel(NOW, tick=True):
            built = build_world()
        yield built
        transaction.set_rollback(True)


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def check(response, expected) -> str | None:
    """None if the answer is the expected one, else what it was."""
    if isinstance(expected, Redirect):
        location = response.get("Location", "")
        if response.status_code == 302 and location.startswith(expected.to):
            return None
        return f"{response.status_code} {location}".strip()
    if response.status_code == expected:
        return None
    return f"{response.status_code} {response.get('Location', '')}".strip()


@pytest.mark.parametrize(
    ("key", "role"),
    [pytest.param(key, role, id=f"{key}-{role}") for key in PATTERNS for role in ROLES],
)
def test_the_url_answers_the_role_as_expected(key, role, world):
    wrong = []
    client = Client()
    if role != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    for number, case in enumerate(cases_for(key, PATTERNS[key])):
        # Signed in again after a case that signed the client out.
        if number and role != "anonymous" and "_auth_user_id" not in client.session:
            client.force_login(world.users[role])
        url = case.path(world) if case.path else reverse(key, kwargs=case.kwargs(world))
        extra = {}
        if case.api:
            extra["content_type"] = "application/json" if case.method != "get" else None
            if role != "anonymous":
                extra["HTTP_AUTHORIZATION"] = f"Token {world.tokens[role]}"
            extra = {key: value for key, value in extra.items() if value is not None}
        response = getattr(client, case.method)(url, case.data(world), **extra)
        where = f"{case.method.upper()} {url}"
        expected = case.expect[role]
        problem = check(response, expected)
        if problem:
            wrong.append(f"{where}: expected {expected}, got {problem}")
        text = body(response)
        for secret in case.never_shows.get(role, ()):
            if secret(world) in text:
                wrong.append(f"{where}: shows {secret(world)!r}")
        for expected_text in case.shows.get(role, ()):
            if expected_text(world) not in text:
                wrong.append(f"{where}: lacks {expected_text(world)!r}")
    assert not wrong, f"{key} as {role}:\n" + "\n".join(wrong)
