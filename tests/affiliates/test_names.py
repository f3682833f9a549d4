"""One name per country however it is typed: invisible, direction and look-alike characters."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from affiliates.choices import OrganisationType
from affiliates.models import Affiliate
from affiliates.rules import normalise_name
from affiliates.services import affiliate_create
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db

cleaning = importlib.import_module("affiliates.migrations.0009_clean_names_and_keys")


def create(name: str, country: str = "IN") -> Affiliate:
    return affiliate_create(
        name=name,
        country=country,
        organisation_type=OrganisationType.UNION,
        has_piece_rate_workers=True,
    )


DISGUISED = {
    "zero-width space": "Sewa\u200b Mahila",
    "zero-width joiner": "Se\u200dwa Mahila",
    "soft hyphen": "Se\u00adwa Mahila",
    "byte-order mark": "\ufeffSewa Mahila",
    "word joiner": "Sewa Ma\u2060hila",
    "right-to-left override": "Sewa \u202eMahila\u202c",
    "right-to-left mark": "Sewa Mahila\u200f",
    "Cyrillic а": "Sewа Mahila",
    "Cyrillic е and а": "Sеwa Mаhila",
    "Greek capital Α": "Sewa Μahilα",
    "full-width letters": "Ｓｅｗａ Mahila",
}


@pytest.mark.parametrize("name", DISGUISED.values(), ids=DISGUISED.keys())
def test_a_disguised_copy_of_a_name_is_the_same_name(south_asia, name):
    create("Sewa Mahila")

    with pytest.raises(ValidationError) as error:
        create(name)

    assert "already registered in this country" in str(error.value)
    assert Affiliate.objects.count() == 1


INVISIBLE = {
    k: v
    for k, v in DISGUISED.items()
    if k.endswith(("space", "joiner", "hyphen", "mark", "override"))
}


@pytest.mark.parametrize("typed", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_invisible_and_direction_characters_are_not_stored(south_asia, typed):
    affiliate = create(typed)

    affiliate.refresh_from_db()
    assert affiliate.name == "Sewa Mahila"


def test_the_stored_name_loses_a_zero_width_space_but_keeps_its_letters(south_asia):
    affiliate = create("Sewa\u200b Mahila")

    affiliate.refresh_from_db()
    assert affiliate.name == "Sewa Mahila"
    assert Affiliate.objects.named("Sewa Mahila", "IN").get() == affiliate


def test_a_name_of_invisible_characters_only_is_refused(south_asia):
    with pytest.raises(ValidationError) as error:
        create("\u200b\u200d\u202e")

    assert "name" in error.value.message_dict
    assert not Affiliate.objects.exists()


def test_a_name_wholly_in_cyrillic_is_kept_and_is_not_its_transliteration(south_asia):
    russian = create("Профсоюз надомников")
    latin = create("Profsoyuz nadomnikov")

    russian.refresh_from_db()
    assert russian.name == "Профсоюз надомников"
    assert latin.pk != russian.pk
    # The same Cyrillic name in capitals, or with a Latin "o" slipped in, is that one.
    for copy in ["ПРОФСОЮЗ НАДОМНИКОВ", "Прoфсоюз надомников"]:
        with pytest.raises(ValidationError):
            create(copy)
    assert Affiliate.objects.count() == 2


def test_thai_and_devanagari_are_stored_as_typed(south_asia):
    for name in ["สหภาพแรงงานผู้ทำงานที่บ้าน", "गृह आधारित श्रमिक संघ"]:
        assert create(name).name == name
        assert Affiliate.objects.get(name=name)


def test_devanagari_and_thai_vowel_signs_still_tell_names_apart(south_asia):
    create("कला संघ")
    create("किला संघ")
    assert normalise_name("สหภาพ") != normalise_name("สหภพ")
    assert Affiliate.objects.count() == 2


def test_an_edit_cleans_the_name_too(south_asia, coordinator_south_asia):
    from affiliates.services import affiliate_update

    affiliate = create("Sewa Mahila")
    affiliate_update(
        affiliate=affiliate, updated_by=coordinator_south_asia, name="Sewa\u202e Union"
    )

    affiliate.refresh_from_db()
    assert affiliate.name == "Sewa Union"


def _dirty(affiliate: Affiliate, name: str, key: str) -> None:
    """Put a row back as the old rule left it (save() would clean it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE affiliates_affiliate SET name = %s, name_key = %s WHERE id = %s",
            [name, key, affiliate.pk],
        )


def test_the_migration_cleans_old_names_and_keys(south_asia):
    hidden = AffiliateFactory(region=south_asia, country="IN", name="Home Workers")
    _dirty(hidden, "Home\u200b Workers", "home\u200bworkers")
    russian = AffiliateFactory(region=south_asia, country="IN", name="Союз")
    _dirty(russian, "Союз", "союз")
    messages: list[str] = []

    collided = cleaning.recompute_names(Affiliate, messages.append)

    hidden.refresh_from_db()
    russian.refresh_from_db()
    assert (hidden.name, hidden.name_key) == ("Home Workers", "homeworkers")
    assert (russian.name, russian.name_key) == ("Союз", normalise_name("Союз"))
    assert collided == [] and messages == []


def test_the_migration_says_which_old_rows_are_now_one_name(south_asia):
    original = AffiliateFactory(region=south_asia, country="IN", name="Sewa Mahila")
    copy = AffiliateFactory(region=south_asia, country="IN", name="Other")
    _dirty(copy, "Sewа Mahila", "sewаmahila")  # a Cyrillic а, a key of its own before
    elsewhere = AffiliateFactory(region=south_asia, country="NP", name="Other")
    _dirty(elsewhere, "Sewа Mahila", "sewаmahila")
    messages: list[str] = []

    collided = cleaning.recompute_names(Affiliate, messages.append)

    assert collided == [copy.pk]
    assert len(messages) == 1
    assert f"#{copy.pk}" in messages[0] and f"#{original.pk}" in messages[0]
    copy.refresh_from_db()
    elsewhere.refresh_from_db()
    assert copy.name_key == f"sewamahila\u2063{copy.pk}"
    assert elsewhere.name_key == "sewamahila"  # another country: no twin
    # The rule still finds the name taken, and saving the copy again says why.
    assert Affiliate.objects.named("Sewa Mahila", "IN").get() == original
    with pytest.raises(ValidationError):
        copy.full_clean()


def test_joiners_that_spell_a_word_in_its_script_are_kept_and_ignored_by_the_key(south_asia):
    # Devanagari: क्‍ष with a joiner keeps its half form; Urdu/Persian use the non-joiner.
    with_joiner = "\u0915\u094d\u200d\u0937 Union"
    affiliate = create(with_joiner)

    affiliate.refresh_from_db()
    assert affiliate.name == with_joiner
    with pytest.raises(ValidationError):
        create("\u0915\u094d\u0937 Union")  # the same name without it
