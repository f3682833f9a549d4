"""The registry's own words (sector and region names, region descriptions) in the visitor's
language where staff translated them, English otherwise, and found by the search in any."""

import pytest
from django.urls import reverse
from django.utils import translation

from affiliates.models import Affiliate, Sector
from affiliates.services import sector_save
from tests.factories import AffiliateFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def embroidery():
    sector = SectorFactory(name="Embroidery", slug="embroidery")
    sector.name_fr = "Broderie"
    sector.name_hi = "कढ़ाई"
    return sector_save(sector)


@pytest.fixture
def stitchers(south_asia, embroidery):
    return AffiliateFactory(region=south_asia, name="Kathmandu Stitchers", sectors=[embroidery])


def test_a_sector_reads_in_the_visitors_language_else_in_english(client, stitchers):
    french = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    spanish = client.get("/directory/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Broderie" in french
    assert "Broderie" not in spanish and "Embroidery" in spanish


@pytest.mark.parametrize("words", ["broderie", "कढ़ाई", "embroid"])
def test_the_directory_finds_a_sector_in_any_language_it_is_written_in(client, stitchers, words):
    # Whatever language the page is in: an English speaker may type the Hindi name.
    body = client.get("/directory/", {"q": words}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Kathmandu Stitchers" in body


def test_a_new_translation_reaches_the_search_of_the_sectors_affiliates(stitchers, embroidery):
    embroidery.name_ur = "کشیدہ کاری"
    sector_save(embroidery)

    assert Affiliate.objects.filter(search_vector="کشیدہ").filter(pk=stitchers.pk).exists()


def test_exports_and_history_keep_the_english_names(client, stitchers):
    client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    stitchers.refresh_from_db()

    assert stitchers.sector_names == "Embroidery"
    assert stitchers.sector_names_translated == "Broderie, कढ़ाई"


def test_a_region_reads_in_the_visitors_language_else_in_english(client, south_asia):
    south_asia.name_fr = "HomeNet Asie du Sud"
    south_asia.description_en = "Home-based workers of South Asia."
    south_asia.description_fr = "Les travailleuses à domicile d’Asie du Sud."
    south_asia.save()

    french = client.get(reverse("regions:list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    spanish = client.get(reverse("regions:list"), HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "HomeNet Asie du Sud" in french
    assert "Les travailleuses à domicile d’Asie du Sud." in french
    assert "HomeNet South Asia" in spanish
    assert "Home-based workers of South Asia." in spanish


def test_staff_translate_in_the_admin_without_javascript(client, staff_user, embroidery):
    client.force_login(staff_user)
    page = client.get(reverse("admin:affiliates_sector_change", args=[embroidery.pk])).text

    for field in ["name_en", "name_ur", "name_th", "name_ind", "name_fil"]:
        assert f'name="{field}"' in page
    assert "<script" not in page.split("<body", 1)[1].split("</form>", 1)[0]

    response = client.post(
        reverse("admin:affiliates_sector_change", args=[embroidery.pk]),
        {"name_en": "Embroidery", "name_th": "งานปัก", "slug": "embroidery", "display_order": 0},
    )

    assert response.status_code == 302
    embroidery = Sector.objects.get(pk=embroidery.pk)
    assert (embroidery.name_en, embroidery.name_th) == ("Embroidery", "งานปัก")


def test_an_import_names_a_region_in_any_of_its_languages(south_asia):
    from spreadsheets.import_rows import ImportContext

    south_asia.name_fr = "HomeNet Asie du Sud"
    south_asia.save()

    with translation.override("es"):
        regions = ImportContext([]).regions

    assert regions["homenet asie du sud"] == regions["homenet south asia"] == south_asia


def test_the_apis_names_follow_accept_language_and_its_etag_differs(client, stitchers):
    french = client.get("/api/v1/sectors/", HTTP_ACCEPT_LANGUAGE="fr")
    hindi = client.get("/api/v1/sectors/", HTTP_ACCEPT_LANGUAGE="hi")
    spanish = client.get("/api/v1/sectors/", HTTP_ACCEPT_LANGUAGE="es")

    assert french.json() == [{"slug": "embroidery", "name": "Broderie"}]
    assert hindi.json() == [{"slug": "embroidery", "name": "कढ़ाई"}]
    assert spanish.json() == [{"slug": "embroidery", "name": "Embroidery"}]
    assert french["Content-Language"] == "fr"
    assert "Accept-Language" in french["Vary"]
    # A client's copy in one language is not confirmed (304) for another.
    assert french["ETag"] != hindi["ETag"]
