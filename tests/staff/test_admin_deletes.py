"""Deleting in the admin leaves no stale copy behind: figures and search text follow."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.forms.models import model_to_dict
from django.urls import reverse

from affiliates.choices import Status
from affiliates.models import Affiliate, MembershipDeclaration, Sector
from tests.factories import AffiliateFactory, DeclarationFactory, SectorFactory
from tests.history import events, events_of_model, latest, reason, user_id

pytestmark = pytest.mark.django_db


def figures(affiliate):
    affiliate.refresh_from_db()
    return (affiliate.members_total, affiliate.members_year)


@pytest.fixture
def declared(south_asia):
    """An affiliate with declarations for 2023 and 2024; its figures are 2024's."""
    affiliate = AffiliateFactory(region=south_asia, status=Status.AFFILIATED)
    DeclarationFactory(affiliate=affiliate, year=2023, women=40, men=10, total=50)
    DeclarationFactory(affiliate=affiliate, year=2024, women=80, men=20, total=100)
    affiliate.members_total, affiliate.members_year = 100, 2024
    affiliate.members_women, affiliate.members_men = 80, 20
    affiliate.save()
    return affiliate


def test_deleting_the_latest_declaration_brings_back_the_previous_figures(
    client, staff_user, declared
):
    latest = declared.declarations.get(year=2024)
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:affiliates_membershipdeclaration_delete", args=[latest.pk]),
        {"post": "yes"},
    )

    assert response.status_code == 302
    assert figures(declared) == (50, 2023)
    (deleted,) = events_of_model(MembershipDeclaration, pgh_label="delete")
    assert (deleted.year, user_id(deleted)) == (2024, staff_user.pk)


def test_deleting_selected_declarations_refreshes_each_affiliate(
    client, staff_user, declared, south_asia
):
    other = AffiliateFactory(region=south_asia, members_total=7, members_women=7, members_year=2024)
    DeclarationFactory(affiliate=other, year=2024, women=7, men=0, total=7)
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:affiliates_membershipdeclaration_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            ACTION_CHECKBOX_NAME: [
                declared.declarations.get(year=2024).pk,
                other.declarations.get().pk,
            ],
        },
    )

    assert response.status_code == 302
    assert figures(declared) == (50, 2023)
    assert figures(other) == (0, None)
    assert len(events_of_model(MembershipDeclaration, pgh_label="delete")) == 2


def test_a_declaration_cannot_be_moved_to_another_affiliate(
    client, staff_user, declared, south_asia
):
    other = AffiliateFactory(region=south_asia)
    latest = declared.declarations.get(year=2024)
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:affiliates_membershipdeclaration_change", args=[latest.pk]),
        {
            "affiliate": other.pk,
            "year": 2024,
            "women": 80,
            "men": 20,
            "total": 100,
            "declared_on": "2025-01-15",
        },
    )

    assert response.status_code == 302
    latest.refresh_from_db()
    assert latest.affiliate == declared
    assert figures(declared) == (100, 2024) and figures(other) == (0, None)


def affiliate_form(affiliate, **changes):
    """The admin change form of an affiliate as a browser would send it back."""
    data = model_to_dict(affiliate, exclude=["id", "document", "sectors"])
    data = {key: ("" if value is None else value) for key, value in data.items()}
    data = {key: value for key, value in data.items() if value is not False}  # unticked boxes
    data["sectors"] = [s.pk for s in affiliate.sectors.all()]
    declarations = list(affiliate.declarations.order_by("-year"))
    data |= {
        "declarations-TOTAL_FORMS": len(declarations),
        "declarations-INITIAL_FORMS": len(declarations),
        "status_changes-TOTAL_FORMS": 0,
        "status_changes-INITIAL_FORMS": 0,
    }
    for index, declaration in enumerate(declarations):
        for field in ("id", "year", "women", "men", "total", "declared_on", "source"):
            data[f"declarations-{index}-{field}"] = getattr(declaration, field) or ""
        data[f"declarations-{index}-affiliate"] = affiliate.pk
    data.update(changes)
    return data


def test_a_declaration_deleted_inline_on_the_affiliate_brings_back_the_previous_figures(
    client, staff_user, declared
):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:affiliates_affiliate_change", args=[declared.pk]),
        affiliate_form(declared, **{"declarations-0-DELETE": "on"}),  # 2024, the latest
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(declared.declarations.values_list("year", flat=True)) == [2023]
    assert figures(declared) == (50, 2023)


def test_a_declaration_deleted_inline_records_the_new_figures_once(client, staff_user, declared):
    client.force_login(staff_user)
    before = len(events(declared))

    client.post(
        reverse("admin:affiliates_affiliate_change", args=[declared.pk]),
        affiliate_form(declared, **{"declarations-0-DELETE": "on"}),
    )

    # The form's save changed nothing but the timestamp (no event); the figures following the
    # deletion are recorded once.
    years = [e.members_year for e in events(declared)[before:]]
    assert years == [2023]


@pytest.fixture
def incense(south_asia):
    sector = SectorFactory(name="Incense sticks", slug="incense")
    garments = SectorFactory(name="Garments", slug="garments")
    affiliate = AffiliateFactory(region=south_asia, name="Agarbatti Workers", slug="agarbatti")
    affiliate.sectors.set([sector, garments])
    affiliate.sector_names = "Garments, Incense sticks"
    affiliate.save()
    return sector


def found(client, words):
    page = client.get(reverse("affiliates:directory"), {"q": words}).context["page"]
    return [a.name for a in page.items]


def test_a_deleted_sector_no_longer_finds_its_affiliates(client, staff_user, incense):
    assert found(client, "incense") == ["Agarbatti Workers"]
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:affiliates_sector_delete", args=[incense.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    affiliate = Affiliate.objects.get(slug="agarbatti")
    assert affiliate.sector_names == "Garments"
    assert found(client, "incense") == []
    assert found(client, "garments") == ["Agarbatti Workers"]
    # The affiliate's history says its sectors changed, and who changed them.
    record = latest(affiliate)
    assert record.sector_names == "Garments"
    assert user_id(record) == staff_user.pk
    assert "Incense sticks" in reason(record)


def test_deleting_selected_sectors_refreshes_their_affiliates(client, staff_user, incense):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:affiliates_sector_changelist"),
        {
            "action": "delete_selected",
            "post": "yes",
            ACTION_CHECKBOX_NAME: list(Sector.objects.values_list("pk", flat=True)),
        },
    )

    assert response.status_code == 302
    assert not Sector.objects.exists()
    assert Affiliate.objects.get(slug="agarbatti").sector_names == ""
    assert found(client, "incense") == [] and found(client, "garments") == []
