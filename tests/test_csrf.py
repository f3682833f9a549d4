"""Every view that takes a POST refuses it without the CSRF token (403) and takes it with one.

For each POST view of the URLconf (the site's, Django's language switch and the admin's), a
client that enforces CSRF opens the page the form is on, as a browser would (so it holds the
CSRF cookie and, where needed, a session), then sends the same POST twice: without the token,
as a forged request from another site would, which must be refused with Django's CSRF 403;
then with the token of the form on that page, which must not be a 403. Each case is named
after its URL pattern. A new URL pattern must be listed here, as a POST view or a GET-only
one (test_every_url_pattern_is_classified), so that a new form cannot escape the check.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.tokens import token_create
from affiliates.choices import Status
from governance.models import Congress, DuesAdjustment, DuesRule
from governance.services import (
    congress_save,
    dues_adjustment_save,
    dues_payment_record,
    dues_rule_save,
)
from regions.models import CoordinatorAssignment
from spreadsheets.uploads import import_upload_store
from tests.clock import YEAR
from tests.csrf import CsrfClient
from tests.factories import (
    PASSWORD,
    AffiliateFactory,
    DeclarationFactory,
    RegionFactory,
    SectorFactory,
    UserFactory,
)
from tests.url_patterns import url_patterns

# The declarations page is this year's: the clock says which year that is.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

IMPORT_CSV = b"name,country,organisation_type,piece_rate_workers\nNew Weavers,IN,union,yes\n"


@dataclass
class World:
    users: dict
    objects: dict  # what the URLs name: affiliate, application, the admin's models' rows...


@dataclass(frozen=True)
class Post:
    """One POST view: who sends it, where to, from which page, with what."""

    url: Callable[[World], str]
    user: str | None = None  # signed in as this key of World.users, or anonymous
    page: Callable[[World], str] | None = None  # where the form is; the URL itself if None
    data: Callable[[World], dict] = lambda w: {}
    # Requests a browser makes first (a password-reset link, which leads to the form).
    before: Callable[[CsrfClient, World], None] = lambda client, w: None
    note: str = field(default="", compare=False)


def url(name: str, **kwargs: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, kwargs={key: make(w) for key, make in kwargs.items()})


def const(value: str) -> Callable[[World], str]:
    return lambda w: value


def affiliate_slug(w: World) -> str:
    return w.objects["affiliate"].slug


def reset_link(w: World) -> str:
    user = w.users["forgetful"]
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("accounts:password_reset_confirm", args=[uid, token])


def set_password_url(w: World) -> str:
    # The link redirects once to the form, the token kept in the session (Django's design).
    uid = urlsafe_base64_encode(force_bytes(w.users["forgetful"].pk))
    return reverse("accounts:password_reset_confirm", args=[uid, "set-password"])


def declarations_file(w: World) -> SimpleUploadedFile:
    reference = w.objects["affiliate"].reference
    content = f"reference,name,year,women,men,total\n{reference},A,{YEAR},10,1,\n"
    return SimpleUploadedFile("declarations.csv", content.encode(), content_type="text/csv")


def owe_a_code(client: CsrfClient, user, given: bool = False) -> None:
    """The signed-in user has an authenticator app; `given`: this session gave its code."""
    device = TOTPDevice.objects.create(user=user, name="App", confirmed=True)
    session = client.session
    session[two_factor.SESSION_REQUIRED] = True
    if given:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


# The site's POST views, by URL pattern (a pattern with two forms has two cases).
SITE: dict[str, Post] = {
    "set_language": Post(
        const("/i18n/setlang/"), page=const("/"), data=lambda w: {"language": "es", "next": "/"}
    ),
    "accounts:login": Post(
        url("accounts:login"), data=lambda w: {"username": "asha", "password": PASSWORD}
    ),
    "accounts:logout": Post(url("accounts:logout"), user="coordinator", page=const("/workspace/")),
    "accounts:language": Post(
        url("accounts:language"), user="coordinator", data=lambda w: {"language": "fr"}
    ),
    "accounts:password_change": Post(url("accounts:password_change"), user="coordinator"),
    "accounts:two_factor": Post(
        url("accounts:two_factor"), user="superuser", data=lambda w: {"code": "000000"}
    ),
    "accounts:two_factor_verify": Post(
        url("accounts:two_factor_verify"),
        user="superuser",
        before=lambda client, w: owe_a_code(client, w.users["superuser"]),
        data=lambda w: {"code": "000000"},
    ),
    "accounts:two_factor_backup_codes": Post(
        url("accounts:two_factor_backup_codes"),
        user="superuser",
        page=url("accounts:two_factor"),
        before=lambda client, w: owe_a_code(client, w.users["superuser"], given=True),
    ),
    "accounts:password_reset": Post(
        url("accounts:password_reset"), data=lambda w: {"email": "forgetful@example.org"}
    ),
    "accounts:password_reset_confirm": Post(
        set_password_url,
        before=lambda client, w: client.get(reset_link(w)),
        data=lambda w: dict.fromkeys(["new_password1", "new_password2"], "a new passphrase 9"),
    ),
    "applications:apply": Post(
        url("applications:apply"), data=lambda w: {"name": "New Weavers", "country": "IN"}
    ),
    "applications:status": Post(
        url("applications:status"),
        data=lambda w: {"reference": w.objects["application"].reference, "email": "x@example.org"},
    ),
    "applications:decide": Post(
        url("applications:decide", reference=lambda w: w.objects["application"].reference),
        user="coordinator",
        page=url("applications:detail", reference=lambda w: w.objects["application"].reference),
        data=lambda w: {
            "action": "recommend",
            "recommend-action": "recommend",
            "recommend-from_status": Status.APPLIED,
            "recommend-comment": "A union we know",
        },
    ),
    "applications:register": Post(url("applications:register"), user="coordinator"),
    "workspace:affiliate_edit": Post(
        url("workspace:affiliate_edit", slug=affiliate_slug), user="coordinator"
    ),
    "workspace:affiliate_confirm": Post(
        url("workspace:affiliate_confirm", slug=affiliate_slug),
        user="coordinator",
        page=url("workspace:affiliate_detail", slug=affiliate_slug),
    ),
    "workspace:declarations": Post(
        url("workspace:declarations", year=const(YEAR)),
        user="coordinator",
        data=lambda w: {
            "rows-TOTAL_FORMS": 0,
            "rows-INITIAL_FORMS": 0,
            "rows-MIN_NUM_FORMS": 0,
            "rows-MAX_NUM_FORMS": 1000,
        },
        note="the table",
    ),
    "tokens:list": Post(
        url("tokens:list"), user="coordinator", data=lambda w: {"name": "A tool", "days": 30}
    ),
    "tokens:revoke": Post(
        url("tokens:revoke", pk=lambda w: w.objects["accounts.apitoken"].pk),
        user="coordinator",
        page=url("tokens:list"),
    ),
    "workspace:declarations-upload": Post(
        url("workspace:declarations", year=const(YEAR)),
        user="coordinator",
        data=lambda w: {"upload": "1", "file": declarations_file(w)},
        note="the CSV upload",
    ),
    "workspace:congress_delegates": Post(
        url(
            "workspace:congress_delegates",
            slug=lambda w: w.objects["governance.congress"].slug,
            affiliate_slug=affiliate_slug,
        ),
        user="coordinator",
        data=lambda w: {"add": "1", "name": "Asha Patel", "gender": "woman"},
    ),
}

# The site's URL patterns that take no POST: their forms, if any, are GET forms (filters).
GET_ONLY = {
    "healthz",
    "readyz",
    "accounts:password_change_done",
    "accounts:password_reset_done",
    "accounts:password_reset_complete",
    "affiliates:home",
    "affiliates:directory",
    "affiliates:export_csv",
    "affiliates:profile",
    "regions:list",
    "regions:detail",
    "stats:index",
    "stats:csv",
    "staff:changes",
    "staff:dashboard",
    "staff:dues",
    "staff:dues_csv",
    "staff:congresses",
    "staff:credentials",
    "staff:credentials_print",
    "staff:credentials_csv",
    "workspace:standing",
    "workspace:congress",
    "applications:thanks",
    "applications:queue",
    "applications:detail",
    "applications:document",
    "workspace:dashboard",
    "workspace:affiliate_list",
    "workspace:affiliate_detail",
    "workspace:declarations_current",
    "workspace:declarations_template",
    "workspace:export",
}

# The JSON API takes no cookie: only a token opens it (api/authentication.py), so a forged
# request from another site carries nothing that acts for anybody and CSRF does not apply.
# test_the_api_ignores_a_session_cookie checks each of its writing operations.
API = {
    "api:affiliates",
    "api:affiliate",
    "api:jsonld",
    "api:regions",
    "api:sectors",
    "api:stats",
    "api:schema",
    "api:docs",
    "api:not_found",
    "api:records",
    "api:applications",
}
API_WRITES = {
    "api:record": lambda w: reverse("api:record", args=[w.objects["affiliate"].slug]),
    "api:transition": lambda w: reverse("api:transition", args=[w.objects["affiliate"].slug]),
    "api:declarations": lambda w: reverse("api:declarations"),
}

# The admin (signed in as a superuser): its own views, and each registered model's.
ADMIN_MODEL_VIEW = re.compile(r"^admin:(?P<app>[a-z]+)_(?P<model>[a-z]+)_(?P<view>[a-z_]+)$")
ADMIN_GET_ONLY = {
    "admin:index",
    "admin:password_change_done",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:app_list",
    "admin:affiliates_affiliate_csv",
    "admin:affiliates_affiliate_xlsx",
    # Not a GET view either: payments are never deleted, the admin refuses every request (403).
    "admin:governance_duespayment_delete",
    # Refused to everybody (403): a token is made by its owner on their own page only.
    "admin:accounts_apitoken_add",
}
ADMIN_MODEL_GET_ONLY_VIEWS = {"history"}


def admin_object(w: World, app: str, model: str):
    return w.objects[f"{app}.{model}"]


def admin_model_post(app: str, model: str, view: str) -> Post | None:
    """A registered model's list (an action on a row), add, change and delete forms."""
    key = f"admin:{app}_{model}_{view}"

    def pk(w: World):
        return admin_object(w, app, model).pk

    if view == "changelist":
        return Post(
            url(key),
            user="superuser",
            data=lambda w: {"action": "delete_selected", "_selected_action": [pk(w)]},
        )
    if view == "add":
        return Post(url(key), user="superuser")
    if view == "change":
        return Post(url(key, object_id=pk), user="superuser")
    if view == "delete":
        return Post(url(key, object_id=pk), user="superuser", data=lambda w: {"post": "yes"})
    return None


ADMIN: dict[str, Post] = {
    "admin:login": Post(
        url("admin:login"), data=lambda w: {"username": "root", "password": PASSWORD}
    ),
    "admin:logout": Post(url("admin:logout"), user="superuser", page=url("admin:index")),
    "admin:password_change": Post(url("admin:password_change"), user="superuser"),
    "admin:auth_user_password_change": Post(
        url("admin:auth_user_password_change", id=lambda w: w.users["coordinator"].pk),
        user="superuser",
    ),
    "admin:affiliates_affiliate_import": Post(
        url("admin:affiliates_affiliate_import"),
        user="superuser",
        data=lambda w: {"file": SimpleUploadedFile("affiliates.csv", IMPORT_CSV)},
        note="the preview",
    ),
    "admin:affiliates_affiliate_import-confirm": Post(
        url("admin:affiliates_affiliate_import"),
        user="superuser",
        data=lambda w: {"upload": str(w.objects["upload"].pk)},
        note="the confirmation",
    ),
    "admin:governance_duespayment_changelist-reverse": Post(
        url("admin:governance_duespayment_changelist"),
        user="superuser",
        data=lambda w: {
            "action": "reverse_payments",
            "_selected_action": [w.objects["governance.duespayment"].pk],
            "apply": "1",
            "reason": "Bounced",
        },
        note="a reversal, confirmed on its reason form",
    ),
    "admin:affiliates_affiliate_changelist-lifecycle": Post(
        url("admin:affiliates_affiliate_changelist"),
        user="superuser",
        data=lambda w: {
            "action": "recommend",
            "_selected_action": [w.objects["application"].pk],
            "apply": "1",
            "comment": "A union we know",
        },
        note="a lifecycle action, confirmed on its reason form",
    ),
}
for _key, _route in url_patterns():
    _match = ADMIN_MODEL_VIEW.match(_key)
    if _match and _key not in ADMIN and _key not in ADMIN_GET_ONLY:
        _post = admin_model_post(*_match.groups())
        if _post is not None:
            ADMIN[_key] = _post

CASES = {**SITE, **ADMIN}


def pattern_of(case_id: str) -> str:
    """The URL pattern a case is named after (its id without a '-variant')."""
    return case_id.split("-")[0]


def test_every_url_pattern_is_classified():
    """A POST view with a case here, or known to take no POST: a new pattern must be sorted."""
    patterns = dict(url_patterns())
    covered = {pattern_of(case_id) for case_id in CASES}
    unclassified = []
    for key, route in patterns.items():
        match = ADMIN_MODEL_VIEW.match(key)
        if (
            key in covered
            or key in GET_ONLY
            or key in ADMIN_GET_ONLY
            or key in API | set(API_WRITES)
        ):
            continue
        if match and match["view"] in ADMIN_MODEL_GET_ONLY_VIEWS:
            continue
        if key.startswith("admin:<unnamed "):
            continue  # Django's redirects of old admin URLs, and its catch-all 404
        unclassified.append(f"{key}  ({route})")
    assert not unclassified, "URL patterns neither POST views here nor GET-only:\n" + "\n".join(
        unclassified
    )
    stale = (
        {pattern_of(c) for c in CASES} | GET_ONLY | ADMIN_GET_ONLY | API | set(API_WRITES)
    ) - set(patterns)
    assert not stale, f"Entries for URL patterns that no longer exist: {sorted(stale)}"


def governance_objects(payer, superuser) -> dict:
    """This year's dues (not due yet), the payer's payment and waiver, and a congress (the
    world's affiliate sends a delegate: its 2024 declaration counts)."""
    dues_rule_save(
        DuesRule(
            year=YEAR,
            amount_per_member=Decimal("0.10"),
            minimum=Decimal("20.00"),
            due_on=dt.date(YEAR, 12, 31),
            declaration_year=2024,
        ),
        saved_by=superuser,
    )
    payment = dues_payment_record(
        affiliate=payer,
        year=YEAR,
        amount=Decimal("20.00"),
        paid_on=dt.date(YEAR, 1, 10),
        method="cash",
        recorded_by=superuser,
    )
    waiver = dues_adjustment_save(
        DuesAdjustment(affiliate=payer, year=YEAR, amount_due=Decimal(0), reason="Floods"),
        saved_by=superuser,
    )
    congress = congress_save(
        Congress(
            name="World Congress",
            slug="world-congress",
            starts_on=dt.date(YEAR, 11, 1),
            ends_on=dt.date(YEAR, 11, 3),
            place="Kathmandu",
            standing_on=dt.date(YEAR, 6, 1),
            declarations_on=dt.date(YEAR, 12, 31),
        ),
        saved_by=superuser,
    )
    # The admin's rule views act on next year's rule: a rule whose year has payments or
    # waivers is never deleted (403 to everyone, like a payment).
    next_year = dues_rule_save(
        DuesRule(
            year=YEAR + 1,
            amount_per_member=Decimal("0.10"),
            minimum=Decimal("20.00"),
            due_on=dt.date(YEAR + 1, 12, 31),
            declaration_year=YEAR,
        ),
        saved_by=superuser,
    )
    return {
        "governance.duesrule": next_year,
        "governance.duespayment": payment,
        "governance.duesadjustment": waiver,
        "governance.congress": congress,
    }


@pytest.fixture
def world(south_asia, coordinator_south_asia, superuser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()  # rate limits of /apply/ and /apply/status/
    sector = SectorFactory()
    affiliate = AffiliateFactory(region=south_asia, country="IN", sectors=[sector])
    application = AffiliateFactory(
        region=south_asia,
        status=Status.APPLIED,
        document=ContentFile(b"%PDF-1.4 constitution", name="constitution.pdf"),
    )
    forgetful = UserFactory(username="forgetful")
    objects = {
        "affiliate": affiliate,
        "application": application,
        "upload": import_upload_store(content=IMPORT_CSV, filename="f.csv", user=superuser),
        "auth.group": Group.objects.create(name="Editors"),
        "accounts.user": forgetful,
        # A region with no affiliate, so that the admin offers to delete it.
        "regions.region": RegionFactory(name="HomeNet Europe", slug="europe", countries=["FR"]),
        "regions.coordinatorassignment": CoordinatorAssignment.objects.get(
            user=coordinator_south_asia
        ),
        "affiliates.sector": sector,
        "affiliates.affiliate": affiliate,
        "affiliates.membershipdeclaration": DeclarationFactory(affiliate=affiliate, year=2024),
        # Another affiliate pays: one with payments cannot be deleted (the admin's delete page).
        **governance_objects(AffiliateFactory(region=south_asia, country="IN"), superuser),
        "accounts.apitoken": token_create(user=coordinator_south_asia, name="A tool", days=30)[0],
    }
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered <= set(objects), f"no object for {registered - set(objects)}"
    users = {"coordinator": coordinator_south_asia, "superuser": superuser, "forgetful": forgetful}
    yield World(users=users, objects=objects)
    cache.clear()


@pytest.mark.parametrize("case_id", list(CASES))
def test_a_post_without_the_csrf_token_is_refused_and_with_it_is_not(case_id, world, csrf_client):
    case = CASES[case_id]
    if case.user:
        csrf_client.force_login(world.users[case.user])
    case.before(csrf_client, world)
    target = case.url(world)
    token = csrf_client.csrf_token_for(target, case.page(world) if case.page else None)

    forged = csrf_client.post(target, case.data(world))
    sent = csrf_client.post(target, {**case.data(world), "csrfmiddlewaretoken": token})

    assert forged.status_code == 403, f"POST {target} without the token: {forged.status_code}"
    # The site's own page (settings.CSRF_FAILURE_VIEW), told apart from any other 403.
    assert forged.context["csrf_reason"], f"POST {target} refused, but not for the token"
    assert sent.status_code != 403, f"POST {target} with the token: 403"


@pytest.mark.parametrize("key", sorted(API_WRITES))
def test_the_api_ignores_a_session_cookie(key, world, csrf_client):
    """Signed in on the site but with no token, a write to the API is refused (401)."""
    csrf_client.force_login(world.users["coordinator"])
    method = "patch" if key == "api:record" else "post"
    response = getattr(csrf_client, method)(
        API_WRITES[key](world), {}, content_type="application/json"
    )
    assert response.status_code == 401
