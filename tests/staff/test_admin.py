"""Every admin changelist, add and change page: rendered for staff, refused to anyone else."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.models import ApiToken
from accounts.tokens import token_create
from affiliates.choices import Status
from tests.factories import AffiliateFactory, DeclarationFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_objects(south_asia, coordinator_south_asia):
    token_create(user=coordinator_south_asia, name="A tool", days=30)
    affiliate = AffiliateFactory(region=south_asia, sectors=[SectorFactory()])
    DeclarationFactory(affiliate=affiliate)
    return {model: model.objects.first() for model in admin.site._registry}


def admin_urls(objects):
    for model, obj in objects.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield reverse(f"{prefix}_changelist")
        if model is not ApiToken:  # made by its owner on their token page only (403 here)
            yield reverse(f"{prefix}_add")
        if obj is not None:
            yield reverse(f"{prefix}_change", args=[obj.pk])


def test_staff_can_open_every_admin_page(client, staff_user, admin_objects):
    client.force_login(staff_user)
    for url in admin_urls(admin_objects):
        response = client.get(url)
        assert response.status_code == 200, url


def test_a_coordinator_is_sent_to_the_admin_login(client, coordinator_south_asia, admin_objects):
    client.force_login(coordinator_south_asia)
    for url in admin_urls(admin_objects):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, admin_objects):
    for url in admin_urls(admin_objects):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("admin:login")), url


def test_admin_edits_of_declarations_update_the_figures(client, staff_user, south_asia):
    affiliate = AffiliateFactory(region=south_asia, status=Status.AFFILIATED)
    client.force_login(staff_user)
    url = reverse("admin:affiliates_membershipdeclaration_add")

    response = client.post(
        url,
        {
            "affiliate": affiliate.pk,
            "year": 2024,
            "women": 200,
            "men": 20,
            "total": 230,
            "declared_on": "2025-01-15",
        },
    )

    assert response.status_code == 302
    affiliate.refresh_from_db()
    assert (affiliate.members_total, affiliate.members_year) == (230, 2024)


def test_the_admin_refuses_a_declaration_below_women_plus_men(client, staff_user, south_asia):
    affiliate = AffiliateFactory(region=south_asia)
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:affiliates_membershipdeclaration_add"),
        {
            "affiliate": affiliate.pk,
            "year": 2024,
            "women": 200,
            "men": 20,
            "total": 100,
            "declared_on": "2025-01-15",
        },
    )

    assert response.status_code == 200
    assert "The total cannot be less than women plus men." in response.content.decode()
    assert not affiliate.declarations.exists()
