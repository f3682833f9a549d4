"""Reads of dues, standing and congress entitlements, computed by PostgreSQL where it pays.

A year's dues for an affiliate, as SQL over the affiliate's row:
    declared = total of its declaration for the rule's declaration year (none: 0, nothing owed)
    due      = the waiver or reduction if staff set one, else per member within minimum and cap
    paid     = the sum of its payments for that year dated up to `as_of`, less those reversed
An affiliate is out of good standing on a date when any year's dues are still unpaid after
that year's months of grace (rules.add_months(due_on, arrears_months) before the date).
Each rule adds a few correlated sub-queries on indexed columns; there are a handful of rules.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable, RawSQL
from django.db.models.functions import Coalesce, Greatest, Least, Round

from affiliates.choices import Status
from affiliates.models import Affiliate, AffiliateQuerySet, MembershipDeclaration
from governance.choices import CongressStanding, OutOfStanding, Standing
from governance.models import (
    MAX_DIGITS,
    PLACES,
    Congress,
    Delegate,
    DuesAdjustment,
    DuesPayment,
    DuesRule,
)
from governance.rules import add_months, delegates_for, rule_met, women_required
from regions.models import Region

MONEY_FIELD = DecimalField(max_digits=MAX_DIGITS, decimal_places=PLACES)
ZERO = Value(Decimal("0.00"), output_field=MONEY_FIELD)


def _money(expression: Combinable) -> ExpressionWrapper:
    return ExpressionWrapper(expression, output_field=MONEY_FIELD)


def _declared_total(year: int) -> Subquery:
    return Subquery(
        MembershipDeclaration.objects.filter(affiliate=OuterRef("pk"), year=year).values("total")[
            :1
        ],
        output_field=IntegerField(),
    )


def _due(rule: DuesRule, declared: str) -> Coalesce:
    """The year's dues of the affiliate whose declared members are annotated as `declared`."""
    raw = Round(_money(F(declared) * Value(rule.amount_per_member, output_field=MONEY_FIELD)), 2)
    computed: Combinable = Greatest(raw, Value(rule.minimum, output_field=MONEY_FIELD))
    if rule.cap is not None:
        computed = Least(computed, Value(rule.cap, output_field=MONEY_FIELD))
    adjusted = Subquery(
        DuesAdjustment.objects.filter(affiliate=OuterRef("pk"), year=rule.year).values(
            "amount_due"
        )[:1],
        output_field=MONEY_FIELD,
    )
    return Coalesce(
        adjusted,
        Case(When(**{f"{declared}__gt": 0}, then=computed), default=ZERO),
        output_field=MONEY_FIELD,
    )


# A reversal undoes a mistake (a bounced cheque, a wrong entry): the money was never received.
# So a reversed payment and its reversal both count for nothing on every date, not only from
# the reversal's own date on (else standing on a past cut-off would still count the payment).
_NOT_REVERSED = """p.reverses_id IS NULL AND NOT EXISTS (
    SELECT 1 FROM governance_duespayment x WHERE x.reverses_id = p.id)"""


def _paid(year: int, as_of: dt.date) -> Coalesce:
    total = (
        DuesPayment.objects.filter(
            affiliate=OuterRef("pk"),
            year=year,
            paid_on__lte=as_of,
            reverses__isnull=True,
            reversal__isnull=True,
        )
        .order_by()
        .values("affiliate")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), ZERO, output_field=MONEY_FIELD)


def overdue_rules(as_of: dt.date) -> list[DuesRule]:
    """The years whose dues are in arrears if unpaid on `as_of` (grace over before that day)."""
    return [
        rule
        for rule in DuesRule.objects.filter(due_on__lt=as_of)
        if add_months(rule.due_on, rule.arrears_months) < as_of
    ]


# Every year with a rule, for the affiliate of the outer query's row: its dues (the waiver or
# reduction, else per member within minimum and cap, nothing without declared members), what
# it paid up to the date, and whether the year's grace was over by then. One correlated
# sub-query over the few rules, each column read once: the same arithmetic as _due and _paid
# (and rules.dues_amount), which tests hold to the same hand-computed figures.
_YEARS_SQL = (
    """
    SELECT
        (r.due_on + make_interval(months => r.arrears_months::int)) < %s AS overdue,
        COALESCE(adj.amount_due, CASE WHEN d.total > 0 THEN LEAST(GREATEST(
            ROUND(d.total * r.amount_per_member, 2), r.minimum), r.cap) ELSE 0 END) AS due,
        COALESCE((
            SELECT SUM(p.amount) FROM governance_duespayment p
            WHERE p.affiliate_id = "affiliates_affiliate"."id" AND p.year = r.year
                AND p.paid_on <= %s AND """
    + _NOT_REVERSED
    + """
        ), 0) AS paid
    FROM governance_duesrule r
    LEFT JOIN affiliates_membershipdeclaration d
        ON d.affiliate_id = "affiliates_affiliate"."id" AND d.year = r.declaration_year
    LEFT JOIN governance_duesadjustment adj
        ON adj.affiliate_id = "affiliates_affiliate"."id" AND adj.year = r.year
"""
)


# The same years as whole sets, for every affiliate at once (hash joins, no per-row look-ups):
# one line per affiliate and year with declared members or a waiver or reduction. Takes the
# date twice (payments up to it, and the grace over before it) and a condition on the rule `r`.
_LINES_SQL = (
    """
    SELECT k.affiliate_id, r.year, d.total AS declared,
        (r.due_on + make_interval(months => r.arrears_months::int)) < %s AS overdue,
        COALESCE(adj.amount_due, CASE WHEN d.total > 0 THEN LEAST(GREATEST(
            ROUND(d.total * r.amount_per_member, 2), r.minimum), r.cap) ELSE 0 END) AS due,
        COALESCE(p.paid, 0) AS paid
    FROM governance_duesrule r
    JOIN (
        SELECT d.affiliate_id, r.year FROM affiliates_membershipdeclaration d
        JOIN governance_duesrule r ON d.year = r.declaration_year WHERE d.total > 0
        UNION SELECT affiliate_id, year FROM governance_duesadjustment
    ) k ON k.year = r.year
    LEFT JOIN affiliates_membershipdeclaration d
        ON d.affiliate_id = k.affiliate_id AND d.year = r.declaration_year
    LEFT JOIN governance_duesadjustment adj
        ON adj.affiliate_id = k.affiliate_id AND adj.year = r.year
    LEFT JOIN (
        SELECT p.affiliate_id, p.year, SUM(p.amount) AS paid FROM governance_duespayment p
        WHERE p.paid_on <= %s AND """
    + _NOT_REVERSED
    + """ GROUP BY p.affiliate_id, p.year
    ) p ON p.affiliate_id = k.affiliate_id AND p.year = r.year
    WHERE {rule}
"""
)
# Affiliates in arrears on a date: computed once per query (PostgreSQL hashes the set).
_IN_ARREARS_SQL = (
    "SELECT l.affiliate_id FROM (" + _LINES_SQL.format(rule="TRUE") + ") l "
    "WHERE l.overdue AND l.due > l.paid"
)


def _in_arrears_params(as_of: dt.date) -> tuple[dt.date, dt.date]:
    return (as_of, as_of)


def with_standing(
    affiliates: QuerySet[Affiliate],
    as_of: dt.date,
    *,
    arrears: bool = False,
    balance_all: bool = False,
) -> QuerySet[Affiliate]:
    """`affiliates` with `in_good_standing` on `as_of`, and if asked `arrears` (overdue and
    unpaid, all years) and `balance_all` (due less paid over every year with a rule).

    Good standing is one set for the whole query, so filters, counts and totals stay quick on
    a large registry; the two amounts are sub-queries per row, asked for where they are shown.
    """
    params = (as_of, as_of)
    amounts = {}
    if arrears:
        amounts["arrears"] = RawSQL(
            "(SELECT COALESCE(SUM(GREATEST(y.due - y.paid, 0)) FILTER (WHERE y.overdue), 0) "
            f"FROM ({_YEARS_SQL}) y)",
            params,
            output_field=MONEY_FIELD,
        )
    if balance_all:
        amounts["balance_all"] = RawSQL(
            f"(SELECT COALESCE(SUM(y.due - y.paid), 0) FROM ({_YEARS_SQL}) y)",
            params,
            output_field=MONEY_FIELD,
        )
    return affiliates.annotate(
        in_good_standing=RawSQL(
            f'"affiliates_affiliate"."id" NOT IN ({_IN_ARREARS_SQL})',
            _in_arrears_params(as_of),
            output_field=BooleanField(),
        ),
        **amounts,
    )


def dues_of_year(
    rule: DuesRule,
    *,
    as_of: dt.date,
    affiliates: AffiliateQuerySet | None = None,
    region: Region | None = None,
    standing: str = "",
) -> QuerySet[Affiliate]:
    """Every affiliate with declared members for `rule`'s year: declared, due, paid, balance,
    their balance over all years and their standing on `as_of`; filtered by region, standing."""
    queryset: QuerySet[Affiliate] = (
        affiliates if affiliates is not None else Affiliate.objects.all()
    ).filter(
        Exists(
            MembershipDeclaration.objects.filter(
                affiliate=OuterRef("pk"), year=rule.declaration_year, total__gt=0
            )
        )
    )
    if region is not None:
        queryset = queryset.filter(region=region)
    queryset = queryset.annotate(declared=_declared_total(rule.declaration_year))
    queryset = queryset.annotate(due=_due(rule, "declared"), paid=_paid(rule.year, as_of))
    queryset = queryset.annotate(balance=_money(F("due") - F("paid")))
    queryset = with_standing(queryset, as_of, balance_all=True)
    if standing == Standing.GOOD:
        queryset = queryset.filter(**{"in_good_standing": True})
    elif standing == Standing.ARREARS:
        queryset = queryset.filter(**{"in_good_standing": False})
    return queryset.select_related("region")


@dataclass(frozen=True)
class RegionTotal:
    region: str
    affiliates: int
    due: Decimal
    paid: Decimal
    balance: Decimal
    in_arrears: int


def dues_totals_by_region(
    rule: DuesRule, rows: QuerySet[Affiliate], *, as_of: dt.date
) -> list[RegionTotal]:
    """Totals of a year's dues page per region, for the rows its filters keep, in one query
    over whole sets (the rows' own figures are per-row sub-queries, fine for a page of them)."""
    ids_sql, ids_params = rows.order_by().values("pk").query.sql_with_params()
    lines = _LINES_SQL.format(rule="r.year = %s")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rg.short_name, COUNT(*), SUM(l.due), SUM(l.paid), SUM(l.due - l.paid), "
            f"COUNT(*) FILTER (WHERE l.affiliate_id IN ({_IN_ARREARS_SQL})) "
            f"FROM ({lines}) l "
            "JOIN affiliates_affiliate a ON a.id = l.affiliate_id "
            "JOIN regions_region rg ON rg.id = a.region_id "
            f"WHERE l.declared > 0 AND l.affiliate_id IN ({ids_sql}) "
            "GROUP BY rg.short_name ORDER BY rg.short_name",
            (*_in_arrears_params(as_of), as_of, as_of, rule.year, *ids_params),
        )
        return [RegionTotal(*line) for line in cursor.fetchall()]


# Congresses ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entitlement:
    """One affiliate's place at a congress, as the credentials list shows it."""

    affiliate: Affiliate
    members: int
    women: int
    men: int
    standing: str  # CongressStanding
    delegates: int
    women_required: int
    delegates_named: int
    women_named: int

    @property
    def rule_met(self) -> bool:
        return rule_met(women_named=self.women_named, women_needed=self.women_required)

    @property
    def places_left(self) -> int:
        return max(self.delegates - self.delegates_named, 0)

    @property
    def standing_label(self) -> str:
        return str(CongressStanding(self.standing).label)


def _latest_declared(field: str, congress: Congress) -> Subquery:
    return Subquery(
        MembershipDeclaration.objects.filter(
            affiliate=OuterRef("pk"), declared_on__lte=congress.declarations_on
        )
        .order_by("-year")
        .values(field)[:1],
        output_field=IntegerField(),
    )


def _named(congress: Congress, **condition: object) -> Coalesce:
    count = (
        Delegate.objects.filter(congress=congress, affiliate=OuterRef("pk"), **condition)
        .order_by()
        .values("affiliate")
        .annotate(n=Sum(Value(1)))
        .values("n")
    )
    return Coalesce(Subquery(count, output_field=IntegerField()), 0)


def congress_affiliates(
    congress: Congress, affiliates: AffiliateQuerySet | None = None
) -> QuerySet[Affiliate]:
    """Affiliated organisations with declared members by the congress's cut-off, annotated
    with those figures, their standing on its date and the delegates named so far."""
    queryset: QuerySet[Affiliate] = (
        affiliates if affiliates is not None else Affiliate.objects.all()
    ).filter(status=Status.AFFILIATED)
    queryset = queryset.annotate(
        c_members=_latest_declared("total", congress),
        c_women=_latest_declared("women", congress),
        c_men=_latest_declared("men", congress),
    ).filter(c_members__gt=0)
    queryset = with_standing(queryset, congress.standing_on)
    # Only what the credentials show: an affiliate's row is wide (search vector, description).
    return (
        queryset.annotate(named=_named(congress), women_named=_named(congress, gender="woman"))
        .select_related("region")
        .only("name", "slug", "country", "region__short_name", "region__name")
    )


def entitlements(congress: Congress, affiliates: Iterable[Affiliate]) -> Iterator[Entitlement]:
    """Each affiliate of congress_affiliates() with its delegates and women required."""
    bands = list(congress.bands.values_list("from_members", "delegates"))
    for affiliate in affiliates:
        members, women = affiliate.c_members, affiliate.c_women  # type: ignore[attr-defined]
        if affiliate.in_good_standing:  # type: ignore[attr-defined]
            standing = CongressStanding.DELEGATE
        elif congress.out_of_standing == OutOfStanding.OBSERVER:
            standing = CongressStanding.OBSERVER
        else:
            standing = CongressStanding.EXCLUDED
        delegates = 0 if standing == CongressStanding.EXCLUDED else delegates_for(members, bands)
        yield Entitlement(
            affiliate=affiliate,
            members=members,
            women=women,
            men=affiliate.c_men,  # type: ignore[attr-defined]
            standing=standing,
            delegates=delegates,
            women_required=women_required(
                delegates, women=women, members=members, women_rule_from=congress.women_rule_from
            ),
            delegates_named=affiliate.named,  # type: ignore[attr-defined]
            women_named=affiliate.women_named,  # type: ignore[attr-defined]
        )


def entitlement_of(congress: Congress, affiliate: Affiliate) -> Entitlement | None:
    """One affiliate's entitlement (None: it has no place at this congress)."""
    rows = congress_affiliates(congress, Affiliate.objects.filter(pk=affiliate.pk))
    return next(entitlements(congress, rows), None)


CREDENTIALS_COLUMNS = (
    "region",
    "affiliate",
    "country",
    "members",
    "women",
    "men",
    "standing",
    "delegates",
    "women_delegates_required",
    "delegates_named",
    "women_named",
    "rule_met",
)


def credentials_rows(congress: Congress) -> Iterator[list[object]]:
    """The credentials CSV: the header, then one row per affiliate by region and name."""
    yield list(CREDENTIALS_COLUMNS)
    rows = congress_affiliates(congress).order_by("region__display_order", "region__name", "name")
    for line in entitlements(congress, rows.iterator(chunk_size=2000)):
        yield [
            line.affiliate.region.short_name,
            line.affiliate.name,
            line.affiliate.country.code,  # type: ignore[attr-defined]
            line.members,
            line.women,
            line.men,
            line.standing,
            line.delegates,
            line.women_required,
            line.delegates_named,
            line.women_named,
            "yes" if line.rule_met else "no",
        ]


@dataclass
class CongressFigures:
    """Delegates by region and gender, for /staff/stats/."""

    region: str
    affiliates: int = 0
    delegates: int = 0
    women_required: int = 0
    named: int = 0
    women_named: int = 0
    men_named: int = 0
    other_named: int = 0


def congress_figures(congress: Congress) -> list[CongressFigures]:
    """Per region: entitled delegates, women required, and named delegates by gender."""
    figures: dict[str, CongressFigures] = {}
    rows = congress_affiliates(congress).order_by("region__display_order", "region__name")
    for line in entitlements(congress, rows.iterator(chunk_size=2000)):
        region = line.affiliate.region.short_name
        row = figures.setdefault(region, CongressFigures(region=region))
        row.affiliates += 1
        row.delegates += line.delegates
        row.women_required += line.women_required
    named = (
        Delegate.objects.filter(congress=congress)
        .values_list("affiliate__region__short_name", "gender")
        .order_by()
        .annotate(n=Sum(Value(1)))
    )
    for region, gender, count in named:
        row = figures.setdefault(region, CongressFigures(region=region))
        row.named += count
        if gender == "woman":
            row.women_named += count
        elif gender == "man":
            row.men_named += count
        else:
            row.other_named += count
    return list(figures.values())
