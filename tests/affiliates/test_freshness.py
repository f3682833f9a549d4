"""Records kept fresh: the "details confirmed on" date, who moves it, which records are stale."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from affiliates.choices import Status
from affiliates.models import Affiliate
from affiliates.rules import is_stale, stale_before
from affiliates.services import (
    AffiliateRow,
    affiliate_confirm_details,
    affiliate_create,
    affiliate_save,
    affiliate_update,
    affiliates_bulk_update,
)
from tests.clock import TODAY
from tests.factories import AffiliateFactory
from tests.history import latest, reason, user_id

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

A_YEAR_AGO = dt.date(2025, 6, 15)


def test_details_go_stale_after_twelve_months():
    assert stale_before() == A_YEAR_AGO
    assert not is_stale(A_YEAR_AGO)
    assert is_stale(A_YEAR_AGO - dt.timedelta(days=1))
    assert is_stale(None)  # never confirmed


def test_29_february_looks_back_to_the_28th(clock):
    clock.move_to(dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC))
    assert stale_before() == dt.date(2027, 2, 28)


def test_stale_lists_members_never_or_long_ago_confirmed(south_asia):
    old = AffiliateFactory(region=south_asia, details_confirmed_on=A_YEAR_AGO - dt.timedelta(1))
    never = AffiliateFactory(region=south_asia, details_confirmed_on=None)
    AffiliateFactory(region=south_asia, details_confirmed_on=A_YEAR_AGO)  # 12 months: not yet
    AffiliateFactory(region=south_asia, status=Status.APPLIED, details_confirmed_on=None)

    assert set(Affiliate.objects.stale(stale_before())) == {old, never}


def test_confirming_dates_the_record_and_names_who_in_its_history(
    south_asia, coordinator_south_asia
):
    affiliate = AffiliateFactory(region=south_asia, details_confirmed_on=dt.date(2024, 1, 5))
    seen = Affiliate.objects.get(pk=affiliate.pk).updated_at

    affiliate_confirm_details(affiliate=affiliate, confirmed_by=coordinator_south_asia)

    affiliate.refresh_from_db()
    assert affiliate.details_confirmed_on == TODAY
    assert affiliate.updated_at == seen  # an edit form opened elsewhere is still current
    event = latest(affiliate)
    assert event.details_confirmed_on == TODAY
    assert user_id(event) == coordinator_south_asia.pk
    assert reason(event) == "Details confirmed as current"


def test_another_regions_coordinator_cannot_confirm(south_asia, coordinator_africa):
    affiliate = AffiliateFactory(region=south_asia, details_confirmed_on=None)

    with pytest.raises(PermissionDenied):
        affiliate_confirm_details(affiliate=affiliate, confirmed_by=coordinator_africa)
    affiliate.refresh_from_db()
    assert affiliate.details_confirmed_on is None


def test_an_edit_confirms_the_details(south_asia, coordinator_south_asia):
    affiliate = AffiliateFactory(region=south_asia, details_confirmed_on=dt.date(2024, 1, 5))

    affiliate_update(affiliate=affiliate, updated_by=coordinator_south_asia, city="Surat")

    affiliate.refresh_from_db()
    assert affiliate.details_confirmed_on == TODAY


def test_a_new_record_starts_confirmed(south_asia, coordinator_south_asia):
    affiliate = affiliate_create(
        name="New Weavers",
        country="IN",
        organisation_type="union",
        has_piece_rate_workers=True,
        created_by=coordinator_south_asia,
    )
    assert affiliate.details_confirmed_on == TODAY


def test_an_import_that_rewrites_records_and_an_admin_save_confirm_them(south_asia, staff_user):
    imported = AffiliateFactory(region=south_asia, details_confirmed_on=dt.date(2024, 1, 5))
    saved = AffiliateFactory(region=south_asia, details_confirmed_on=dt.date(2024, 1, 5))
    untouched = AffiliateFactory(region=south_asia, details_confirmed_on=dt.date(2024, 1, 5))

    copy = Affiliate.objects.get(pk=imported.pk)
    copy.city = "Surat"
    affiliates_bulk_update(rows=[AffiliateRow(copy)], fields=["city"], updated_by=staff_user)
    admin_copy = Affiliate.objects.get(pk=saved.pk)
    admin_copy.city = "Pune"
    affiliate_save(admin_copy, saved_by=staff_user)

    for affiliate in (imported, saved, untouched):
        affiliate.refresh_from_db()
    assert (imported.city, imported.details_confirmed_on) == ("Surat", TODAY)
    assert (saved.city, saved.details_confirmed_on) == ("Pune", TODAY)
    assert untouched.details_confirmed_on == dt.date(2024, 1, 5)
