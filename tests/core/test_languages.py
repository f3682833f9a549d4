"""The network's 17 languages: the browser's choice on a first visit, each named in itself in
the menu, Urdu right to left with Bootstrap's mirrored build, dates day first in English."""

import re
from datetime import date

import pytest
from django.utils import formats, translation
from django.utils.translation import get_language_info

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["pt", "ru", "hi", "ur", "th", "vi"])
def test_the_browsers_language_chooses_on_a_first_visit(client, language):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE=f"{language},en;q=0.5").content.decode()

    assert f'<html lang="{language}"' in body


def test_urdu_pages_read_right_to_left_with_the_mirrored_bootstrap(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="ur").content.decode()

    assert '<html lang="ur" dir="rtl">' in body
    assert "vendor/bootstrap/bootstrap.rtl.min.css" in body
    assert "vendor/bootstrap/bootstrap.min.css" not in body


def test_the_menu_names_the_17_languages_each_in_itself(client):
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    menu = re.search(r'<select id="language-select".*?</select>', body, re.S)
    assert menu is not None
    options = re.findall(r'<option value="([\w-]+)" lang="[\w-]+"[^>]*>([^<]+)</option>', menu[0])

    assert len(options) == 17
    names = dict(options)
    assert names["lo"] == "ລາວ"
    assert names["fil"] == "Filipino"
    assert names["km"] == "ខ្មែរ"
    assert names["ur"] == "اردو"
    assert names["th"] == "ภาษาไทย"


def test_django_learns_lao_and_filipino():
    lao = get_language_info("lo")
    assert (lao["name"], lao["name_local"], lao["bidi"]) == ("Lao", "ລາວ", False)
    assert get_language_info("fil")["name_local"] == "Filipino"
    assert get_language_info("ur")["bidi"] is True


def test_english_dates_are_day_first():
    with translation.override("en"):
        assert formats.date_format(date(2026, 6, 5)) == "5 June 2026"
        assert formats.date_format(date(2026, 6, 5), "SHORT_DATE_FORMAT") == "05/06/2026"


def test_lao_dates_have_no_english_month_names():
    # Django has no Lao catalogue: "F" would print "June".
    with translation.override("lo"):
        assert formats.date_format(date(2026, 6, 5)) == "5/6/2026"
        assert formats.date_format(date(2026, 6, 5), "YEAR_MONTH_FORMAT") == "6/2026"
