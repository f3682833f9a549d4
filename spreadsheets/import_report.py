"""What an import did, or would do, with each row: the report the admin and the command show."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

CREATE, UPDATE, UNCHANGED, REFUSED = "create", "update", "unchanged", "refused"
ACTION_LABELS = {
    CREATE: pgettext_lazy("import row", "Create"),
    UPDATE: pgettext_lazy("import row", "Update"),
    UNCHANGED: pgettext_lazy("import row", "Unchanged"),
    REFUSED: pgettext_lazy("import row", "Refused"),
}


@dataclass
class RowResult:
    number: int  # the line or sheet row, the header being 1
    action: str
    name: str
    slug: str = ""
    errors: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        """The action in the reader's language (`action` is a code, for CSS and tests)."""
        return str(ACTION_LABELS[self.action])


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    written: bool = False

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in (CREATE, UPDATE, UNCHANGED, REFUSED)}

    @property
    def refused(self) -> bool:
        return bool(self.file_errors) or self.count(REFUSED) > 0

    @property
    def changes_nothing(self) -> bool:
        return not self.refused and self.count(CREATE) == 0 and self.count(UPDATE) == 0

    def summary(self) -> str:
        if self.file_errors:
            return _("File refused: %(errors)s") % {"errors": " ".join(self.file_errors)}
        counts = self.counts
        if counts[REFUSED]:
            return ngettext(
                "Nothing imported: %(refused)d row of %(rows)d is refused. Fix it and try again.",
                "Nothing imported: %(refused)d rows of %(rows)d are refused. "
                "Fix them and try again.",
                counts[REFUSED],
            ) % {"refused": counts[REFUSED], "rows": len(self.rows)}
        if self.changes_nothing:
            return ngettext(
                "Nothing to change: %(rows)d row matches the registry.",
                "Nothing to change: all %(rows)d rows match the registry.",
                len(self.rows),
            ) % {"rows": len(self.rows)}
        values = {"create": counts[CREATE], "update": counts[UPDATE], "same": counts[UNCHANGED]}
        if self.written:
            return _("Imported: %(create)d created, %(update)d updated, %(same)d unchanged.") % (
                values
            )
        return (
            _("Dry run: %(create)d would be created, %(update)d updated, %(same)d unchanged.")
            % values
        )


# Reading ---------------------------------------------------------------------------------------


# Checking --------------------------------------------------------------------------------------
