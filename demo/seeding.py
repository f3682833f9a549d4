"""Builds the demo registry: regions, sectors, demo users and N fictional affiliates.

Deterministic for a seed (on a given day: figures run up to the current year), idempotent (rows
that exist are kept, missing ones added), and fast: the affiliates go in through the domain's
bulk service (COPY), as an import's do, each with a made-up past.
"""

import datetime as dt
import functools
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.services import staff_membership_sync
from affiliates.models import REFERENCE_ALPHABET, Affiliate, MembershipDeclaration, Sector
from affiliates.rules import normalise_name
from affiliates.services import AffiliateRow, LifecycleStep, affiliates_bulk_create, copy_rows
from affiliates.services.counts import counting_triggers, counts_rebuild
from core.history import acting
from demo import demo_data as data
from regions.models import CoordinatorAssignment, Region, RegionCountry

BATCH_SIZE = 2000
DEMO_REASON = "Demo data"
FIRST_NAMES = [
    "Asha",
    "Rukhsana",
    "Nirmala",
    "Somchai",
    "Dewi",
    "Maria",
    "Rosa",
    "Ana",
    "Fatou",
    "Grace",
    "Amina",
    "Olena",
    "Aigul",
    "Elena",
    "Lucía",
    "Thandi",
]
LAST_NAMES = [
    "Patel",
    "Begum",
    "Shrestha",
    "Srisuk",
    "Lestari",
    "Quispe",
    "Gómez",
    "da Silva",
    "Diop",
    "Wanjiku",
    "Okafor",
    "Kovalenko",
    "Toktogulova",
    "Petrova",
    "Mokoena",
]


@dataclass
class SeedReport:
    regions: int = 0
    sectors: int = 0
    affiliates_created: int = 0
    affiliates_kept: int = 0
    users: list[str] = field(default_factory=list)


def seed_reference_data() -> tuple[dict[str, Region], dict[str, Sector]]:
    regions = {}
    for order, spec in enumerate(data.REGIONS):
        region, _ = Region.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "short_name": spec["short_name"],
                "website": spec["website"],
                "description": spec["description"],
                "display_order": order,
            },
        )
        for country in spec["countries"]:
            RegionCountry.objects.update_or_create(country=country, defaults={"region": region})
        regions[spec["slug"]] = region
    sectors = {}
    for order, (slug, name) in enumerate(data.SECTORS):
        sectors[slug], _ = Sector.objects.update_or_create(
            slug=slug, defaults={"name": name, "display_order": order}
        )
    return regions, sectors


def seed_users(regions: dict[str, Region]) -> list[str]:
    """One staff user and one coordinator per region, all with the demo password."""
    User = get_user_model()
    # One hash for the one demo password: hashing is slow on purpose, six times is seconds.
    password = make_password(data.DEMO_PASSWORD)
    staff, created = User.objects.get_or_create(
        username=data.STAFF_USERNAME,
        defaults={"is_staff": True, "email": "staff@example.org", "first_name": "Demo"},
    )
    if created:
        staff.password = password
        staff.save()
    staff_membership_sync(staff)
    usernames = [staff.username]
    for region in regions.values():
        username = f"coordinator-{region.short_name.lower()}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "first_name": region.short_name},
        )
        if created:
            user.password = password
            user.save()
        CoordinatorAssignment.objects.get_or_create(user=user, region=region)
        usernames.append(username)
    return usernames


@functools.cache
def _cumulative(weights: tuple[tuple[str, int], ...]) -> tuple[list[str], list[int]]:
    return [key for key, _ in weights], list(itertools.accumulate(w for _, w in weights))


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    # The same draw as choices(weights=...), which sums the weights again on every call.
    population, cumulative = _cumulative(tuple(weights.items()))
    return rng.choices(population, cum_weights=cumulative)[0]


Figures = tuple[int, int, int, int]  # year, women, men, total


@dataclass
class _Spec:
    affiliate: Affiliate
    sector_slugs: list[str]
    declarations: list[Figures]
    steps: list[tuple[str, dt.datetime]]
    parent_draw: float


class _Names:
    """Names and slugs for the made-up organisations, numbered where one is taken."""

    def __init__(self) -> None:
        self.name_number: Counter[tuple[str, str]] = Counter()
        self.slug_number: Counter[str] = Counter()
        self.used_slugs: set[str] = set()
        self.used_references: set[str] = set()

    def name(self, country: str, base_name: str) -> str:
        # Numbered like "... Cooperative 2" when the name is taken in that country.
        self.name_number[(country, base_name)] += 1
        number = self.name_number[(country, base_name)]
        return base_name if number == 1 else f"{base_name} {number}"

    def reference(self, rng: random.Random) -> str:
        """Eight random characters no other made-up organisation has: among a million, two
        draws of 32**8 meet about one time in three (the birthday problem)."""
        while True:
            reference = "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(8))
            if reference not in self.used_references:
                self.used_references.add(reference)
                return reference

    def slug(self, name: str, country: str) -> str:
        base_slug = _slug(name) or f"organisation-{country.lower()}"
        slug = base_slug
        while slug in self.used_slugs:
            self.slug_number[base_slug] += 1
            slug = f"{base_slug}-{self.slug_number[base_slug] + 1}"
        self.used_slugs.add(slug)
        return slug


def _name_pattern(rng: random.Random, country: str, org_type: str) -> str:
    if country in data.NATIVE_NAMES and rng.random() < 0.25:
        return rng.choice(data.NATIVE_NAMES[country])
    patterns = data.NAMES_BY_COUNTRY_LANGUAGE.get(country, data.NAMES_EN)
    return rng.choice(patterns[org_type])


def _declarations(rng: random.Random, women: int, men: int, unspecified: int, today: dt.date):
    """One to four years up to last year (or this year), growing over time; latest first."""
    last_year = today.year if rng.random() < 0.3 else today.year - 1
    years = rng.randint(1, 4)
    declarations: list[Figures] = []
    w, m, u = women, men, unspecified
    for year in range(last_year, last_year - years, -1):
        declarations.append((year, w, m, w + m + u))
        shrink = rng.uniform(0.8, 1.0)
        w, m, u = int(w * shrink), int(m * shrink), int(u * shrink)
    return declarations


def _steps(
    rng: random.Random, status: str, today: dt.date, now: dt.datetime
) -> list[tuple[str, dt.datetime]]:
    started = dt.datetime.combine(
        today - dt.timedelta(days=rng.randint(60, 3650)), dt.time(9), now.tzinfo
    )
    steps, moment = [], started
    for step in data.STATUS_PATHS[status]:
        steps.append((step, moment))
        moment = min(moment + dt.timedelta(days=rng.randint(10, 120)), now)
    return steps


@functools.lru_cache(maxsize=4096)
def _slug(text: str) -> str:
    """slugify(), remembered: names and patterns repeat (slugify normalises Unicode each time)."""
    return slugify(text)


def _contacts(rng: random.Random, slug: str, person: str, registered: bool) -> dict[str, str]:
    """The registration number, website and contacts (drawn in this order, for the seed)."""
    domain = slug[:40].strip("-")
    return {
        "registration_number": f"REG-{rng.randint(1000, 99999)}" if registered else "",
        "website": f"https://{domain}.example.org" if rng.random() < 0.4 else "",
        "public_email": f"info@{domain}.example.org",
        "public_phone": f"+00 555 {rng.randint(100000, 999999)}",
        "contact_name": person,
        "contact_role": rng.choice(["President", "Secretary", "Organiser", "Coordinator"]),
        "contact_email": f"{_slug(person)}@{domain}.example.org",
        "contact_phone": f"+00 555 {rng.randint(100000, 999999)}",
    }


_REGION_SPECS = {spec["slug"]: spec for spec in data.REGIONS}
_SECTOR_NAMES = dict(data.SECTORS)


def _affiliate_spec(
    rng: random.Random,
    names: _Names,
    region_slug: str,
    region: Region,
    today: dt.date,
    now: dt.datetime,
) -> _Spec:
    region_spec = _REGION_SPECS[region_slug]
    country = rng.choice(region_spec["countries"])
    city = rng.choice(data.CITIES[country])
    org_type = _weighted(rng, region_spec["types"])
    sector_slugs = sorted(set(rng.sample(data.REGION_SECTORS[region_slug], rng.randint(1, 3))))
    trade = _SECTOR_NAMES[sector_slugs[0]]
    name = names.name(country, _name_pattern(rng, country, org_type).format(city=city, trade=trade))
    slug = names.slug(name, country)

    status = _weighted(rng, data.STATUS_WEIGHTS)
    founded = rng.randint(1972, today.year - 1) if rng.random() < 0.85 else None
    scale = {"union": 6, "network": 25, "producer_company": 3}.get(org_type, 1)
    total = max(5, int(rng.lognormvariate(4.3, 1.1) * scale))
    women = round(total * rng.uniform(0.72, 1.0))
    unspecified = round(total * 0.05) if rng.random() < 0.1 else 0
    categories = rng.choices(["piece_rate", "self_employed", "both"], weights=[40, 35, 25])[0]
    consent = rng.random() < 0.55
    registered = rng.random() < 0.6
    declarations = _declarations(rng, women, total - women, unspecified, today)
    steps = _steps(rng, status, today, now)
    reference = names.reference(rng)
    person = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    latest = declarations[0]
    affiliate = Affiliate(
        reference=f"HN-{reference[:4]}-{reference[4:]}",
        name=name,
        acronym="".join(word[0] for word in name.split() if word[:1].isupper())[:8],
        slug=slug,
        country=country,
        region=region,
        city=city,
        languages=data.LANGUAGES.get(country, ""),
        founded_year=founded,
        is_registered=registered,
        organisation_type=org_type,
        has_piece_rate_workers=categories in ("piece_rate", "both"),
        has_self_employed_workers=categories in ("self_employed", "both"),
        members_women=latest[1],
        members_men=latest[2],
        members_total=latest[3],
        members_year=latest[0],
        description=(
            f"{name} organises home-based workers in {city} ({trade.lower()}). "
            "This is a fictional organisation, made up as demo data."
        ),
        publish_contact=consent,
        publish_contact_given_on=steps[0][1].date() if consent else None,
        status=status,
        status_changed_at=steps[-1][1],
        affiliated_on=next((at.date() for s, at in steps if s == "affiliated"), None),
        # Last looked at when last decided on: older ones show as waiting to be confirmed.
        details_confirmed_on=steps[-1][1].date(),
        **_contacts(rng, slug, person, registered),
    )
    return _Spec(affiliate, sector_slugs, declarations, steps, rng.random())


def _affiliate_specs(count: int, seed: int, regions, today: dt.date) -> list[_Spec]:
    rng = random.Random(seed)
    region_weights = {spec["slug"]: spec["weight"] for spec in data.REGIONS}
    names = _Names()
    now = timezone.localtime()
    specs = []
    for _ in range(count):
        region_slug = _weighted(rng, region_weights)
        specs.append(_affiliate_spec(rng, names, region_slug, regions[region_slug], today, now))
    return specs


def seed_demo(
    *, affiliates: int, seed: int, progress: Callable[[str], None] = lambda _: None
) -> SeedReport:
    # Every row has a history from the start, so that a later change reads as just that. The
    # triggers work per statement: a batch of 2,000 rows writes its events in one go.
    with acting(reason=DEMO_REASON):
        return _seed(affiliates=affiliates, seed=seed, progress=progress)


def _seed(*, affiliates: int, seed: int, progress: Callable[[str], None]) -> SeedReport:
    report = SeedReport()
    today = timezone.localdate()
    with transaction.atomic():
        regions, sectors = seed_reference_data()
        report.users = seed_users(regions)
    report.regions, report.sectors = len(regions), len(sectors)

    specs = _affiliate_specs(affiliates, seed, regions, today)
    new_specs = _not_yet_there(specs)
    report.affiliates_kept = len(specs) - len(new_specs)
    # National networks first, so that member organisations can point at them.
    new_specs.sort(key=lambda s: s.affiliate.organisation_type != "network")
    networks_by_country: dict[str, list[int]] = {}
    # A large load is one transaction: its indexes are dropped and built again at the end,
    # its counts rebuilt after that (their triggers would read whole tables without those
    # indexes), and a failure leaves the registry (indexes included) as it was.
    large = len(new_specs) >= LARGE_LOAD
    with (
        transaction.atomic() if large else nullcontext(),
        _counts_rebuilt_after(large, progress),
        _indexes_built_after(large, progress),
    ):
        for start in range(0, len(new_specs), BATCH_SIZE):
            batch = new_specs[start : start + BATCH_SIZE]
            with transaction.atomic():
                _insert_batch(batch, sectors, networks_by_country, today)
            report.affiliates_created += len(batch)
            progress(f"Affiliates: {report.affiliates_created:,} of {len(new_specs):,} added")
    # Imported here: demo.governance reads this module's names.
    from demo.governance import seed_governance

    seed_governance(seed=seed, today=today)
    return report


# From this many new affiliates, building the secondary indexes once after loading (a sort
# each) beats growing them row by row, the GIN indexes of the search above all.
LARGE_LOAD = 50_000
INDEXED_TABLES = ("affiliates_affiliate", "affiliates_membershipdeclaration")


@contextmanager
def _counts_rebuilt_after(enabled: bool, progress: Callable[[str], None]) -> Iterator[None]:
    """The counting triggers off for the block, the counts rebuilt after it (in a transaction)."""
    if not enabled:
        yield
        return
    counting_triggers(enabled=False)
    yield
    counting_triggers(enabled=True)
    started = time.monotonic()
    counts_rebuild()
    progress(f"Counts rebuilt in {time.monotonic() - started:.0f} s")


@contextmanager
def _indexes_built_after(enabled: bool, progress: Callable[[str], None]) -> Iterator[None]:
    """Drop the affiliates' and declarations' plain indexes (not those of a key or a
    constraint) for the block, and create them again after it. Call it inside a transaction."""
    if not enabled:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisunique "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [list(INDEXED_TABLES)],
        )
        dropped = cursor.fetchall()
        for name, _definition in dropped:
            cursor.execute(f"DROP INDEX {name}")
    yield
    progress(f"Building {len(dropped)} indexes...")
    started = time.monotonic()
    with connection.cursor() as cursor:
        # The deferred foreign-key checks first: PostgreSQL builds no index on a table with
        # trigger events pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        progress(f"References checked in {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        # The GIN indexes of a million rows build in memory (the machine's, for a minute).
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _name, definition in dropped:
            cursor.execute(definition)
    progress(f"Built {len(dropped)} indexes in {time.monotonic() - started:.0f} s")


def _not_yet_there(specs: list[_Spec]) -> list[_Spec]:
    """The specs naming no affiliate of the registry (by slug, or by name and country)."""
    if not Affiliate.objects.exists():
        return specs
    existing_slugs = set(Affiliate.objects.values_list("slug", flat=True))
    existing_keys = set(Affiliate.objects.values_list("country", "name_key"))
    return [
        s
        for s in specs
        if s.affiliate.slug not in existing_slugs
        and (str(s.affiliate.country), normalise_name(s.affiliate.name)) not in existing_keys
    ]


def _insert_batch(
    batch: list[_Spec],
    sectors: dict[str, Sector],
    networks_by_country: dict[str, list[int]],
    today: dt.date,
) -> None:
    """Insert a batch of affiliates with their sectors, past and declarations."""
    for spec in batch:
        a = spec.affiliate
        candidates = networks_by_country.get(str(a.country))
        if a.organisation_type != "network" and candidates and spec.parent_draw < 0.2:
            a.parent_network_id = candidates[int(spec.parent_draw * 5 * len(candidates))]
    affiliates_bulk_create(
        rows=[
            AffiliateRow(
                s.affiliate,
                sector_ids=[sectors[slug].pk for slug in s.sector_slugs],
                lifecycle=[
                    LifecycleStep(
                        step,
                        at,
                        comment="" if step == "applied" else "Demo decision",
                        comment_is_public=step != "applied",
                    )
                    for step, at in s.steps
                ],
            )
            for s in batch
        ],
        reason=DEMO_REASON,
    )
    for spec in batch:
        a = spec.affiliate
        if a.organisation_type == "network":
            networks_by_country.setdefault(str(a.country), []).append(a.pk)
    now = timezone.now()
    copy_rows(MembershipDeclaration, DECLARATION_COLUMNS, _declaration_rows(batch, today, now))


DECLARATION_COLUMNS = (
    "affiliate_id", "year", "women", "men", "total", "declared_on", "source", "notes",
    "created_at", "updated_at",
)  # fmt: skip


def _declaration_rows(
    batch: list[_Spec], today: dt.date, now: dt.datetime
) -> Iterator[tuple[object, ...]]:
    for spec in batch:
        for year, women, men, total in spec.declarations:
            declared_on = dt.date(year + 1, 3, 1) if year < today.year else today
            row = (spec.affiliate.pk, year, women, men, total, declared_on, "Demo data", "")
            yield (*row, now, now)
