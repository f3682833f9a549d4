"""Every string of the interface is translated in each catalogue we ship."""

from pathlib import Path

import pytest
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR, "locale").glob("*/LC_MESSAGES/django.po"))


def untranslated(po_text: str) -> list[str]:
    missing = []
    for entry in po_text.split("\n\n")[1:]:  # the first entry is the header
        lines = [line for line in entry.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        if any(line.startswith("#,") and "fuzzy" in line for line in lines):
            missing.append(entry)
            continue
        msgstrs = [i for i, line in enumerate(lines) if line.startswith("msgstr")]
        for index in msgstrs:
            value = lines[index].split(" ", 1)[1]
            continuation = lines[index + 1 : index + 2]
            if value == '""' and not (continuation and continuation[0].startswith('"')):
                missing.append(entry)
    return missing


def test_there_are_catalogues_for_the_interface_languages():
    shipped = {path.parent.parent.name for path in CATALOGUES}
    assert shipped == {code for code, _ in settings.LANGUAGES} - {"en"}


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_every_string_is_translated(catalogue):
    missing = untranslated(catalogue.read_text(encoding="utf-8"))

    assert not missing, f"{len(missing)} untranslated in {catalogue}:\n" + "\n".join(missing[:10])
