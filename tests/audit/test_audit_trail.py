"""Every path that writes an audited record leaves who, when and what in its history."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from affiliates.choices import OrganisationType, Status
from affiliates.models import Affiliate, MembershipDeclaration
from affiliates.services import (
    affiliate_create,
    affiliate_update,
    declaration_delete,
    declaration_record,
    sector_delete,
)
from affiliates.services.bulk import bulk_insert
from audit.changes import recent_changes
from audit.history import record_history
from audit.selectors import affiliate_change_history
from core.history import acting
from regions.models import CoordinatorAssignment, RegionCountry
from tests.factories import AffiliateFactory, SectorFactory, UserFactory
from tests.history import events, events_of_model, latest, reason, user_id

pytestmark = pytest.mark.django_db


def test_services_record_the_acting_user(south_asia, staff_user):
    affiliate = affiliate_create(
        name="Service Co",
        country="IN",
        organisation_type=OrganisationType.UNION,
        has_piece_rate_workers=True,
        created_by=staff_user,
    )
    declaration = declaration_record(
        affiliate=affiliate, year=2024, women=10, men=2, recorded_by=staff_user
    )

    # Created, then the figures refreshed by the service.
    assert [e.pgh_label for e in events(affiliate)] == ["insert", "update"]
    assert [e.pgh_label for e in events(declaration)] == ["insert"]
    # Outside a request too, each record names the person the service acted for.
    assert user_id(events(declaration)[0]) == staff_user.pk
    assert {user_id(e) for e in events(affiliate)} == {staff_user.pk}


def test_sectors_set_at_creation_are_recorded_as_the_creator_s(south_asia, staff_user):
    garments = SectorFactory(name="Garments", slug="garments")

    affiliate = affiliate_create(
        name="Sector Co",
        country="IN",
        organisation_type=OrganisationType.UNION,
        has_piece_rate_workers=True,
        created_by=staff_user,
        sectors=[garments],
    )

    created, sectors_set = events(affiliate)
    assert (created.pgh_label, sectors_set.pgh_label) == ("insert", "update")
    assert user_id(sectors_set) == staff_user.pk
    # One action: the history reads it as one creation, sectors included.
    (entry,) = record_history(Affiliate, affiliate.pk)
    assert entry.kind == "+" and entry.who == staff_user
    assert ("sectors", "–", "Garments") in [(c.field, c.old, c.new) for c in entry.changes]


def test_a_public_application_names_nobody(south_asia):
    affiliate = affiliate_create(
        name="Applicant Co",
        country="IN",
        organisation_type=OrganisationType.UNION,
        has_piece_rate_workers=True,
    )

    assert [user_id(e) for e in events(affiliate)] == [None]


def test_a_deleted_declaration_is_recorded_with_who_deleted_it(south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia)
    declaration = declaration_record(affiliate=affiliate, year=2024, women=3, men=1)

    declaration_delete(declaration=declaration, deleted_by=staff_user)

    (deleted,) = events_of_model(MembershipDeclaration, pgh_label="delete")
    assert user_id(deleted) == staff_user.pk
    assert user_id(latest(affiliate)) == staff_user.pk  # figures back to none


def test_a_lifecycle_command_is_recorded_as_the_named_person_s(south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia, status=Status.AFFILIATED)

    call_command("affiliate_transition", affiliate.reference, "suspend", by="sam", comment="Dues")

    record = latest(affiliate)
    assert (record.status, reason(record)) == (Status.SUSPENDED, "suspend")
    assert user_id(record) == staff_user.pk


def test_an_import_command_records_created_and_updated_rows_as_the_named_user(
    south_asia, staff_user, tmp_path
):
    existing = AffiliateFactory(region=south_asia, name="Old Co", country="IN", city="Surat")
    path = tmp_path / "affiliates.csv"
    path.write_text(
        "name,country,organisation_type,piece_rate_workers,city\n"
        "New Co,IN,union,yes,Pune\n"
        "Old Co,IN,union,yes,Vadodara\n"
    )

    call_command("import_affiliates", str(path), "--user", "sam", verbosity=0)

    created = Affiliate.objects.get(name="New Co")
    assert [user_id(e) for e in events(created)] == [staff_user.pk]
    updated = latest(existing)
    assert (updated.city, user_id(updated)) == ("Vadodara", staff_user.pk)


def test_admin_forms_record_the_staff_member(client, staff_user, south_asia):
    affiliate = AffiliateFactory(region=south_asia)
    client.force_login(staff_user)

    client.post(
        reverse("admin:affiliates_membershipdeclaration_add"),
        {
            "affiliate": affiliate.pk,
            "year": 2024,
            "women": 5,
            "men": 1,
            "total": 6,
            "declared_on": "2025-01-15",
        },
    )
    client.post(
        reverse("admin:regions_region_change", args=[south_asia.pk]),
        {
            "name_en": "HomeNet South Asia",
            "short_name": "HNSA",
            "slug": "south-asia",
            "description_en": "Renamed",
            "website": "",
            "display_order": 0,
            "countries-TOTAL_FORMS": 0,
            "countries-INITIAL_FORMS": 0,
            "coordinator_assignments-TOTAL_FORMS": 0,
            "coordinator_assignments-INITIAL_FORMS": 0,
        },
    )

    declaration = MembershipDeclaration.objects.get()
    assert [user_id(e) for e in events(declaration)] == [staff_user.pk]
    assert user_id(latest(affiliate)) == staff_user.pk  # figures refreshed
    region_record = latest(south_asia)
    assert (user_id(region_record), region_record.description) == (staff_user.pk, "Renamed")


def test_deletes_and_assignments_are_recorded(south_asia, staff_user):
    assignment = CoordinatorAssignment.objects.create(region=south_asia, user=staff_user)
    country = RegionCountry.objects.create(region=south_asia, country="BD")
    assignment.delete()
    country.delete()

    assert [e.pgh_label for e in events_of_model(CoordinatorAssignment)] == ["insert", "delete"]
    assert [e.pgh_label for e in events_of_model(RegionCountry, country="BD")] == [
        "insert",
        "delete",
    ]


def test_the_changes_page_diffs_field_by_field(client, staff_user, south_asia):
    affiliate = AffiliateFactory(region=south_asia, city="Surat")
    affiliate.city = "Ahmedabad"
    affiliate.save()

    page = recent_changes()

    entry = next(e for e in page.entries if e.label == affiliate.name and e.action == "changed")
    assert [(c.field, c.old, c.new) for c in entry.changes] == [
        ("city or district", "Surat", "Ahmedabad")
    ]


def test_the_changes_page_filters_by_who_region_and_date(client, staff_user, south_asia, africa):
    other = UserFactory(username="other", is_staff=True)
    AffiliateFactory(region=south_asia, name="In Asia")
    with acting(other):
        AffiliateFactory(region=africa, name="In Africa")
    client.force_login(staff_user)
    url = reverse("staff:changes")

    by_region = client.get(url, {"region": africa.pk}).content.decode()
    by_user = client.get(url, {"user": other.pk}).content.decode()
    by_date = client.get(url, {"since": "2000-01-01", "until": "2000-12-31"}).content.decode()

    assert "In Africa" in by_region and "In Asia" not in by_region
    assert "In Africa" in by_user and "In Asia" not in by_user
    assert "No change matches these filters." in by_date


def test_the_changes_page_is_paginated_in_a_bounded_number_of_queries(
    client, staff_user, south_asia, django_assert_max_num_queries
):
    for n in range(60):
        AffiliateFactory(region=south_asia, name=f"Org {n}")
    client.force_login(staff_user)

    # session, user, 5 x (count + newest events), then for the diffs (audit.history) per
    # model shown the predecessors, the acting users, one query per kind of object named
    # (regions here), then the form's user and region choices, the session's save: 19 today,
    # whatever the page size.
    with django_assert_max_num_queries(25):
        first = client.get(reverse("staff:changes"))
    second = client.get(reverse("staff:changes"), {"page": 2})

    assert first.context["page"].has_next and len(first.context["page"].entries) == 50
    # 60 affiliates, plus the region and its two countries created by the fixture.
    assert first.context["page"].total == 63
    assert len(second.context["page"].entries) == 63 - 50


@pytest.mark.parametrize("url_name", ["staff:changes", "staff:dashboard"])
def test_staff_pages_are_for_staff_only(client, url_name, staff_user, coordinator_south_asia):
    url = reverse(url_name)

    anonymous = client.get(url)
    client.force_login(coordinator_south_asia)
    coordinator = client.get(url)
    client.force_login(staff_user)
    staff = client.get(url)

    assert anonymous.status_code == 302 and anonymous.url.startswith("/accounts/login/")
    assert coordinator.status_code == 403
    assert staff.status_code == 200


def test_bulk_writes_copy_and_raw_sql_leave_history_naming_the_user(south_asia, staff_user):
    """The database records the history: no write path can skip it, however it writes."""
    one, two = AffiliateFactory(region=south_asia), AffiliateFactory(region=south_asia)
    new = AffiliateFactory.build(region=south_asia, name="Copied Co", slug="copied-co")

    with transaction.atomic(), acting(staff_user, reason="Bulk"):
        qs = Affiliate.objects.filter(pk__in=[one.pk, two.pk])
        qs.update(city="Updated in bulk")
        bulk_insert(Affiliate, [new])  # COPY
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE affiliates_affiliate SET acronym = 'RAW' WHERE id = %s", [one.pk]
            )

    bulk_updated = [latest(two), events(one)[-2]]
    assert [(e.city, user_id(e), reason(e)) for e in bulk_updated] == [
        ("Updated in bulk", staff_user.pk, "Bulk")
    ] * 2
    (copied,) = events(new)
    assert (copied.pgh_label, user_id(copied)) == ("insert", staff_user.pk)
    raw = latest(one)
    assert (raw.acronym, user_id(raw)) == ("RAW", staff_user.pk)


def test_a_save_that_changes_nothing_records_nothing(south_asia):
    affiliate = AffiliateFactory(region=south_asia)

    affiliate.save()  # only updated_at moves

    assert [e.pgh_label for e in events(affiliate)] == ["insert"]


def test_the_workspace_and_the_changes_page_describe_an_edit_alike(
    staff_user, coordinator_south_asia, south_asia
):
    network = AffiliateFactory(region=south_asia, name="National Network")
    affiliate = AffiliateFactory(region=south_asia, name="Edited Co", country="IN", city="Surat")

    affiliate_update(
        affiliate=affiliate,
        updated_by=coordinator_south_asia,
        city="Ahmedabad",
        country="NP",
        organisation_type=OrganisationType.COOPERATIVE,
        is_registered=True,
        parent_network=network,
    )

    workspace = affiliate_change_history(affiliate)[0].changes
    staff = next(e for e in recent_changes().entries if e.label == "Edited Co").changes
    assert workspace == staff
    assert [(c.field, c.old, c.new) for c in staff] == [
        ("country", "India", "Nepal"),
        ("city or district", "Surat", "Ahmedabad"),
        ("legally registered", "no", "yes"),
        ("type of organisation", "Trade union", "Cooperative"),
        ("affiliates through the national network", "–", "National Network"),
    ]


def test_a_deleted_sector_still_reads_in_the_history(staff_user, south_asia):
    garments, incense = SectorFactory(name="Garments"), SectorFactory(name="Incense")
    affiliate = AffiliateFactory(region=south_asia, name="Sector Co", sectors=[garments, incense])

    sector_delete(sector=incense, deleted_by=staff_user)

    entry = recent_changes().entries[0]
    assert (entry.label, entry.who, entry.reason) == (
        "Sector Co",
        staff_user,
        "Sector “Incense” deleted",
    )
    assert [(c.field, c.old, c.new) for c in entry.changes] == [
        ("sectors", "Garments, Incense", "Garments")
    ]
    assert affiliate_change_history(affiliate)[0].changes == entry.changes


def test_a_reason_given_for_one_step_does_not_stick_to_the_next(client, staff_user, south_asia):
    """Saving a region runs the countries' follow-up (with its reason) before the assignments."""
    coordinator = UserFactory(username="ravi")
    client.force_login(staff_user)

    client.post(
        reverse("admin:regions_region_change", args=[south_asia.pk]),
        {
            "name_en": south_asia.name,
            "short_name": south_asia.short_name,
            "slug": south_asia.slug,
            "description_en": "",
            "website": "",
            "display_order": 0,
            "countries-TOTAL_FORMS": 0,
            "countries-INITIAL_FORMS": 0,
            "coordinator_assignments-TOTAL_FORMS": 1,
            "coordinator_assignments-INITIAL_FORMS": 0,
            "coordinator_assignments-0-user": coordinator.pk,
        },
    )

    (assigned,) = events_of_model(CoordinatorAssignment, pgh_label="insert")
    assert (user_id(assigned), reason(assigned)) == (staff_user.pk, "")


def test_changes_of_records_whose_affiliate_is_gone_still_show(south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia, name="Closed Co")
    declaration = declaration_record(affiliate=affiliate, year=2024, women=3, men=1)
    declaration_delete(declaration=declaration, deleted_by=staff_user)
    pk = affiliate.pk
    affiliate.delete()

    labels = [(e.label, e.action) for e in recent_changes().entries]

    # The declaration's events still show, named by the id of the affiliate that is gone.
    assert labels.count((f"#{pk} 2024", "created")) == 1
    assert labels.count((f"#{pk} 2024", "deleted")) == 1
