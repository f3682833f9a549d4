"""Every string of the interface is translated in each of the 16 catalogues besides English.

A catalogue that is missing, has an empty or fuzzy message, or that `msgfmt --check` refuses
(a broken placeholder, a wrong plural count for the language) fails here.
"""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalogue(code: str) -> Path:
    return Path(settings.BASE_DIR, "locale", code, "LC_MESSAGES", "django.po")


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


def test_the_languages_are_the_networks_17():
    codes = "en es fr pt ru hi ur ne bn ta th km lo id fil vi sw"
    assert [code for code, _name in settings.LANGUAGES] == codes.split(" ")


def test_there_are_catalogues_for_the_interface_languages_only():
    locale = Path(settings.BASE_DIR, "locale")
    shipped = {path.name for path in locale.iterdir() if path.is_dir()}
    assert shipped <= set(TRANSLATED), f"catalogues for no interface language: {shipped}"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_string_is_translated(code):
    path = catalogue(code)
    assert path.exists(), f"no catalogue for {code}: {path}"

    missing = untranslated(path.read_text(encoding="utf-8"))

    assert not missing, f"{len(missing)} untranslated in {path}:\n" + "\n".join(missing[:10])


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("code", TRANSLATED)
def test_msgfmt_accepts_the_catalogue(code):
    path = catalogue(code)
    assert path.exists(), f"no catalogue for {code}: {path}"

    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )

    assert checked.returncode == 0, checked.stderr
    # "N translated messages." only: no fuzzy or untranslated ones counted.
    assert "fuzzy" not in checked.stderr and "untranslated" not in checked.stderr, checked.stderr


def test_the_check_finds_untranslated_and_fuzzy_entries():
    po = (
        'msgid ""\nmsgstr ""\n\n'
        'msgid "Done"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Search"\nmsgstr "Chercher"\n\n'
        'msgid "Long"\nmsgstr ""\n"continued"\n\n'
        'msgid "%(n)s row"\nmsgid_plural "%(n)s rows"\nmsgstr[0] "%(n)s ligne"\nmsgstr[1] ""\n'
    )
    assert len(untranslated(po)) == 3
