"""Public statistics: figures equal to independent queries, charts with a bar per line."""

import csv
import io
import re

import pytest
from django.urls import reverse

from affiliates import stats
from affiliates.choices import OrganisationType, Status
from affiliates.models import Affiliate
from affiliates.selectors import public_figures
from tests.factories import AffiliateFactory, DeclarationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(south_asia, africa):
    def make(region, status=Status.AFFILIATED, **kwargs):
        return AffiliateFactory(region=region, status=status, **kwargs)

    a = make(
        south_asia,
        organisation_type=OrganisationType.UNION,
        has_self_employed_workers=True,
        members_women=100,
        members_men=10,
        members_total=120,
    )
    b = make(
        south_asia,
        organisation_type=OrganisationType.SELF_HELP_GROUP,
        members_women=50,
        members_men=0,
        members_total=50,
    )
    c = make(
        africa,
        organisation_type=OrganisationType.COOPERATIVE,
        has_piece_rate_workers=False,
        has_self_employed_workers=True,
        members_women=30,
        members_men=5,
        members_total=35,
    )
    # Not public: must count nowhere on /stats/.
    make(africa, status=Status.APPLIED, members_women=999, members_men=1, members_total=1000)
    DeclarationFactory(affiliate=a, year=2023, women=80, men=10, total=90)
    DeclarationFactory(affiliate=a, year=2024, women=100, men=10, total=120)
    DeclarationFactory(affiliate=c, year=2024, women=30, men=5, total=35)
    return a, b, c


def totals(figure):
    return (
        sum(line.organisations for line in figure.lines),
        sum(line.total for line in figure.lines),
    )


def test_figures_by_region_and_type_add_up_to_the_public_figures(registry, south_asia):
    public = public_figures()

    regions = stats.by_region(Affiliate.objects.public())
    types = stats.by_type(Affiliate.objects.public())

    assert totals(regions) == totals(types) == (public.organisations, public.total) == (3, 205)
    south = next(line for line in regions.lines if line.label == south_asia.name)
    expected = Affiliate.objects.public().filter(region=south_asia)
    assert south.organisations == expected.count() == 2
    assert south.women == sum(a.members_women for a in expected) == 150


def test_worker_categories_count_an_organisation_in_each_of_its_categories(registry):
    piece, self_employed = stats.by_category(Affiliate.objects.public()).lines

    public = Affiliate.objects.public()
    assert piece.organisations == public.filter(has_piece_rate_workers=True).count() == 2
    assert self_employed.total == sum(
        a.members_total for a in public.filter(has_self_employed_workers=True)
    )


def test_gender_splits_the_public_total(registry):
    women, men, unspecified = stats.by_gender(Affiliate.objects.public()).lines

    public = public_figures()
    assert (women.total, men.total) == (public.women, public.men)
    assert women.total + men.total + unspecified.total == public.total


def test_membership_over_the_years_sums_the_public_declarations(registry):
    years = stats.by_year(Affiliate.objects.public())

    assert [(line.label, line.organisations, line.total) for line in years.lines] == [
        ("2023", 1, 90),
        ("2024", 2, 155),
    ]


def test_the_page_draws_one_bar_per_line_with_the_table_beside(client, registry):
    response = client.get(reverse("stats:index"))

    assert response.status_code == 200
    html = response.content.decode()
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    figures = stats.all_figures()
    expected = [len(f.lines) for f in figures for _ in f.charts]
    assert [svg.count('<rect class="bar"') for svg in svgs] == expected
    assert all('role="img"' in svg and "<title" in svg and "<desc" in svg for svg in svgs)
    assert "style=" not in html
    assert "HomeNet South Asia" in html and "1,000" not in html


def test_each_figure_downloads_as_csv(client, registry):
    response = client.get(reverse("stats:csv", args=["regions"]))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["regions", "organisations", "women", "men", "total"]
    assert sum(int(row[4]) for row in rows[1:]) == public_figures().total
    assert client.get(reverse("stats:csv", args=["secrets"])).status_code == 404


def test_the_statistics_page_is_in_the_public_navigation(client, db):
    html = client.get(reverse("affiliates:home")).content.decode()

    assert f'href="{reverse("stats:index")}"' in html


def test_the_headline_totals_match_the_directory_and_the_home_page(client, registry, south_asia):
    # Organisations in every other status: counted nowhere on the public pages.
    for status in (Status.SUSPENDED, Status.WITHDRAWN, Status.RECOMMENDED, Status.REJECTED):
        AffiliateFactory(region=south_asia, status=status, members_women=500, members_total=500)

    headline = client.get(reverse("stats:index")).context["headline"]
    directory = client.get(reverse("affiliates:directory")).context
    home = client.get(reverse("affiliates:home")).context["figures"]

    listed = directory["page"].items
    assert headline.organisations == directory["facets"].total == len(listed) == 3
    assert headline.organisations == home.organisations
    assert headline.total == sum(a.members_total for a in listed) == 205
    assert (headline.women, headline.men, headline.countries) == (
        home.women,
        home.men,
        home.countries,
    )


def test_home_regions_and_stats_agree_when_a_country_s_affiliates_sit_in_two_regions(
    client, south_asia, africa
):
    AffiliateFactory(region=south_asia, country="IN", members_women=10, members_total=10)
    # Joined through HomeNet Africa when it covered India: an affiliate keeps its region.
    AffiliateFactory(region=africa, country="IN", members_women=5, members_total=5)
    AffiliateFactory(region=africa, country="KE", members_men=3, members_total=3)

    home = client.get(reverse("affiliates:home")).context
    stats_page = client.get(reverse("stats:index")).context

    assert home["figures"] == stats_page["headline"] == public_figures()
    assert home["figures"].countries == 2  # India once, though two regions count it
    by_region = {r.slug: (r.figures.organisations, r.figures.countries) for r in home["regions"]}
    assert by_region == {"south-asia": (1, 1), "africa": (2, 2)}
    regions_figure = next(f for f in stats_page["figures"] if f.key == "regions")
    assert [(line.label, line.organisations, line.total) for line in regions_figure.lines] == [
        ("HomeNet Africa", 2, 8),
        ("HomeNet South Asia", 1, 10),
    ]


def test_a_region_page_and_stats_count_types_alike(client, registry, south_asia):
    region_page = client.get(reverse("regions:detail", args=[south_asia.slug])).context

    in_region = stats.by_type(Affiliate.objects.public().in_region(south_asia))
    assert sorted(
        (row["label"], row["organisations"], row["total"]) for row in region_page["by_type"]
    ) == sorted((line.label, line.organisations, line.total) for line in in_region.lines)


def test_the_charts_coordinates_keep_a_dot_in_french(client, registry):
    # A French page writes 19,6 for 19.6: an SVG coordinate written so is no number at all.
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("stats:index")).content.decode()

    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    attributes = re.findall(r' (?:x|y|width|height|viewBox)="([^"]*)"', "".join(svgs))
    assert attributes and all(re.fullmatch(r"[0-9. ]+", value) for value in attributes)
    assert any("." in value for value in attributes)  # some bars have fractional widths
    assert "Organisations" in html and "Femmes" in html


def test_a_long_label_wraps_and_its_whole_name_is_in_the_bar_s_title():
    name = "HomeNet Eastern Europe and Central Asia, with the Caucasus and the Balkans too"
    chart = stats.Chart(title="By region", bars=[(name, 12), ("HomeNet Africa", 3)])

    first, second = chart.drawn
    lines = [line["text"] for line in first["lines"]]
    assert len(lines) == 2 and all(len(line) <= chart.label_chars for line in lines)
    assert " ".join(lines).startswith("HomeNet Eastern Europe and Central Asia")
    assert [line["text"] for line in second["lines"]] == ["HomeNet Africa"]
    # The rows do not overlap: the second label starts below the first bar.
    assert float(second["lines"][0]["y"]) > float(first["y"]) + chart.bar_height
    assert chart.height >= float(second["y"]) + chart.bar_height

    much_longer = stats.Chart(title="t", bars=[(name + " " + name, 1)])
    cut = [line["text"] for line in much_longer.drawn[0]["lines"]]
    assert len(cut) == 2 and cut[-1].endswith("…")


def test_the_page_names_each_bar_in_full_in_its_title(client, registry, south_asia):
    south_asia.name = "HomeNet South Asia and the Himalayan countries, with the islands"
    south_asia.save()

    html = client.get(reverse("stats:index")).content.decode()

    svg = re.search(r"<svg .*?</svg>", html, flags=re.S).group()
    assert f"<title>{south_asia.name}: 2</title>" in svg
    labels = re.findall(r'<text [^>]*class="bar-label">([^<]*)</text>', svg)
    assert f"{south_asia.name}" not in labels
    assert all(len(label) <= 40 for label in labels)
