import importlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.models import model_to_dict
from django.urls import reverse

from affiliates.services import AFFILIATE_EDITABLE_FIELDS, affiliate_update
from audit.selectors import affiliate_change_history
from tests.factories import SectorFactory, UserFactory

pytestmark = pytest.mark.django_db


def form_data(affiliate, **changes):
    data = model_to_dict(affiliate, fields=AFFILIATE_EDITABLE_FIELDS)
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data["parent_network"] = affiliate.parent_network_id or ""
    data["sectors"] = [s.pk for s in affiliate.sectors.all()]
    data["version"] = affiliate.updated_at.isoformat()
    for key in ("is_registered", "publish_contact", "has_self_employed_workers"):
        if not data[key]:
            del data[key]  # an unticked box is not sent
    data.update(changes)
    return data


def test_a_coordinator_edits_and_the_history_says_who_changed_what(
    csrf_client, coordinator_south_asia, sewa
):
    client = csrf_client
    client.force_login(coordinator_south_asia)
    url = reverse("workspace:affiliate_edit", args=[sewa.slug])

    response = client.submit(url, form_data(sewa, city="Ahmedabad", contact_phone="+91 555 0101"))

    assert response.status_code == 302
    sewa.refresh_from_db()
    assert (sewa.city, sewa.contact_phone) == ("Ahmedabad", "+91 555 0101")
    latest = affiliate_change_history(sewa)[0]
    assert latest.who == coordinator_south_asia
    assert {(c.field, c.new) for c in latest.changes} == {
        ("city or district", "Ahmedabad"),
        ("contact phone", "+91 555 0101"),
    }
    html = client.get(response.url).content.decode()
    assert "Ahmedabad" in html
    assert "asha" in html


def test_the_history_names_sectors_and_choices(coordinator_south_asia, sewa):
    garments = SectorFactory(name="Garments", slug="garments")

    affiliate_update(
        affiliate=sewa,
        updated_by=coordinator_south_asia,
        organisation_type="cooperative",
        sectors=[garments],
    )

    fields = {c.field: c for entry in affiliate_change_history(sewa) for c in entry.changes}
    assert fields["type of organisation"].new == "Cooperative"
    assert fields["sectors"].new == "Garments"


def test_the_second_of_two_concurrent_edits_is_refused_not_silently_applied(
    client, coordinator_south_asia, sewa, south_asia
):
    colleague = UserFactory(username="ravi", coordinates=[south_asia])
    first, second = client, client.__class__()
    first.force_login(coordinator_south_asia)
    second.force_login(colleague)
    url = reverse("workspace:affiliate_edit", args=[sewa.slug])
    # Both open the form on the same version of the record.
    seen = form_data(sewa)

    assert first.post(url, {**seen, "city": "Surat"}).status_code == 302
    response = second.post(url, {**seen, "city": "Vadodara"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else (asha) saved this record" in html
    assert "NOT saved" in html
    sewa.refresh_from_db()
    assert sewa.city == "Surat"


def test_a_coordinator_is_offered_only_their_regions_countries(
    client, coordinator_south_asia, sewa
):
    client.force_login(coordinator_south_asia)

    response = client.get(reverse("workspace:affiliate_edit", args=[sewa.slug]))

    codes = {code for code, _name in response.context["form"].fields["country"].choices}
    assert codes == {"IN", "NP"}


def test_the_worker_checkboxes_are_grouped_under_a_legend(client, coordinator_south_asia, sewa):
    client.force_login(coordinator_south_asia)

    html = client.get(reverse("workspace:affiliate_edit", args=[sewa.slug])).content.decode()

    # The group's own fieldset, its legend first, up to its end.
    group = re.search(
        r"<fieldset[^>]*>\s*<legend[^>]*>\s*Members are\s*</legend>(.*?)</fieldset>", html, re.S
    )
    assert group
    assert 'name="has_piece_rate_workers"' in group.group(1)
    assert 'name="has_self_employed_workers"' in group.group(1)
    assert 'name="name"' not in group.group(1)
    assert "style=" not in html


def test_a_coordinator_cannot_move_an_affiliate_to_another_region(
    client, coordinator_south_asia, sewa, africa
):
    client.force_login(coordinator_south_asia)

    response = client.post(
        reverse("workspace:affiliate_edit", args=[sewa.slug]), form_data(sewa, country="KE")
    )

    assert response.status_code == 200
    assert "country" in response.context["form"].errors
    sewa.refresh_from_db()
    assert sewa.country == "IN"
    # The service refuses it too, whatever the form offered.
    with pytest.raises(ValidationError) as refused:
        affiliate_update(affiliate=sewa, updated_by=coordinator_south_asia, country="KE")
    assert "region you do not coordinate" in str(refused.value)


def test_staff_moving_the_country_moves_the_region(staff_user, sewa, africa):
    affiliate_update(affiliate=sewa, updated_by=staff_user, country="KE")

    sewa.refresh_from_db()
    assert sewa.region == africa


def test_status_and_membership_are_not_edited_here(coordinator_south_asia, sewa):
    with pytest.raises(TypeError):
        affiliate_update(affiliate=sewa, updated_by=coordinator_south_asia, status="rejected")
    with pytest.raises(TypeError):
        affiliate_update(affiliate=sewa, updated_by=coordinator_south_asia, members_total=5)


def test_a_duplicate_name_in_the_country_is_refused_on_the_form(
    client, coordinator_south_asia, sewa, south_asia
):
    from tests.factories import AffiliateFactory

    AffiliateFactory(region=south_asia, country="IN", name="Ahmedabad Weavers")
    client.force_login(coordinator_south_asia)

    response = client.post(
        reverse("workspace:affiliate_edit", args=[sewa.slug]),
        form_data(sewa, name="ahmedabad  WEAVERS"),
    )

    assert response.status_code == 200
    assert "already registered in this country" in response.content.decode()


def test_the_first_edit_of_a_record_that_had_no_history_still_shows_what_changed(
    coordinator_south_asia, south_asia
):
    """Records loaded in bulk before the database kept history get a baseline on migrating."""
    from django.apps import apps

    from affiliates.models import Affiliate
    from audit.history import events_of
    from tests.factories import AffiliateFactory

    garments = SectorFactory(name="Garments", slug="garments")
    affiliate = AffiliateFactory(region=south_asia, country="IN", city="Surat", sectors=[garments])
    events_of(Affiliate).objects.filter(pgh_obj_id=affiliate.pk).delete()
    migration = importlib.import_module("affiliates.migrations.0007_copy_simple_history")
    with connection.schema_editor() as editor:
        migration.record_baselines(apps, editor)

    affiliate_update(
        affiliate=affiliate, updated_by=coordinator_south_asia, city="Vadodara", sectors=[garments]
    )

    edit, baseline = affiliate_change_history(affiliate)
    assert [(c.field, c.old, c.new) for c in edit.changes] == [
        ("city or district", "Surat", "Vadodara")
    ]
    assert edit.who == coordinator_south_asia
    assert baseline.kind == "="


@pytest.mark.parametrize("edits", [3, 60])
def test_the_affiliate_page_takes_a_fixed_number_of_queries_whatever_its_history(
    client, coordinator_south_asia, sewa, south_asia, django_assert_num_queries, edits
):
    from tests.factories import AffiliateFactory

    network = AffiliateFactory(region=south_asia, name="Network")
    sectors = [SectorFactory(name=f"Trade {n}", slug=f"trade-{n}") for n in range(3)]
    colleague = UserFactory(username="ravi", coordinates=[south_asia])
    for n in range(edits):
        affiliate_update(
            affiliate=sewa,
            updated_by=coordinator_south_asia if n % 2 else colleague,
            city=f"City {n}",
            organisation_type="cooperative" if n % 2 else "union",
            parent_network=network if n % 2 else None,
            sectors=sectors[: n % 3 + 1],
        )
    client.force_login(coordinator_south_asia)
    url = reverse("workspace:affiliate_detail", args=[sewa.slug])
    client.get(url)  # the first request of a session stamps its start

    # 1 session, 2 user, 3 the affiliate (with its region) if this user may see it,
    # 4 the newest history events, 5 the users who acted, 6 the names of what the changed
    # references point to (parent networks here), 7 its sectors, 8 declarations,
    # 9 status changes.
    with django_assert_num_queries(9):
        response = client.get(url)
    history = response.context["history"]
    # One entry per edit, sectors included (one context), and the creation when it is shown.
    assert len(history) == (4 if edits == 3 else 50)
    changed = {(c.field, c.new) for entry in history for c in entry.changes}
    assert {
        ("city or district", f"City {edits - 1}"),
        ("affiliates through the national network", "Network"),
        ("sectors", "Trade 0, Trade 1, Trade 2"),
    } <= changed
