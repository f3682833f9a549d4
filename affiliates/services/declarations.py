"""Yearly membership declarations and the current figures affiliates carry from them."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from affiliates.access import affiliates_editable_by
from affiliates.models import Affiliate, MembershipDeclaration
from affiliates.rules import membership_total
from core.history import acting
from core.public_cache import public_cache_bump

# The figures an affiliate carries from its latest declaration.
MEMBERSHIP_FIELDS = ("members_women", "members_men", "members_total", "members_year")


def affiliate_refresh_membership(
    affiliate: Affiliate, *, by: AbstractBaseUser | AnonymousUser | None = None
) -> Affiliate:
    """Make the affiliate's current figures those of its latest declaration.

    `by` is named in the history when the figures change; a refresh that changes nothing
    writes nothing.
    """
    latest = affiliate.declarations.order_by("-year").first()
    figures: tuple[int, int, int, int | None]
    if latest is None:
        figures = (0, 0, 0, None)
    else:
        figures = (latest.women, latest.men, latest.total, latest.year)
    if figures == tuple(getattr(affiliate, name) for name in MEMBERSHIP_FIELDS):
        return affiliate
    for name, value in zip(MEMBERSHIP_FIELDS, figures, strict=True):
        setattr(affiliate, name, value)
    with acting(by):
        affiliate.save(update_fields=[*MEMBERSHIP_FIELDS, "updated_at"])
    transaction.on_commit(public_cache_bump)
    return affiliate


def _locked_for_membership(affiliate: Affiliate) -> Affiliate:
    """The affiliate's row, locked and read afresh, so that its figures follow the declarations
    written now."""
    return Affiliate.objects.select_for_update().get(pk=affiliate.pk)


def _copy_membership(source: Affiliate, target: Affiliate) -> None:
    for name in (*MEMBERSHIP_FIELDS, "updated_at"):
        setattr(target, name, getattr(source, name))


@transaction.atomic
def declaration_record(
    *,
    affiliate: Affiliate,
    year: int,
    women: int,
    men: int,
    total: int | None = None,
    declared_on: dt.date | None = None,
    source: str = "",
    notes: str = "",
    recorded_by: User | AnonymousUser | None = None,
) -> MembershipDeclaration:
    """Record (or correct) an affiliate's membership for a year and update its current figures.

    The affiliate row is locked so that two declarations recorded at once leave the current
    figures matching the latest year.
    """
    locked = _locked_for_membership(affiliate)
    declaration = MembershipDeclaration.objects.filter(affiliate=locked, year=year).first()
    if declaration is None:
        declaration = MembershipDeclaration(affiliate=locked, year=year)
    declaration.women = women
    declaration.men = men
    declaration.total = membership_total(women, men, total)
    declaration.declared_on = declared_on or timezone.localdate()
    declaration.source = source
    declaration.notes = notes
    if recorded_by is not None and recorded_by.is_authenticated:
        declaration.recorded_by = recorded_by
    _save_with_figures(declaration, locked, by=recorded_by)
    _copy_membership(locked, affiliate)
    return declaration


@transaction.atomic
def declaration_save(
    declaration: MembershipDeclaration, *, saved_by: User | AnonymousUser | None
) -> MembershipDeclaration:
    """Save a declaration as staff edit it in the admin (its year may change too).

    Every model rule is checked; the affiliate's current figures follow its latest year.
    """
    locked = _locked_for_membership(declaration.affiliate)
    if declaration.recorded_by_id is None and saved_by is not None and saved_by.is_authenticated:
        declaration.recorded_by = saved_by
    _save_with_figures(declaration, locked, by=saved_by)
    return declaration


def _save_with_figures(
    declaration: MembershipDeclaration,
    locked: Affiliate,
    *,
    by: User | AnonymousUser | None,
) -> None:
    """Check and save a declaration; its affiliate's figures (locked) follow the latest year."""
    declaration.full_clean()
    with acting(by):
        declaration.save()
    affiliate_refresh_membership(locked, by=by)
    # Membership over the years (/stats/) counts every declaration, not only the latest.
    transaction.on_commit(public_cache_bump)


@transaction.atomic
def declaration_delete(
    *,
    declaration: MembershipDeclaration,
    deleted_by: AbstractBaseUser | AnonymousUser | None = None,
) -> Affiliate:
    """Delete a declaration; the affiliate's figures fall back to its latest remaining one.

    Returns the affiliate, its figures refreshed.
    """
    locked = _locked_for_membership(declaration.affiliate)
    with acting(deleted_by):
        declaration.delete()
    affiliate_refresh_membership(locked, by=deleted_by)
    transaction.on_commit(public_cache_bump)
    return locked


@dataclass(frozen=True)
class DeclarationRow:
    """One affiliate's figures for a year, as typed in the table or read from a CSV file."""

    affiliate: Affiliate
    women: int
    men: int
    total: int | None = None
    # The declaration the row was typed over, as the table showed it: its updated_at, or
    # NOT_DECLARED when there was none. A row that says so is refused if the declaration has
    # changed since (someone else saved it); None (a CSV file has no version) checks nothing.
    seen_updated_at: dt.datetime | Literal["none"] | None = None


NOT_DECLARED: Literal["none"] = "none"
# The code of a row's ValidationError when someone else saved it after the table was opened.
CHANGED_SINCE_SEEN = "changed_since_seen"


class DeclarationBatchError(Exception):
    """Some rows of a batch were refused; `errors` maps the row's index to its ValidationError.

    `current` maps the index of each row refused because someone else saved it meanwhile
    (code CHANGED_SINCE_SEEN) to the declaration as it now stands.
    """

    def __init__(
        self,
        errors: dict[int, ValidationError],
        current: dict[int, MembershipDeclaration] | None = None,
    ) -> None:
        super().__init__(f"{len(errors)} rows refused")
        self.errors = errors
        self.current = current or {}


@transaction.atomic
def declarations_record(
    *,
    year: int,
    rows: Sequence[DeclarationRow],
    recorded_by: User | AnonymousUser | None,
    source: str = "",
) -> int:
    """Record many affiliates' declarations for a year: all of them, or none.

    Every row is checked against the model's rules, as `declaration_record` checks one; rows
    identical to what is already declared are left alone. A row that says which version of the
    declaration it was typed over (`seen_updated_at`) is refused when someone else saved that
    declaration since: checked here, under the affiliates' lock that every declaration write
    takes, so that no save can slip in between the check and the write. Then everything is
    written in bulk, so that a region's 2,000 rows take a few queries rather than 20 each (the
    history triggers record each row all the same).
    Returns how many declarations were written; raises DeclarationBatchError listing every
    refused row (and writes nothing) otherwise.
    """
    ids = [row.affiliate.pk for row in rows]
    # Locked, like declaration_record: the figures set below follow exactly the rows written.
    affiliates = affiliates_editable_by(recorded_by).select_for_update(of=("self",)).in_bulk(ids)
    now = timezone.now()
    batch = _Batch(year=year, source=source, recorded_by=recorded_by, now=now)
    batch.check(rows, affiliates)
    reason = _("Membership declared for %(year)s") % {"year": year}
    # One action in the history: the declarations and the figures that follow them.
    with acting(recorded_by, reason=reason):
        batch.write()
        written = batch.new + batch.changed
        _membership_follow_declarations([affiliates[d.affiliate_id] for d in written], now)
    for row in rows:
        _copy_membership(affiliates[row.affiliate.pk], row.affiliate)
    transaction.on_commit(public_cache_bump)
    return len(written)


_WRITTEN_FIELDS = ["women", "men", "total", "declared_on", "source", "notes", "recorded_by"]


class _Batch:
    """A year's declarations being recorded together: checked first, then written in bulk."""

    def __init__(
        self, *, year: int, source: str, recorded_by: User | AnonymousUser | None, now: dt.datetime
    ) -> None:
        self.year, self.source, self.now = year, source, now
        self.user = (
            recorded_by if recorded_by is not None and recorded_by.is_authenticated else None
        )
        self.new: list[MembershipDeclaration] = []
        self.changed: list[MembershipDeclaration] = []
        self.checked: dict[int, MembershipDeclaration] = {}  # by row index
        self.errors: dict[int, ValidationError] = {}
        self.current: dict[int, MembershipDeclaration] = {}  # changed since seen, by row index

    def check(self, rows: Sequence[DeclarationRow], affiliates: dict[int, Affiliate]) -> None:
        """Every row against the model's rules; DeclarationBatchError names each refused one."""
        existing = {
            d.affiliate_id: d
            for d in MembershipDeclaration.objects.filter(
                year=self.year, affiliate_id__in=affiliates
            ).select_related("recorded_by")
        }
        seen: set[int] = set()
        for index, row in enumerate(rows):
            affiliate = affiliates.get(row.affiliate.pk)
            if affiliate is None:
                refusal = _("You cannot record declarations for this affiliate.")
                self.errors[index] = ValidationError(refusal)
            elif affiliate.pk in seen:
                self.errors[index] = ValidationError(
                    _("This affiliate is on an earlier row already.")
                )
            else:
                seen.add(affiliate.pk)
                self._check_row(index, row, affiliate, existing.get(affiliate.pk))
        if self.errors:
            raise DeclarationBatchError(self.errors, self.current)

    def _check_row(
        self,
        index: int,
        row: DeclarationRow,
        affiliate: Affiliate,
        declaration: MembershipDeclaration | None,
    ) -> None:
        total = membership_total(row.women, row.men, row.total)
        if declaration is not None and (declaration.women, declaration.men, declaration.total) == (
            row.women,
            row.men,
            total,
        ):
            return  # declared already, exactly so
        if _changed_since_seen(row, declaration):
            assert declaration is not None
            self.errors[index] = _changed_since_seen_error(declaration)
            self.current[index] = declaration
            return
        if declaration is None:
            declaration = MembershipDeclaration(affiliate=affiliate, year=self.year)
        declaration.women, declaration.men, declaration.total = row.women, row.men, total
        declaration.declared_on, declaration.source, declaration.notes = (
            timezone.localdate(),
            self.source,
            "",
        )
        declaration.updated_at = self.now  # bulk_update leaves auto_now alone
        if self.user is not None:
            declaration.recorded_by = self.user
        try:
            # The model's field rules and clean(), with no query; its constraints below.
            declaration.full_clean(exclude=["affiliate", "recorded_by"], validate_constraints=False)
        except ValidationError as error:
            self.errors[index] = error
            return
        (self.changed if declaration.pk else self.new).append(declaration)
        self.checked[index] = declaration

    def write(self) -> None:
        try:
            with transaction.atomic():
                MembershipDeclaration.objects.bulk_create(self.new, batch_size=1000)
                MembershipDeclaration.objects.bulk_update(
                    self.changed, [*_WRITTEN_FIELDS, "updated_at"], batch_size=1000
                )
        except IntegrityError:
            # The database refused a row (a total below women plus men...): say which, with the
            # model's own messages. Checking every row this way up front costs queries per row.
            for index, declaration in self.checked.items():
                try:
                    declaration.validate_constraints(exclude=["affiliate"])
                except ValidationError as error:
                    self.errors[index] = error
            if self.errors:
                raise DeclarationBatchError(self.errors) from None
            raise


def _changed_since_seen(row: DeclarationRow, declaration: MembershipDeclaration | None) -> bool:
    if row.seen_updated_at is None:
        return False
    if declaration is None:
        return False  # nobody can have saved what does not exist (nor deleted what was seen)
    return row.seen_updated_at == NOT_DECLARED or declaration.updated_at != row.seen_updated_at


def _changed_since_seen_error(declaration: MembershipDeclaration) -> ValidationError:
    local = timezone.localtime(declaration.updated_at)
    figures = {
        # The reader's zone, named: they may be in another one than whoever saved.
        "time": f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}",
        "women": ngettext("%(count)s woman", "%(count)s women", declaration.women)
        % {"count": declaration.women},
        "men": ngettext("%(count)s man", "%(count)s men", declaration.men)
        % {"count": declaration.men},
        "total": declaration.total,
    }
    by = declaration.recorded_by
    name = (by.get_full_name() or by.get_username()) if by is not None else ""
    if name:
        message = _(
            "Someone else (%(name)s) saved this row at %(time)s, after you opened the table; "
            "your figures for it were not saved. It now reads %(women)s, %(men)s, "
            "%(total)s in all: submit again to replace them with yours, or reload the page."
        ) % {"name": name, **figures}
    else:
        message = (
            _(
                "Someone else saved this row at %(time)s, after you opened the table; your figures "
                "for it were not saved. It now reads %(women)s, %(men)s, %(total)s in "
                "all: submit again to replace them with yours, or reload the page."
            )
            % figures
        )
    return ValidationError(message, code=CHANGED_SINCE_SEEN)


def _membership_follow_declarations(affiliates: list[Affiliate], now: dt.datetime) -> None:
    """Set many affiliates' current figures to their latest declaration (in bulk)."""
    latest: dict[int, MembershipDeclaration] = {}
    for declaration in MembershipDeclaration.objects.filter(affiliate__in=affiliates).order_by(
        "affiliate_id", "-year"
    ):
        latest.setdefault(declaration.affiliate_id, declaration)
    refreshed = []
    for affiliate in affiliates:
        newest = latest[affiliate.pk]
        figures = (newest.women, newest.men, newest.total, newest.year)
        if figures != tuple(getattr(affiliate, name) for name in MEMBERSHIP_FIELDS):
            for name, value in zip(MEMBERSHIP_FIELDS, figures, strict=True):
                setattr(affiliate, name, value)
            affiliate.updated_at = now
            refreshed.append(affiliate)
    Affiliate.objects.bulk_update(refreshed, [*MEMBERSHIP_FIELDS, "updated_at"], batch_size=1000)
