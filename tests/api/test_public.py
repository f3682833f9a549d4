"""The public API: the directory's rules, public records only, conditional GET, CORS, limits."""

import base64
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from affiliates import search
from affiliates.choices import Status
from affiliates.services import affiliate_update
from core.public_cache import public_cache_bump, public_cache_version
from tests.clock import NOW
from tests.factories import AffiliateFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(south_asia, africa):
    embroidery = SectorFactory(name="Embroidery", slug="embroidery")
    return {
        "public": AffiliateFactory(
            region=south_asia,
            name="Embroiderers of Lucknow",
            sectors=[embroidery],
            public_email="hello@example.org",
            publish_contact=False,
        ),
        "consenting": AffiliateFactory(
            region=south_asia,
            name="Embroidery Union Nepal",
            country="NP",
            public_email="open@example.org",
            publish_contact=True,
            publish_contact_given_on="2026-01-01",
        ),
        "elsewhere": AffiliateFactory(region=africa, name="Embroidery Kenya"),
        "applied": AffiliateFactory(
            region=south_asia, name="Embroidery Applicants", status=Status.APPLIED
        ),
    }


def test_it_searches_like_the_directory_with_public_affiliates_only(api, directory):
    response = api.get("/api/v1/affiliates/", {"q": "embro", "region": "south-asia"})
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert sorted(names) == ["Embroiderers of Lucknow", "Embroidery Union Nepal"]
    assert "Private Person" not in response.content.decode()
    assert "private.person@example.org" not in response.content.decode()


def test_a_search_matching_more_than_the_cap_ranks_what_the_page_ranks(
    api, client, directory, monkeypatch
):
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    monkeypatch.setattr(search, "CANDIDATES", 2)

    api_names = [
        r["name"] for r in api.get("/api/v1/affiliates/", {"q": "embro"}).json()["results"]
    ]
    page = client.get("/directory/", {"q": "embro"}).context["page"]

    # The first two matches the index gives, ranked: the page lists the same, and says so.
    assert len(api_names) == 2
    assert api_names == [a.name for a in page.items]
    notes = api.get("/api/v1/affiliates/", {"q": "embro"}).json()["notes"]
    assert any("Only the first 2 results are listed" in note for note in notes)


def test_it_shows_a_public_contact_only_with_consent(api, directory):
    rows = {row["slug"]: row for row in api.get("/api/v1/affiliates/").json()["results"]}
    assert rows[directory["public"].slug]["public_email"] is None
    assert rows[directory["consenting"].slug]["public_email"] == "open@example.org"


def test_every_filter_of_the_directory_applies(api, directory):
    by_sector = api.get("/api/v1/affiliates/", {"sector": "embroidery"}).json()["results"]
    assert [row["slug"] for row in by_sector] == [directory["public"].slug]
    by_country = api.get("/api/v1/affiliates/", {"country": "np"}).json()["results"]
    assert [row["slug"] for row in by_country] == [directory["consenting"].slug]
    unknown = api.get("/api/v1/affiliates/", {"region": "atlantis"}).json()
    assert len(unknown["results"]) == 3 and unknown["notes"]


def test_the_lists_rows_are_what_drfs_own_path_gives(directory, south_asia, rf):
    # The list builds its rows directly for speed (PublicAffiliateSerializer.to_representation):
    # the same keys and values as DRF's field-by-field path over the declared fields, with a
    # parent network, sectors and a public contact with and without consent.
    from rest_framework import serializers

    from api.serializers import PublicAffiliateSerializer

    network = AffiliateFactory(region=south_asia, name="National Home Workers Network")
    member = AffiliateFactory(region=south_asia, name="Lucknow Members", parent_network=network)
    context = {"request": rf.get("/api/v1/affiliates/")}
    for affiliate in [*directory.values(), network, member]:
        direct = PublicAffiliateSerializer(affiliate, context=context).data
        generic = serializers.Serializer.to_representation(
            PublicAffiliateSerializer(context=context), affiliate
        )
        assert direct == generic, affiliate.name
    assert PublicAffiliateSerializer(member, context=context).data["parent_network"] == {
        "slug": network.slug,
        "name": network.name,
    }


def test_it_pages_with_a_cursor_and_caps_the_page_size(api, south_asia):
    for n in range(5):
        AffiliateFactory(region=south_asia, name=f"Weavers {n}")
    first = api.get("/api/v1/affiliates/", {"page_size": 2}).json()
    assert [row["name"] for row in first["results"]] == ["Weavers 0", "Weavers 1"]
    second = api.get(first["next"]).json()
    assert [row["name"] for row in second["results"]] == ["Weavers 2", "Weavers 3"]
    assert len(api.get("/api/v1/affiliates/", {"page_size": 1000}).json()["results"]) == 5


def test_each_sort_pages_through_every_row_once(api, south_asia):
    # Names and member counts repeat (in two countries): ties the cursor must step through.
    for n in range(6):
        AffiliateFactory(
            region=south_asia,
            name=f"Weavers {n % 3}",
            country="IN" if n < 3 else "NP",
            members_total=n % 2,
        )
    for sort in ("name", "-members", "-affiliated", "relevance"):
        seen, url, params = [], "/api/v1/affiliates/", {"page_size": 2, "sort": sort, "q": "weav"}
        while url:
            page = api.get(url, params).json()
            seen += [row["slug"] for row in page["results"]]
            url, params = page["next"], None
        assert len(seen) == len(set(seen)) == 6, sort


@pytest.mark.parametrize(
    ("sort", "position", "status"),
    [
        ("name", "Emb", 200),
        ("name", "a\x00b", 404),
        ("-members", "many", 404),
        ("relevance", "high", 404),
        ("-affiliated", "2026-13-45", 404),
    ],
)
def test_a_cursor_made_by_hand_is_a_404_not_a_500(api, directory, sort, position, status):
    # A cursor is base64 of its position: anybody can make one.
    cursor = base64.b64encode(urlencode({"p": position}).encode()).decode()
    response = api.get("/api/v1/affiliates/", {"q": "embro", "sort": sort, "cursor": cursor})
    assert response.status_code == status
    if status == 404:
        assert response.json()["detail"] == "Invalid cursor"


def test_a_non_public_affiliate_is_a_404(api, directory):
    response = api.get(f"/api/v1/affiliates/{directory['applied'].slug}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_one_affiliate_and_its_json_ld(api, directory):
    slug = directory["consenting"].slug
    detail = api.get(f"/api/v1/affiliates/{slug}/").json()
    assert detail["public_email"] == "open@example.org"
    assert detail["members"]["total"] == 0
    response = api.get(f"/api/v1/affiliates/{slug}/jsonld/")
    assert response["Content-Type"] == "application/ld+json"
    assert response.json()["@type"] == "Organization"


def test_regions_sectors_and_stats(api, directory):
    regions = api.get("/api/v1/regions/").json()
    south = next(r for r in regions["results"] if r["slug"] == "south-asia")
    assert south["figures"]["organisations"] == 2
    assert {c["code"] for c in south["countries"]} == {"IN", "NP"}
    assert api.get("/api/v1/sectors/").json() == [{"slug": "embroidery", "name": "Embroidery"}]
    stats = api.get("/api/v1/stats/").json()
    assert stats["headline"]["organisations"] == 3
    assert {f["key"] for f in stats["figures"]} == {
        "regions",
        "types",
        "categories",
        "gender",
        "years",
    }


def test_a_repeat_gets_304_until_a_write(
    api, directory, coordinator_south_asia, django_capture_on_commit_callbacks, clock
):
    public_cache_version()
    clock.shift(2)  # the last change is seconds old: Last-Modified is its second
    first = api.get("/api/v1/affiliates/")
    etag, modified = first["ETag"], first["Last-Modified"]
    repeat = api.get("/api/v1/affiliates/", HTTP_IF_NONE_MATCH=etag)
    assert repeat.status_code == 304 and repeat["ETag"] == etag
    assert api.get("/api/v1/affiliates/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # Another query string is another representation.
    assert api.get("/api/v1/affiliates/?q=x", HTTP_IF_NONE_MATCH=etag).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        affiliate_update(
            affiliate=directory["public"], updated_by=coordinator_south_asia, city="Agra"
        )
    fresh = api.get("/api/v1/affiliates/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag


def test_a_write_in_the_second_of_an_answer_is_not_hidden_by_if_modified_since(
    api, directory, time_machine
):
    time_machine.move_to(NOW, tick=False)
    public_cache_bump()
    first = api.get("/api/v1/sectors/")
    public_cache_bump()  # a write in the same second
    again = api.get("/api/v1/sectors/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200


def test_cors_is_open_for_public_reads_only(api, directory, coordinator_south_asia, as_user):
    public = api.get("/api/v1/affiliates/", HTTP_ORIGIN="https://allies.example")
    assert public["Access-Control-Allow-Origin"] == "*"
    private = as_user(coordinator_south_asia).get(
        "/api/v1/records/", HTTP_ORIGIN="https://allies.example"
    )
    assert private.status_code == 200
    assert "Access-Control-Allow-Origin" not in private


def test_anonymous_clients_are_throttled_with_retry_after(api, directory):
    with override_settings(API_THROTTLE_RATES={"anon": "2/minute", "token": "5/minute"}):
        assert api.get("/api/v1/sectors/").status_code == 200
        assert api.get("/api/v1/sectors/").status_code == 200
        refused = api.get("/api/v1/sectors/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["title"]


def test_errors_are_in_the_requests_language(api, directory):
    response = api.get("/api/v1/affiliates/no-such-one/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    # DRF's own words, translated: not get_object_or_404's English naming the model.
    assert response.json()["detail"] == "No encontrado."
    assert response["Content-Language"] == "es"


def test_the_docs_page_needs_no_inline_script_and_no_cdn(api, db):
    page = api.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html and "<style>" not in html
    assert "cdn" not in html.lower()
    script = api.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


def test_the_description_is_openapi_3_1(api, db):
    described = api.get("/api/v1/schema/?format=json").json()
    assert described["openapi"] == "3.1.0"
    assert "/api/v1/declarations/" in described["paths"]


def test_a_dead_token_on_a_public_read_is_a_described_401(api, directory):
    response = api.get("/api/v1/sectors/", HTTP_AUTHORIZATION="Token hn_000000000000_revoked")
    assert response.status_code == 401 and response.json()["status"] == 401
    paths = api.get("/api/v1/schema/?format=json").json()["paths"]
    public = ["affiliates/", "affiliates/{slug}/", "affiliates/{slug}/jsonld/", "regions/"]
    for path in [*public, "sectors/", "stats/"]:
        assert "401" in paths[f"/api/v1/{path}"]["get"]["responses"], path


def test_allow_lists_only_the_methods_answered(api, db):
    response = api.options("/api/v1/sectors/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
