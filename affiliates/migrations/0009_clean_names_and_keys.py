"""Clean every stored name and recompute its one-name-per-country key under the new rule.

Names lose their invisible and direction characters (affiliates.rules.clean_name) and keys
fold look-alike letters (normalise_name). The rule is Python's (Unicode categories, NFKC), not
SQL's: rows are read in batches with a server-side cursor and only those that change are
written, a batch at a time, so a registry of a million rows is never held in memory.

Two existing rows may now be one name in one country (a Cyrillic "а" in a copy of a Latin
name). The migration does not fail, which would leave the site unable to deploy until someone
edits the data by hand, and does not merge: the row whose key changed keeps its old key with its
own id after an invisible separator (no computed key can hold one), is still found as taken by
the rule (its twin is), and a warning names both rows. Saving it again is refused as a
duplicate until one of the two is renamed or withdrawn.

Reversing does nothing: the characters removed are not worth putting back.
"""

from collections.abc import Callable
from typing import Any

from django.db import migrations

from affiliates.rules import clean_name, normalise_name

BATCH = 2000
SEPARATOR = "\u2063"  # INVISIBLE SEPARATOR, a format character: clean_name removes them all


def recompute_names(affiliate_model: Any, write: Callable[[str], None] = print) -> list[int]:
    """Clean the names and recompute the keys of all rows; the ids of rows left with a twin."""
    collided: list[int] = []
    pending: list[Any] = []
    rows = (
        affiliate_model.objects.order_by("pk")
        .values_list("pk", "country", "name", "name_key")
        .iterator(chunk_size=BATCH)
    )
    for pk, country, name, key in rows:
        new_name = clean_name(name) or name  # a name with nothing visible stays for a person
        new_key = normalise_name(new_name)
        if new_name != name or new_key != key:
            pending.append(affiliate_model(pk=pk, country=country, name=new_name, name_key=new_key))
        if len(pending) >= BATCH:
            collided += _write(affiliate_model, pending, write)
            pending = []
    if pending:
        collided += _write(affiliate_model, pending, write)
    return collided


def _write(affiliate_model: Any, batch: list[Any], write: Callable[[str], None]) -> list[int]:
    # Who holds each wanted key now: earlier batches are written, later rows keep theirs (a
    # key that already reads its name without invisible or look-alike letters does not change).
    holders = {
        (str(country), key): pk
        for pk, country, key in affiliate_model.objects.filter(
            name_key__in={row.name_key for row in batch}
        ).values_list("pk", "country", "name_key")
    }
    collided = []
    for row in batch:
        wanted = (str(row.country), row.name_key)
        holder = holders.setdefault(wanted, row.pk)
        if holder != row.pk:
            row.name_key = f"{row.name_key[:180]}{SEPARATOR}{row.pk}"
            collided.append(row.pk)
            write(
                f"Warning: affiliate #{row.pk} “{row.name}” ({wanted[0]}) is the same name as "
                f"#{holder} once invisible characters and look-alike letters are read alike. "
                f"Both are kept; rename or withdraw one of them."
            )
    affiliate_model.objects.bulk_update(batch, ["name", "name_key"])
    return collided


def forwards(apps: Any, schema_editor: Any) -> None:
    recompute_names(apps.get_model("affiliates", "Affiliate"))


class Migration(migrations.Migration):
    dependencies = [
        ("affiliates", "0008_drop_simple_history"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
    ]
