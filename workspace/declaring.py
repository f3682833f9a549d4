"""The yearly declarations page: the table it shows, and what its two forms submit.

Both forms end in the one service, `declarations_record` (all rows or none); this module only
turns the table's rows or the uploaded file into its rows and its refusals into messages.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from affiliates.models import Affiliate, MembershipDeclaration
from affiliates.selectors import declaring_affiliates
from affiliates.services import (
    NOT_DECLARED,
    DeclarationBatchError,
    DeclarationRow,
    declarations_record,
)
from regions.models import Region
from spreadsheets.declarations import CSVRejected, declarations_csv_parse
from workspace.forms import DECLARATION_TABLE_MAX_ROWS, declaration_row_shown


@dataclass
class DeclarationTable:
    """A region's declaring affiliates for a year, with what each declared (the form's initial)."""

    affiliates: list[Affiliate] = field(default_factory=list)
    too_many: bool = False  # more rows than a page holds: the page offers the upload only
    initial: list[dict[str, Any]] = field(default_factory=list)

    @property
    def by_reference(self) -> dict[str, Affiliate]:
        return {a.reference: a for a in self.affiliates}


def declaration_table(user: Any, region: Region | None, year: int) -> DeclarationTable:
    if region is None:
        return DeclarationTable()
    shown = list(declaring_affiliates(user, region)[: DECLARATION_TABLE_MAX_ROWS + 1])
    if len(shown) > DECLARATION_TABLE_MAX_ROWS:
        return DeclarationTable(too_many=True)
    declared = {
        d.affiliate_id: d
        for d in MembershipDeclaration.objects.filter(
            year=year, affiliate_id__in=[a.pk for a in shown]
        )
    }
    initial = []
    for affiliate in shown:
        declaration = declared.get(affiliate.pk)
        figures = (declaration.women, declaration.men, declaration.total) if declaration else ()
        initial.append(
            {
                # What the row was typed over, posted back: see DeclarationRowForm.
                "shown": _shown(affiliate.reference, declaration),
                **dict(zip(("women", "men", "total"), figures, strict=False)),
            }
        )
    return DeclarationTable(affiliates=shown, initial=initial)


def _shown(reference: str, declaration: MembershipDeclaration | None) -> str:
    if declaration is None:
        return declaration_row_shown(reference, NOT_DECLARED, (None, None, None))
    figures = (declaration.women, declaration.men, declaration.total)
    return declaration_row_shown(reference, declaration.updated_at.isoformat(), figures)


def declarations_upload(user: Any, region: Region, year: int, file: Any) -> tuple[int, list[str]]:
    """Record a CSV file's declarations: (how many were written, []) or (0, what was refused)."""
    declaring = declaring_affiliates(user, region)
    try:
        rows = declarations_csv_parse(
            file,
            year=year,
            find_affiliates=lambda refs: {
                a.reference: a for a in declaring.filter(reference__in=refs)
            },
        )
        return declarations_record(year=year, rows=rows, recorded_by=user), []
    except CSVRejected as rejected:
        return 0, rejected.errors
    except DeclarationBatchError as refused:
        return 0, [
            f"{rows[i].affiliate.name}: {' '.join(e.messages)}" for i, e in refused.errors.items()
        ]


def declarations_table_submit(
    user: Any, year: int, formset: Any, table: DeclarationTable
) -> int | None:
    """Record the rows of a valid table the person changed; None when a row was refused (its
    form says why).

    A row whose figures are still those the table showed is left alone, so that submitting a
    table opened earlier never puts back figures someone saved since. A changed row carries
    the version it was typed over; the service refuses it if someone else saved it meanwhile,
    and then the row posts back the declaration as it now stands (`shown_now`), so that
    submitting again, knowingly, replaces it.
    """
    rows, forms_of_rows, known = [], [], True
    by_reference = table.by_reference
    for form in formset:
        shown = form.cleaned_data["shown"]
        affiliate = by_reference.get(shown["reference"])
        if affiliate is None:
            form.add_error(None, _("This affiliate is not one of your region's."))
            known = False
            continue
        if form.cleaned_data.get("empty") or not form.figures_changed:
            continue
        data = form.cleaned_data
        rows.append(
            DeclarationRow(
                affiliate,
                data["women"],
                data["men"],
                data["total"],
                seen_updated_at=shown["seen"],
            )
        )
        forms_of_rows.append(form)
    if not known:
        return None
    try:
        return declarations_record(year=year, rows=rows, recorded_by=user)
    except DeclarationBatchError as refused:
        for index, error in refused.errors.items():
            forms_of_rows[index].add_error(None, error)
        for index, declaration in refused.current.items():
            forms_of_rows[index].shown_now = _shown(rows[index].affiliate.reference, declaration)
        return None


def declarations_changed_meanwhile(formset: Any) -> bool:
    """Whether a row was refused because someone else saved it after the table was opened."""
    return any(getattr(form, "shown_now", None) for form in formset)
