"""Every path that writes an audited record leaves who, when and what in its history."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from affiliates.models import Affiliate, MembershipDeclaration, OrganisationType, Status
from affiliates.selectors import affiliate_change_history
from affiliates.services import (
    affiliate_create,
    affiliate_update,
    declaration_delete,
    declaration_record,
    sector_delete,
)
from regions.models import CoordinatorAssignment, Region, RegionCountry
from staff.audit import recent_changes
from tests.factories import AffiliateFactory, SectorFactory, UserFactory

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

    assert affiliate.history.first().history_type == "~"  # figures refreshed by the service
    assert affiliate.history.earliest().history_type == "+"
    assert declaration.history.get().history_type == "+"
    # Outside a request too, each record names the person the service acted for.
    assert declaration.history.get().history_user == staff_user
    assert {h.history_user for h in affiliate.history.all()} == {staff_user}


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

    created, sectors_set = affiliate.history.order_by("history_date", "history_id")
    assert (created.history_type, sectors_set.history_type) == ("+", "~")
    assert sectors_set.history_user == staff_user


def test_a_public_application_names_nobody(south_asia):
    affiliate = affiliate_create(
        name="Applicant Co",
        country="IN",
        organisation_type=OrganisationType.UNION,
        has_piece_rate_workers=True,
    )

    assert affiliate.history.get().history_user is None


def test_a_deleted_declaration_is_recorded_with_who_deleted_it(south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia)
    declaration = declaration_record(affiliate=affiliate, year=2024, women=3, men=1)

    declaration_delete(declaration=declaration, deleted_by=staff_user)

    deleted = MembershipDeclaration.history.filter(history_type="-").get()
    assert deleted.history_user == staff_user
    assert affiliate.history.latest().history_user == staff_user  # figures back to none


def test_a_lifecycle_command_is_recorded_as_the_named_person_s(south_asia, staff_user):
    affiliate = AffiliateFactory(region=south_asia, status=Status.AFFILIATED)

    call_command("affiliate_transition", affiliate.reference, "suspend", by="sam", comment="Dues")

    record = affiliate.history.latest()
    assert (record.status, record.history_change_reason) == (Status.SUSPENDED, "suspend")
    assert record.history_user == staff_user


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
    assert created.history.get().history_user == staff_user
    updated = existing.history.latest()
    assert (updated.city, updated.history_user) == ("Vadodara", staff_user)


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
            "name": "HomeNet South Asia",
            "short_name": "HNSA",
            "slug": "south-asia",
            "description": "Renamed",
            "website": "",
            "display_order": 0,
            "countries-TOTAL_FORMS": 0,
            "countries-INITIAL_FORMS": 0,
            "coordinator_assignments-TOTAL_FORMS": 0,
            "coordinator_assignments-INITIAL_FORMS": 0,
        },
    )

    declaration = MembershipDeclaration.objects.get()
    assert declaration.history.get().history_user == staff_user
    assert affiliate.history.latest().history_user == staff_user  # figures refreshed
    region_record = south_asia.history.latest()
    assert (region_record.history_user, region_record.description) == (staff_user, "Renamed")


def test_deletes_and_assignments_are_recorded(south_asia, staff_user):
    assignment = CoordinatorAssignment.objects.create(region=south_asia, user=staff_user)
    country = RegionCountry.objects.create(region=south_asia, country="BD")
    assignment.delete()
    country.delete()

    assert [h.history_type for h in CoordinatorAssignment.history.all()] == ["-", "+"]
    assert [h.history_type for h in RegionCountry.history.filter(country="BD")] == ["-", "+"]


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
    AffiliateFactory(region=africa, name="In Africa")
    for record in Affiliate.history.filter(name="In Africa"):
        record.history_user = other
        record.save()
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

    # session, user, 5 x (count + newest rows), then for the diffs (affiliates.history) per
    # model shown the predecessors and their sectors, one query per kind of object named
    # (regions here), then the form's user and region choices, the session's save: 20 today,
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


def test_no_code_updates_audited_records_behind_the_history_s_back():
    """QuerySet.update() and plain bulk writes skip simple-history: audited models never use them.

    The importer records history itself (bulk_history_create) and the demo seeder writes demo
    data without history on purpose (README). The searchable copy of sector names is left out
    of the history (the sectors themselves are in it), so the two functions that keep it in step
    may write it directly; a country's move between regions and a region's declarations for a
    year record their history in bulk. The
    COPY insert (affiliates/bulk.py) and simple-history's own bulk helpers are for the importer.
    """
    import ast
    from pathlib import Path

    audited = {
        m.__name__
        for m in (Affiliate, MembershipDeclaration, Region, RegionCountry, CoordinatorAssignment)
    }
    allowed = {"affiliates/importing.py", "affiliates/seeding.py"}
    allowed_functions = {
        "affiliates/services.py:affiliate_refresh_sector_names",
        "affiliates/services.py:_refresh_sector_names_of",
        "affiliates/services.py:affiliates_follow_countries",
        "affiliates/services.py:declarations_record",
        "affiliates/services.py:_membership_follow_declarations",
    }
    bulk_helpers = {"bulk_insert", "bulk_create_with_history", "bulk_update_with_history"}
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in {".venv", "tests", "var", "bench"} or relative in allowed:
            continue
        if "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text())
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in bulk_helpers
                and relative != "affiliates/bulk.py"
            ):
                offenders.append(f"{relative}:{node.lineno} {node.func.id}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"update", "bulk_update", "bulk_create"}
            ):
                receiver = ast.unparse(node.func.value)
                if any(f"{name}.objects" in receiver for name in audited) or ".history" in receiver:
                    inside = {
                        f"{relative}:{f.name}"
                        for f in functions
                        if f.lineno <= node.lineno <= f.end_lineno
                    }
                    if not inside & allowed_functions:
                        offenders.append(f"{relative}:{node.lineno} {receiver}.{node.func.attr}")
    assert offenders == []


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


@pytest.mark.parametrize("loaded_in_bulk", [False, True])
def test_a_deleted_sector_still_reads_in_the_history(staff_user, south_asia, loaded_in_bulk):
    garments, incense = SectorFactory(name="Garments"), SectorFactory(name="Incense")
    affiliate = AffiliateFactory(region=south_asia, name="Sector Co", sectors=[garments, incense])
    if loaded_in_bulk:  # as seed_demo loads rows: no history until a change gives a baseline
        affiliate.history.all().delete()

    incense_id = incense.pk
    sector_delete(sector=incense, deleted_by=staff_user)

    entry = recent_changes().entries[0]
    assert (entry.label, entry.who, entry.reason) == (
        "Sector Co",
        staff_user,
        "Sector “Incense” deleted",
    )
    assert [(c.field, c.old, c.new) for c in entry.changes] == [
        ("sectors", f"Garments, deleted (#{incense_id})", "Garments")
    ]
    assert affiliate_change_history(affiliate)[0].changes == entry.changes
    assert affiliate.history.earliest().history_type == ("~" if loaded_in_bulk else "+")
