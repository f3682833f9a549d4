"""Reviewers' screens: who reaches the queue, an application, its document, and the decisions."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from affiliates.choices import Status
from affiliates.models import StatusChange
from tests.applications.conftest import PDF
from tests.factories import AffiliateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(south_asia):
    affiliate = AffiliateFactory(region=south_asia, status=Status.APPLIED)
    affiliate.document.save("x.pdf", ContentFile(PDF))
    return affiliate


@pytest.fixture
def people(coordinator_south_asia, coordinator_africa, staff_user):
    return {
        "anonymous": None,
        "coordinator_of_region": coordinator_south_asia,
        "coordinator_of_other_region": coordinator_africa,
        "staff": staff_user,
    }


def urls(affiliate):
    return {
        "queue": reverse("applications:queue"),
        "detail": reverse("applications:detail", args=[affiliate.reference]),
        "document": reverse("applications:document", args=[affiliate.reference]),
        "register": reverse("applications:register"),
    }


# Expected status for each page and person: the matrix the lead merges into the access test.
ACCESS = {
    "queue": {
        "anonymous": 302,
        "coordinator_of_region": 200,
        "coordinator_of_other_region": 200,
        "staff": 200,
    },
    "detail": {
        "anonymous": 302,
        "coordinator_of_region": 200,
        "coordinator_of_other_region": 404,
        "staff": 200,
    },
    "document": {
        "anonymous": 302,
        "coordinator_of_region": 200,
        "coordinator_of_other_region": 404,
        "staff": 200,
    },
    "register": {
        "anonymous": 302,
        "coordinator_of_region": 200,
        "coordinator_of_other_region": 200,
        "staff": 200,
    },
}


@pytest.mark.parametrize("page", list(ACCESS))
@pytest.mark.parametrize(
    "role", ["anonymous", "coordinator_of_region", "coordinator_of_other_region", "staff"]
)
def test_access(client, people, applied, page, role):
    if people[role]:
        client.force_login(people[role])

    response = client.get(urls(applied)[page])

    assert response.status_code == ACCESS[page][role]
    if response.status_code == 302:
        assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("page", ["queue", "register"])
def test_a_signed_in_person_with_no_role_is_refused(client, applied, page):
    client.force_login(UserFactory(username="nobody"))

    assert client.get(urls(applied)[page]).status_code == 403


def test_the_document_is_served_as_a_pdf_download(client, applied, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    response = client.get(urls(applied)["document"])

    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{applied.reference}.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]


def test_there_is_no_public_url_for_documents(client, applied):
    assert client.get("/media/" + applied.document.name).status_code == 404


def test_a_coordinator_sees_only_their_regions_applications(
    client, south_asia, africa, coordinator_south_asia
):
    mine = AffiliateFactory(region=south_asia, status=Status.APPLIED, name="Mine")
    AffiliateFactory(region=africa, status=Status.APPLIED, name="Theirs")
    client.force_login(coordinator_south_asia)

    page = client.get(reverse("applications:queue")).context["page"]

    assert list(page.object_list) == [mine]


def test_staff_filter_by_status_and_region_longest_waiting_first(
    client, south_asia, africa, staff_user
):
    now = timezone.now()

    def waiting(days, **kwargs):
        return AffiliateFactory(status_changed_at=now - dt.timedelta(days=days), **kwargs)

    # Created in another order than they have waited.
    third = waiting(1, region=south_asia, status=Status.RECOMMENDED, name="Third")
    first = waiting(30, region=africa, status=Status.RECOMMENDED, name="First")
    second = waiting(10, region=south_asia, status=Status.APPLIED, name="Second")
    AffiliateFactory(region=south_asia, status=Status.AFFILIATED, name="Decided")
    client.force_login(staff_user)
    queue = reverse("applications:queue")

    def listed(**query):
        return list(client.get(queue, query).context["page"].object_list)

    assert listed() == [first, second, third]
    assert listed(status="recommended") == [first, third]
    assert listed(region=south_asia.pk) == [second, third]
    assert listed(status="recommended", region=africa.pk) == [first]
    assert len(listed(status="all")) == 4


def test_the_queue_costs_a_fixed_number_of_queries(
    client, south_asia, coordinator_south_asia, django_assert_num_queries
):
    for _ in range(5):
        AffiliateFactory(region=south_asia, status=Status.APPLIED)
    client.force_login(coordinator_south_asia)
    client.get(reverse("applications:queue"))  # warm the session

    # 1 session, 2 user, 3 reviewer check (regions coordinated), 4 count of the page,
    # 5 the page with regions joined, 6 the region filter's choices.
    with django_assert_num_queries(6):
        client.get(reverse("applications:queue"))


def test_a_coordinator_sees_the_decisions_that_are_theirs(
    client, applied, coordinator_south_asia, staff_user
):
    client.force_login(coordinator_south_asia)
    decisions = client.get(urls(applied)["detail"]).context["decisions"]
    assert [f.transition.action for f in decisions] == ["recommend", "region_reject"]

    applied.status = Status.RECOMMENDED
    applied.save()
    decisions = client.get(urls(applied)["detail"]).context["decisions"]
    assert decisions == []

    client.force_login(staff_user)
    decisions = client.get(urls(applied)["detail"]).context["decisions"]
    assert [f.transition.action for f in decisions] == ["approve", "reject"]


def decide(client, affiliate, action, **fields):
    data = {"action": action, f"{action}-action": action}
    data[f"{action}-from_status"] = fields.pop("from_status", affiliate.status)
    data.update({f"{action}-{key}": value for key, value in fields.items()})
    return client.post(reverse("applications:decide", args=[affiliate.reference]), data)


def test_a_coordinator_recommends(csrf_client, applied, coordinator_south_asia):
    client = csrf_client
    client.force_login(coordinator_south_asia)

    # From the application's page, with its form's CSRF token, as a browser sends it.
    response = client.submit(
        reverse("applications:decide", args=[applied.reference]),
        {
            "action": "recommend",
            "recommend-action": "recommend",
            "recommend-from_status": Status.APPLIED,
            "recommend-comment": "We know them",
            "recommend-comment_is_public": "on",
        },
        page=reverse("applications:detail", args=[applied.reference]),
    )

    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.status == Status.RECOMMENDED
    change = StatusChange.objects.get(affiliate=applied)
    assert (change.actor, change.comment, change.comment_is_public) == (
        coordinator_south_asia,
        "We know them",
        True,
    )
    assert "recommended" in client.get(response.url).content.decode()


def test_a_decision_without_its_comment_is_sent_back(client, applied, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    response = decide(client, applied, "region_reject", comment="")

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    applied.refresh_from_db()
    assert applied.status == Status.APPLIED


def test_a_coordinator_cannot_approve_even_by_forging_the_form(
    client, applied, coordinator_south_asia
):
    applied.status = Status.RECOMMENDED
    applied.save()
    client.force_login(coordinator_south_asia)

    response = decide(client, applied, "approve")

    assert response.status_code == 302
    assert "Only international staff can approve." in client.get(response.url).content.decode()
    applied.refresh_from_db()
    assert applied.status == Status.RECOMMENDED


def test_a_coordinator_of_another_region_cannot_decide(client, applied, coordinator_africa):
    client.force_login(coordinator_africa)

    assert decide(client, applied, "recommend", comment="x").status_code == 404


def test_the_second_reviewer_is_told_it_was_already_decided(
    client, applied, coordinator_south_asia, staff_user
):
    client.force_login(coordinator_south_asia)
    decide(client, applied, "recommend", comment="Yes")
    client.force_login(staff_user)

    # Staff had the page open while the application was still "applied".
    response = decide(client, applied, "region_reject", comment="No", from_status="applied")

    assert "Somebody decided first" in client.get(response.url).content.decode()
    applied.refresh_from_db()
    assert applied.status == Status.RECOMMENDED


def test_deciding_needs_a_post(client, applied, coordinator_south_asia):
    client.force_login(coordinator_south_asia)

    response = client.get(reverse("applications:decide", args=[applied.reference]))

    assert response.status_code == 405


def test_an_application_page_costs_a_fixed_number_of_queries(
    client, applied, coordinator_south_asia, django_assert_num_queries
):
    for n in range(3):
        applied.status_changes.create(to_status=Status.APPLIED, comment=f"note {n}")
    client.force_login(coordinator_south_asia)
    url = reverse("applications:detail", args=[applied.reference])
    client.get(url)  # warm the session

    # 1 session, 2 user, 3 the application with region and network, 4 the reviewer's roles
    # (is this their region?), 5 sectors, 6 the history with its actors: however long the
    # history.
    with django_assert_num_queries(6):
        client.get(url)
