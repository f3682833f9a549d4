import re

import pytest
from django.urls import reverse

from affiliates.choices import Status
from tests.factories import AffiliateFactory

pytestmark = pytest.mark.django_db


def test_the_home_page_counts_only_affiliated_organisations(client, south_asia, africa):
    AffiliateFactory(
        region=south_asia, country="IN", members_women=900, members_men=100, members_total=1000
    )
    AffiliateFactory(
        region=south_asia, country="NP", members_women=40, members_men=2, members_total=42
    )
    AffiliateFactory(
        region=africa, country="KE", status=Status.APPLIED, members_women=7777, members_total=7777
    )

    response = client.get(reverse("affiliates:home"))

    figures = response.context["figures"]
    assert (figures.organisations, figures.countries) == (2, 2)
    assert (figures.women, figures.men) == (940, 102)
    assert "7,777" not in response.content.decode()
    assert "HomeNet Africa" in response.content.decode()


# Home page texts, in English and as the Spanish catalogue (locale/es) translates them.
HOME_IN_SPANISH = {
    "HomeNet: home-based workers, organised": "HomeNet: trabajadoras a domicilio, organizadas",
    "The network in figures": "La red en cifras",
    "Affiliated organisations": "Organizaciones afiliadas",
    "Regional networks": "Redes regionales",
    "Find an organisation by name, place or trade": (
        "Encuentre una organización por nombre, lugar u oficio"
    ),
}


def test_the_home_page_speaks_spanish(client, south_asia):
    response = client.get(reverse("affiliates:home"), HTTP_ACCEPT_LANGUAGE="es")

    assert response["Content-Language"] == "es"
    html = response.content.decode()
    assert 'lang="es"' in html
    for english, spanish in HOME_IN_SPANISH.items():
        assert spanish in html
        assert english not in html


def test_each_figure_of_the_regions_table_names_its_column_for_a_phone(client, south_asia):
    # On a phone the table stacks into cards (static/css/site.css, .table-stack): each cell
    # shows its column's name from data-label; the ARIA roles keep it a table.
    AffiliateFactory(region=south_asia, members_women=900, members_men=100, members_total=1000)

    html = client.get(reverse("affiliates:home")).content.decode()

    table = re.search(r'<table class="table table-stack" role="table">.*?</table>', html, re.S)
    row = re.search(r'<tr role="row"><th scope="row" role="rowheader">.*?</tr>', table.group())
    cells = re.findall(r'<td role="cell" [^>]*data-label="([^"]+)">([^<]*)</td>', row.group())
    assert cells == [("Organisations", "1"), ("Countries", "1"), ("Women", "900"), ("Men", "100")]
