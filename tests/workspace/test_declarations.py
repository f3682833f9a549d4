"""The yearly table: every affiliate of the region in one form, saved all together or not at all."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from affiliates.choices import Status
from affiliates.models import MembershipDeclaration
from tests.clock import YEAR
from tests.factories import AffiliateFactory, DeclarationFactory, UserFactory

# The table is for the current year or a past one: the clock says which year that is.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def region_affiliates(south_asia):
    return [
        AffiliateFactory(region=south_asia, name="A Union"),
        AffiliateFactory(region=south_asia, name="B Cooperative", country="NP"),
        AffiliateFactory(region=south_asia, name="C Group", status=Status.SUSPENDED),
    ]


def url(year=YEAR):
    return reverse("workspace:declarations", args=[year])


def post_table(client, affiliates, rows, year=YEAR, *, submit=False):
    """rows: one (women, men, total) per affiliate; "" for an empty cell."""
    data = {
        "rows-TOTAL_FORMS": len(affiliates),
        "rows-INITIAL_FORMS": len(affiliates),
        "rows-MIN_NUM_FORMS": 0,
        "rows-MAX_NUM_FORMS": 1000,
    }
    for index, (affiliate, (women, men, total)) in enumerate(zip(affiliates, rows, strict=True)):
        data |= {
            f"rows-{index}-shown": shown_now(affiliate, year),
            f"rows-{index}-women": women,
            f"rows-{index}-men": men,
            f"rows-{index}-total": total,
        }
    return client.submit(url(year), data) if submit else client.post(url(year), data)


def shown_now(affiliate, year=YEAR):
    """What a table opened now shows of the affiliate's row (its hidden `shown` field)."""
    declaration = MembershipDeclaration.objects.filter(affiliate=affiliate, year=year).first()
    if declaration is None:
        return f"{affiliate.reference}|none|||"
    figures = (declaration.women, declaration.men, declaration.total)
    return "|".join([affiliate.reference, declaration.updated_at.isoformat(), *map(str, figures)])


class _TableForm(HTMLParser):
    """The inputs of the page's declarations table form, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.data, self._inside = {}, False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._inside = attributes.get("enctype") is None and attributes.get("method") == "post"
        elif tag == "input" and self._inside and attributes.get("name"):
            self.data[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False


def table_form(response):
    """The table form's fields as the page holds them: `open` the table, type, then post."""
    parser = _TableForm()
    parser.feed(response.content.decode())
    return parser.data


def test_the_table_lists_the_regions_members_prefilled(
    client, coordinator_south_asia, region_affiliates, africa
):
    DeclarationFactory(affiliate=region_affiliates[0], year=YEAR, women=70, men=5, total=80)
    AffiliateFactory(region=region_affiliates[0].region, name="Z Applicant", status="applied")
    AffiliateFactory(region=africa, country="KE", name="Kenyan Union")
    client.force_login(coordinator_south_asia)

    response = client.get(url())

    names = [affiliate.name for _form, affiliate in response.context["rows"]]
    assert names == ["A Union", "B Cooperative", "C Group"]
    first = response.context["rows"][0][0]
    assert (first["women"].value(), first["men"].value(), first["total"].value()) == (70, 5, 80)
    html = response.content.decode()
    assert 'value="80"' in html
    assert "Kenyan Union" not in html


def test_the_table_takes_a_fixed_number_of_queries(
    client, coordinator_south_asia, south_asia, django_assert_num_queries
):
    for affiliate in AffiliateFactory.create_batch(30, region=south_asia):
        DeclarationFactory(affiliate=affiliate, year=YEAR)
    client.force_login(coordinator_south_asia)
    client.get(url())

    # session, user, regions, affiliates, their declarations for the year
    with django_assert_num_queries(5):
        client.get(url())


def test_one_submit_saves_every_row_and_updates_the_figures(
    csrf_client, coordinator_south_asia, region_affiliates
):
    client = csrf_client
    client.force_login(coordinator_south_asia)

    response = post_table(
        client, region_affiliates, [(100, 3, ""), (40, 0, 45), ("", "", "")], submit=True
    )

    assert response.status_code == 302
    a, b, c = region_affiliates
    for affiliate in region_affiliates:
        affiliate.refresh_from_db()
    assert (a.members_total, a.members_year) == (103, YEAR)
    assert (b.members_women, b.members_total) == (40, 45)
    assert not c.declarations.exists()  # an empty row is "not yet"
    assert a.declarations.get().recorded_by == coordinator_south_asia
    assert "2 declarations" in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("many", 3, ""), "Enter a whole number."),
        ((-1, 3, ""), "greater than or equal to 0"),
        ((10, 10, 15), "The total cannot be less than women plus men."),
        ((10, "", ""), "Enter both women and men"),
    ],
    ids=["non-numeric", "negative", "total-below-sum", "half-empty"],
)
def test_a_bad_row_saves_nothing_and_is_marked(
    client, coordinator_south_asia, region_affiliates, row, message
):
    client.force_login(coordinator_south_asia)

    response = post_table(client, region_affiliates, [(100, 3, ""), row, (5, 0, "")])

    assert response.status_code == 400
    assert not MembershipDeclaration.objects.exists()
    forms = response.context["formset"].forms
    assert not forms[0].errors and not forms[2].errors
    assert message in str(forms[1].errors)
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert 'class="table-danger"' in html


def test_a_future_year_has_no_page(client, coordinator_south_asia, region_affiliates):
    client.force_login(coordinator_south_asia)

    assert client.get(url(YEAR + 1)).status_code == 404
    assert post_table(client, region_affiliates, [(1, 1, "")] * 3, year=YEAR + 1).status_code == 404
    assert not MembershipDeclaration.objects.exists()


def test_a_row_for_another_regions_affiliate_is_refused(
    client, coordinator_south_asia, region_affiliates, africa
):
    kenyan = AffiliateFactory(region=africa, country="KE")
    client.force_login(coordinator_south_asia)

    response = post_table(client, [region_affiliates[0], kenyan], [(1, 1, ""), (2, 2, "")])

    assert response.status_code == 400
    assert "not one of your region" in response.content.decode()
    assert not MembershipDeclaration.objects.exists()


def test_a_past_years_declaration_does_not_replace_newer_figures(
    client, coordinator_south_asia, region_affiliates
):
    a = region_affiliates[0]
    DeclarationFactory(affiliate=a, year=YEAR, women=500, men=0, total=500)
    client.force_login(coordinator_south_asia)

    post_table(client, region_affiliates, [(7, 0, ""), ("", "", ""), ("", "", "")], year=YEAR - 2)

    a.refresh_from_db()
    assert (a.members_total, a.members_year) == (500, YEAR)
    assert a.declarations.get(year=YEAR - 2).total == 7


def test_staff_pick_the_region_of_the_table(client, staff_user, region_affiliates, africa):
    AffiliateFactory(region=africa, country="KE", name="Kenyan Union")
    client.force_login(staff_user)

    response = client.get(url(), {"region": "africa"})

    assert [a.name for _f, a in response.context["rows"]] == ["Kenyan Union"]


def test_a_region_too_big_for_one_table_is_sent_to_the_upload(
    client, coordinator_south_asia, region_affiliates, monkeypatch
):
    monkeypatch.setattr("workspace.declaring.DECLARATION_TABLE_MAX_ROWS", 2)
    client.force_login(coordinator_south_asia)

    response = client.get(url())

    assert response.context["rows"] == []
    assert "use the spreadsheet upload" in response.content.decode()


def test_this_years_page_keeps_the_chosen_region(client, staff_user, africa):
    client.force_login(staff_user)

    response = client.get(reverse("workspace:declarations_current"), {"region": "africa"})

    assert response.url == url() + "?region=africa"


@pytest.mark.parametrize("size", [3, 30])
def test_saving_the_table_takes_the_same_queries_for_3_rows_as_for_30(
    size, south_asia, coordinator_south_asia, django_assert_num_queries
):
    from affiliates.services import DeclarationRow, declarations_record

    rows = [
        DeclarationRow(affiliate=AffiliateFactory(region=south_asia), women=90, men=n, total=None)
        for n in range(size)
    ]
    DeclarationFactory(affiliate=rows[0].affiliate, year=YEAR)  # one correction among them

    # 1 savepoint, 2 the editable affiliates, locked, 3 the year's declarations, 4-7 the new
    # ones and the correction (savepoint, insert, update, release), 8 the affiliates'
    # declarations, 9 their new figures, 10 the history's context cleared from the
    # transaction, 11 release: the same count whatever the number of rows (the database's
    # triggers write the history within those statements).
    with django_assert_num_queries(11):
        written = declarations_record(year=YEAR, rows=rows, recorded_by=coordinator_south_asia)

    assert written == size
    assert rows[-1].affiliate.members_total == 90 + size - 1


@pytest.fixture
def colleague(south_asia):
    """A second coordinator of the same region, saving from another browser."""
    user = UserFactory(
        username="ravi", first_name="Ravi", last_name="Kumar", coordinates=[south_asia]
    )
    client = Client()
    client.force_login(user)
    return client


def test_a_table_opened_earlier_leaves_alone_the_rows_its_sender_did_not_change(
    csrf_client, coordinator_south_asia, region_affiliates, colleague, clock
):
    a, b, _c = region_affiliates
    for affiliate in (a, b):
        DeclarationFactory(affiliate=affiliate, year=YEAR, women=5, men=5, total=10)
    csrf_client.force_login(coordinator_south_asia)
    opened = table_form(csrf_client.get(url()))  # Asha opens the table: B shows 5 and 5
    clock.shift(60)
    theirs = table_form(colleague.get(url()))
    theirs |= {"rows-1-women": 777, "rows-1-men": 888, "rows-1-total": ""}
    assert colleague.post(url(), theirs).status_code == 302  # Ravi saves B: 777 and 888
    clock.shift(60)

    # Asha changes only A, and sends her page, where B still reads 5 and 5.
    response = csrf_client.submit(url(), opened | {"rows-0-women": 6, "rows-0-men": 4})

    assert response.status_code == 302
    assert "1 declaration for" in csrf_client.get(response.url).content.decode()
    assert a.declarations.values_list("women", "men", "total").get() == (6, 4, 10)
    assert b.declarations.values_list("women", "men", "total").get() == (777, 888, 1665)
    b.refresh_from_db()
    assert b.members_total == 1665


def test_a_row_both_changed_is_refused_naming_who_saved_it_and_nothing_is_written(
    csrf_client, coordinator_south_asia, region_affiliates, colleague, clock
):
    a, b, _c = region_affiliates
    DeclarationFactory(affiliate=b, year=YEAR, women=5, men=5, total=10)
    csrf_client.force_login(coordinator_south_asia)
    opened = table_form(csrf_client.get(url()))
    clock.shift(60)
    theirs = table_form(colleague.get(url()))
    theirs |= {"rows-1-women": 777, "rows-1-men": 888, "rows-1-total": ""}
    assert colleague.post(url(), theirs).status_code == 302
    clock.shift(60)

    mine = opened | {"rows-0-women": 1, "rows-0-men": 2}
    mine |= {"rows-1-women": 50, "rows-1-men": 60, "rows-1-total": ""}
    response = csrf_client.submit(url(), mine)

    assert response.status_code == 409
    assert not a.declarations.exists()  # all or nothing: A, fine on its own, waits too
    assert b.declarations.values_list("women", "men").get() == (777, 888)
    refused = response.context["formset"].forms[1]
    message = " ".join(refused.non_field_errors())
    assert "Someone else (Ravi Kumar) saved this row at" in message
    assert "after you opened the table; your figures for it were not saved" in message
    assert "777 women, 888 men, 1665 in all" in message
    html = response.content.decode()
    assert "Ravi Kumar" in html
    assert 'value="50"' in html  # what she typed is still there

    # Having read the message, she sends the page again: now her figures replace Ravi's.
    again = csrf_client.submit(url(), table_form(response))

    assert again.status_code == 302
    assert b.declarations.values_list("women", "men").get() == (50, 60)
    assert a.declarations.values_list("women", "men").get() == (1, 2)


def test_a_row_first_declared_by_someone_else_after_the_table_was_opened_is_refused(
    csrf_client, coordinator_south_asia, region_affiliates, colleague, clock
):
    a = region_affiliates[0]
    csrf_client.force_login(coordinator_south_asia)
    opened = table_form(csrf_client.get(url()))  # no declaration yet
    theirs = table_form(colleague.get(url())) | {"rows-0-women": 7, "rows-0-men": 8}
    assert colleague.post(url(), theirs).status_code == 302

    response = csrf_client.submit(url(), opened | {"rows-0-women": 1, "rows-0-men": 1})

    assert response.status_code == 409
    assert "Someone else (Ravi Kumar)" in response.content.decode()
    assert a.declarations.values_list("women", "men").get() == (7, 8)


def test_a_tampered_row_version_is_refused(client, coordinator_south_asia, region_affiliates):
    client.force_login(coordinator_south_asia)
    data = table_form(client.get(url())) | {"rows-0-women": 1, "rows-0-men": 1}
    data["rows-0-shown"] = data["rows-0-shown"].replace("none", "yesterday")

    response = client.post(url(), data)

    assert response.status_code == 400
    assert "The table is damaged" in response.content.decode()
    assert not MembershipDeclaration.objects.exists()
