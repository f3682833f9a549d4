"""/directory/: filters, facet counts, pagination, hints, bad input and query counts."""

import pytest
from django.urls import reverse

from affiliates import search
from affiliates.choices import Status
from affiliates.services import affiliate_set_sectors
from tests.factories import AffiliateFactory, SectorFactory

pytestmark = pytest.mark.django_db
URL = "/directory/"


@pytest.fixture
def registry(south_asia, africa):
    """Four public affiliates and one of every other status, in two regions."""
    garments = SectorFactory(name="Garments", slug="garments")
    incense = SectorFactory(name="Incense sticks", slug="incense")
    made = {
        "sewa": AffiliateFactory(
            region=south_asia,
            country="IN",
            name="Sewa Union",
            organisation_type="union",
            has_piece_rate_workers=True,
            has_self_employed_workers=True,
            members_total=500,
        ),
        "nepal": AffiliateFactory(
            region=south_asia,
            country="NP",
            name="Nepal Home Workers",
            organisation_type="union",
            has_piece_rate_workers=False,
            has_self_employed_workers=True,
            members_total=90,
        ),
        "coop": AffiliateFactory(
            region=south_asia,
            country="IN",
            name="Agarbatti Cooperative",
            organisation_type="cooperative",
            members_total=40,
        ),
        "kenya": AffiliateFactory(
            region=africa,
            country="KE",
            name="Nairobi Home Workers",
            organisation_type="union",
            members_total=300,
        ),
    }
    affiliate_set_sectors(made["sewa"], [garments])
    affiliate_set_sectors(made["nepal"], [garments, incense])
    affiliate_set_sectors(made["coop"], [incense])
    affiliate_set_sectors(made["kenya"], [garments])
    for status in Status.values:
        if status != Status.AFFILIATED:
            hidden = AffiliateFactory(
                region=south_asia,
                country="IN",
                name=f"Hidden {status} Union",
                status=status,
                organisation_type="union",
            )
            affiliate_set_sectors(hidden, [garments])
    return made


def names(response) -> list[str]:
    return [a.name for a in response.context["page"].items]


def options(response, facet) -> dict[str, int]:
    return {o.value: o.count for o in response.context["facets"].options[facet] if o.count}


def test_only_affiliated_organisations_are_listed_and_counted(client, registry):
    response = client.get(URL)

    assert response.status_code == 200
    assert sorted(names(response)) == [
        "Agarbatti Cooperative",
        "Nairobi Home Workers",
        "Nepal Home Workers",
        "Sewa Union",
    ]
    assert response.context["facets"].total == 4
    assert options(response, "type") == {"union": 3, "cooperative": 1}
    assert options(response, "sector") == {"garments": 3, "incense": 2}
    assert "Hidden" not in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "africa"}, ["Nairobi Home Workers"]),
        ({"country": "np"}, ["Nepal Home Workers"]),
        ({"type": "cooperative"}, ["Agarbatti Cooperative"]),
        ({"worker": "self_employed"}, ["Nepal Home Workers", "Sewa Union"]),
        ({"worker": "piece_rate"}, ["Agarbatti Cooperative", "Nairobi Home Workers", "Sewa Union"]),
        ({"sector": "incense"}, ["Agarbatti Cooperative", "Nepal Home Workers"]),
        (
            {"region": "south-asia", "type": "union", "sector": "garments"},
            ["Nepal Home Workers", "Sewa Union"],
        ),
        (
            {"q": "home", "region": "south-asia", "worker": "self_employed", "sector": "incense"},
            ["Nepal Home Workers"],
        ),
    ],
)
def test_each_filter_and_their_combination(client, registry, params, expected):
    response = client.get(URL, {**params, "sort": "name"})

    assert names(response) == expected
    assert response.context["facets"].total == len(expected)


def test_a_facet_counts_under_the_other_filters_but_not_its_own(client, registry):
    response = client.get(URL, {"region": "south-asia", "type": "union"})

    # Region counts ignore the region filter, keep the type one: unions per region.
    assert options(response, "region") == {"south-asia": 2, "africa": 1}
    # Type counts keep the region filter: types within South Asia.
    assert options(response, "type") == {"union": 2, "cooperative": 1}
    assert options(response, "country") == {"IN": 1, "NP": 1}
    assert options(response, "worker") == {"piece_rate": 1, "self_employed": 2}
    assert options(response, "sector") == {"garments": 2, "incense": 1}


def test_facets_follow_the_search_words(client, registry):
    response = client.get(URL, {"q": "home workers"})

    assert options(response, "region") == {"south-asia": 1, "africa": 1}
    assert response.context["facets"].total == 2


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "name",
            ["Agarbatti Cooperative", "Nairobi Home Workers", "Nepal Home Workers", "Sewa Union"],
        ),
        (
            "-members",
            ["Sewa Union", "Nairobi Home Workers", "Nepal Home Workers", "Agarbatti Cooperative"],
        ),
    ],
)
def test_sorting(client, registry, sort, expected):
    assert names(client.get(URL, {"sort": sort})) == expected


def test_pages_of_25_with_links_that_keep_the_filters(client, south_asia):
    AffiliateFactory.create_batch(30, region=south_asia, organisation_type="union")

    first = client.get(URL, {"type": "union"})
    second = client.get(URL, {"type": "union", "page": "2"})

    assert len(names(first)) == 25
    assert len(names(second)) == 5
    assert "?type=union&amp;page=2" in first.content.decode()
    assert "?type=union&amp;page=1" in second.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-3", "", "1e9", "99999999999999999999"])
def test_a_page_that_is_not_a_page_number_gives_a_page(client, south_asia, page):
    AffiliateFactory.create_batch(30, region=south_asia)

    response = client.get(URL, {"page": page})

    assert response.status_code == 200
    assert response.context["page"].number in (1, 2)


def test_a_page_past_the_end_gives_the_last_page(client, south_asia):
    AffiliateFactory.create_batch(30, region=south_asia)

    response = client.get(URL, {"page": "7"})

    assert response.context["page"].number == 2
    assert len(names(response)) == 5


def test_pages_past_the_cap_give_the_last_listed_page_and_say_so(client, south_asia, monkeypatch):
    monkeypatch.setattr(search, "MAX_PAGES", 1)
    AffiliateFactory.create_batch(30, region=south_asia)

    response = client.get(URL, {"page": "2"})

    assert response.context["page"].number == 1
    assert "Only the first 25 results are listed" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"region": "atlantis"},
        {"country": "XX"},
        {"type": "guild"},
        {"worker": "robots"},
        {"sector": "spaceships"},
        {"sort": "-password"},
        {"q": "x" * 5000},
        {"q": "\x00\x01 embroidery \u202e\ufeff"},
        {"q": "🧵👩🏽‍🏭 ﷺ 𝕳𝖔𝖒𝖊"},
        {"q": "' OR 1=1; DROP TABLE affiliates_affiliate; --"},
        {"q": "a & b | !c <-> (d:*)"},
        {"q": "\u0301 \u0301\u0302 ½ ℃ № ㎏ ﬁ"},
        {"q": "\\ '' \" :* & ' \u0301"},
        {"region": ["africa", "south-asia"], "page": ["2", "x"]},
    ],
)
def test_bad_input_is_never_an_error(client, registry, params):
    response = client.get(URL, params)

    assert response.status_code == 200
    assert "Nairobi" in client.get(URL).content.decode()


def test_bytes_that_are_not_utf8_are_never_an_error(client, registry):
    response = client.get(URL + "?q=%FF%FE%00sewa&region=%C0%AF")

    assert response.status_code == 200


def test_an_unknown_filter_value_says_so_and_is_ignored(client, registry):
    response = client.get(URL, {"region": "atlantis", "type": "union"})

    assert "There is no regional network “atlantis”" in response.content.decode()
    assert response.context["facets"].total == 3


def test_a_very_long_search_is_shortened_with_a_note(client, registry):
    response = client.get(URL, {"q": "sewa " + "x" * 5000})

    assert len(response.context["query"].q) == search.MAX_QUERY_LENGTH
    assert "shortened" in response.content.decode()


def test_an_empty_result_suggests_what_to_loosen(client, registry):
    response = client.get(URL, {"q": "sewa", "region": "africa"})

    body = response.content.decode()
    assert response.context["facets"].total == 0
    assert 'href="?region=africa"' in body  # without the words
    assert 'href="?q=sewa"' in body  # without the region


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 6),
        ({"q": "home"}, 7),
        ({"q": "home", "region": "south-asia", "type": "union", "sector": "garments"}, 7),
        # A typo: the words find nothing as typed; the names' words like it are looked up
        # (trigram index of NameWord), then the matches once, which the counts and the page
        # read by id.
        ({"q": "workerz"}, 9),
    ],
)
def test_the_number_of_queries_does_not_depend_on_the_results(
    client, south_asia, django_assert_num_queries, params, expected
):
    garments = SectorFactory(name="Garments", slug="garments")
    # 1 regions, 2 sectors, [3 with words: how many they match as typed, up to the cap], 4
    # facets of the affiliate's own columns (one pass; without words over the kept counts), 5
    # sector facet, 6 the page's ids, 7 its rows with their regions.
    for count in (3, 60):
        batch = [
            AffiliateFactory(region=south_asia, name=f"Home Workers Union {count}-{n}")
            for n in range(count)
        ]
        for affiliate in batch:
            affiliate_set_sectors(affiliate, [garments])
        with django_assert_num_queries(expected):
            response = client.get(URL, params)
        assert response.context["facets"].total > 0


def test_the_results_link_to_profiles_and_the_csv_keeps_the_filters(client, registry):
    body = client.get(URL, {"q": "sewa", "region": "south-asia", "page": "1"}).content.decode()

    assert reverse("affiliates:profile", args=[registry["sewa"].slug]) in body
    assert "/directory/export.csv?q=sewa&amp;region=south-asia" in body


def test_a_search_matching_more_than_the_cap_says_so_and_ranks_the_first_found(
    client, south_asia, monkeypatch
):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    monkeypatch.setattr(search, "CANDIDATES", 2)
    for members in (10, 400, 30, 900):
        AffiliateFactory(region=south_asia, name=f"Home Workers {members}", members_total=members)

    response = client.get(URL, {"q": "home"})

    body = response.content.decode()
    facets = response.context["facets"]
    assert facets.capped
    assert "More than 3 organisations found" in body
    # No counts on the filters: they would cost a pass over every match.
    assert all(option.count is None for option in facets.options["region"])
    assert f">{south_asia.name}</option>" in body
    # Ranked among the first 2 the index gives (which two depends on where PostgreSQL put the
    # rows), equal in rank, so by name; only they are listed.
    listed = names(response)
    assert len(listed) == 2 and listed == sorted(listed)
    assert set(listed) <= {f"Home Workers {n}" for n in (10, 400, 30, 900)}
    assert "Only the first 2 results are listed" in body
    assert "the filters show no counts" in body


def test_filters_that_leave_fewer_than_the_cap_list_and_rank_all_they_leave(
    client, south_asia, africa, monkeypatch
):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    monkeypatch.setattr(search, "CANDIDATES", 1)
    for n in range(3):
        AffiliateFactory(region=south_asia, name=f"Home Workers {n}")
    for city in ("Nairobi", "Kampala"):
        AffiliateFactory(region=africa, name=f"Home Workers {city}")

    response = client.get(URL, {"q": "home", "region": "africa"})

    # The words match 5 (more than the cap), the region keeps 2: both listed, ranked.
    assert response.context["facets"].total == 2
    assert sorted(names(response)) == ["Home Workers Kampala", "Home Workers Nairobi"]
    assert "Only the first" not in response.content.decode()


def test_a_filter_under_the_cap_gives_the_exact_number_but_no_counts_on_the_filters(
    client, south_asia, africa, monkeypatch
):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for n in range(4):
        AffiliateFactory(region=south_asia, name=f"Home Workers {n}")
    AffiliateFactory(region=africa, name="Home Workers Nairobi")

    response = client.get(URL, {"q": "home", "region": "africa"})

    facets = response.context["facets"]
    assert not facets.capped and facets.total == 1 and not facets.counted
    body = response.content.decode()
    assert "1 organisation found" in body and "the filters show no counts" in body


def test_a_search_under_the_cap_counts_exactly(client, south_asia, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for n in range(3):
        AffiliateFactory(region=south_asia, name=f"Home Workers {n}")

    response = client.get(URL, {"q": "home"})

    facets = response.context["facets"]
    assert not facets.capped and facets.total == 3
    assert "3 organisations found" in response.content.decode()
    assert [o.count for o in facets.options["region"] if o.value == south_asia.slug] == [3]
