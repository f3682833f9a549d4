"""The admin as staff use it: changelists without N+1, the import screen, links to history."""

import pytest
from django.urls import reverse

from affiliates.choices import Status
from affiliates.models import Affiliate
from spreadsheets.models import ImportUpload
from tests.factories import AffiliateFactory, DeclarationFactory, SectorFactory, UserFactory
from tests.history import events, user_id

pytestmark = pytest.mark.django_db


def test_the_affiliate_changelist_does_not_grow_with_the_rows(
    client, staff_user, south_asia, django_assert_num_queries
):
    for _ in range(30):
        AffiliateFactory(region=south_asia, sectors=[SectorFactory(slug="garments")])
    client.force_login(staff_user)
    url = reverse("admin:affiliates_affiliate_changelist")
    client.get(url)  # the first request of a session stamps its start (accounts.middleware)

    # 1 session, 2 user, 3-4 permissions (the user's own, its groups'), 5 regions for the
    # region filter, 6 count of the filtered rows (up to EstimatedCountPaginator.EXACT_UP_TO),
    # 7 the page's rows with their region (select_related). No count of all rows
    # (show_full_result_count); the country, year and date filters need no query.
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Export these as CSV" in html and "Import CSV/XLSX" in html


def test_the_region_changelist_shows_coordinators_in_one_query(
    client, staff_user, south_asia, africa, django_assert_num_queries
):
    for n in range(5):
        UserFactory(username=f"coord{n}", coordinates=[south_asia, africa])
    client.force_login(staff_user)
    client.get(reverse("admin:regions_region_changelist"))  # stamps the session's start

    # 1 session, 2 user, 3-4 permissions, 5-6 counts (filtered, all), 7 regions with their
    # country counts, 8 their coordinator assignments with the users (one prefetch).
    with django_assert_num_queries(8):
        response = client.get(reverse("admin:regions_region_changelist"))
    assert "coord0, coord1, coord2, coord3, coord4" in response.content.decode()


def test_an_affiliate_links_to_its_public_profile_and_history(client, staff_user, south_asia):
    affiliate = AffiliateFactory(region=south_asia, slug="sewa", status=Status.AFFILIATED)
    applicant = AffiliateFactory(region=south_asia, status=Status.APPLIED)
    client.force_login(staff_user)

    html = client.get(reverse("admin:affiliates_affiliate_change", args=[affiliate.pk]))
    applicant_html = client.get(reverse("admin:affiliates_affiliate_change", args=[applicant.pk]))

    assert reverse("admin:affiliates_affiliate_history", args=[affiliate.pk]) in html.text
    assert "/affiliates/sewa/" in html.text  # via "View on site", through the admin's redirect
    assert "View on site" not in applicant_html.text


def test_the_history_of_a_record_is_browsable_in_the_admin(client, staff_user, south_asia):
    affiliate = AffiliateFactory(region=south_asia, city="Surat")
    affiliate.city = "Ahmedabad"
    affiliate.save()
    client.force_login(staff_user)

    response = client.get(reverse("admin:affiliates_affiliate_history", args=[affiliate.pk]))

    assert response.status_code == 200
    assert "City or district</strong>: Surat → Ahmedabad" in response.text


CSV = b"name,country,organisation_type,piece_rate_workers\nUploaded Co,IN,union,yes\n"


def test_staff_preview_then_confirm_an_import(client, staff_user, south_asia):
    client.force_login(staff_user)
    url = reverse("admin:affiliates_affiliate_import")
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = client.post(url, {"file": SimpleUploadedFile("new.csv", CSV)})

    assert "Dry run: 1 would be created" in preview.text
    assert not Affiliate.objects.exists()
    upload = ImportUpload.objects.get()  # kept in the database for any app server to confirm
    confirmed = client.post(url, {"upload": str(upload.pk)}, follow=True)

    assert "Imported: 1 created" in confirmed.text
    created = Affiliate.objects.get(name="Uploaded Co")
    (creation,) = events(created)
    assert (creation.pgh_label, user_id(creation)) == ("insert", staff_user.pk)
    assert not ImportUpload.objects.exists()


def test_a_refused_file_cannot_be_confirmed(client, staff_user, south_asia):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user)
    bad = CSV.replace(b"IN", b"FR")

    preview = client.post(
        reverse("admin:affiliates_affiliate_import"), {"file": SimpleUploadedFile("bad.csv", bad)}
    )

    assert "Nothing imported" in preview.text and "Confirm the import" not in preview.text
    assert not ImportUpload.objects.exists()


def test_someone_else_s_upload_cannot_be_confirmed(client, staff_user, superuser, south_asia):
    upload = ImportUpload.objects.create(filename="x.csv", content=CSV, uploaded_by=superuser)
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:affiliates_affiliate_import"), {"upload": str(upload.pk)}, follow=True
    )

    assert "That preview has expired" in response.text
    assert not Affiliate.objects.exists()


def test_the_import_screen_is_for_staff_only(client, coordinator_south_asia):
    url = reverse("admin:affiliates_affiliate_import")

    assert client.get(url).status_code == 302
    client.force_login(coordinator_south_asia)
    assert client.get(url).url.startswith(reverse("admin:login"))


def test_declaration_and_assignment_changelists_do_not_grow_with_the_rows(
    client, staff_user, south_asia, django_assert_num_queries
):
    for year in range(2000, 2020):
        DeclarationFactory(affiliate=AffiliateFactory(region=south_asia), year=year)
        UserFactory(coordinates=[south_asia])
    client.force_login(staff_user)
    client.get(reverse("admin:index"))  # the first request of a session stamps its start

    # 1 session, 2 user, 3-4 permissions, 5-6 counts, 7 the rows with their affiliate,
    # 8 regions for the region filter, 9 years for the year filter.
    with django_assert_num_queries(9):
        client.get(reverse("admin:affiliates_membershipdeclaration_changelist"))
    # 1 session, 2 user, 3-4 permissions, 5 regions for the filter, 6-7 counts,
    # 8 the rows with their user and region.
    with django_assert_num_queries(8):
        client.get(reverse("admin:regions_coordinatorassignment_changelist"))


def test_the_change_form_leaves_the_status_to_the_lifecycle_actions(
    client, staff_user, south_asia, settings, tmp_path
):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    affiliate = AffiliateFactory(
        region=south_asia,
        status=Status.APPLIED,
        document=ContentFile(b"%PDF-1.4 rules", name="rules.pdf"),
    )
    client.force_login(staff_user)

    html = client.get(reverse("admin:affiliates_affiliate_change", args=[affiliate.pk])).text

    assert 'name="status"' not in html
    assert reverse("applications:document", args=[affiliate.reference]) in html
    assert "/media/" not in html


def test_an_affiliate_added_in_the_admin_starts_as_an_application(client, staff_user, south_asia):
    client.force_login(staff_user)
    add_url = reverse("admin:affiliates_affiliate_add")
    assert 'name="status"' not in client.get(add_url).text

    response = client.post(
        add_url,
        {
            "name": "Surat Embroiderers",
            "slug": "surat-embroiderers",
            "country": "IN",
            "region": south_asia.pk,
            "organisation_type": "union",
            "has_piece_rate_workers": "on",
            "status": Status.AFFILIATED,  # ignored: not a field of this form
            "language": "en",
            "declarations-TOTAL_FORMS": 0,
            "declarations-INITIAL_FORMS": 0,
            "status_changes-TOTAL_FORMS": 0,
            "status_changes-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    affiliate = Affiliate.objects.get(slug="surat-embroiderers")
    assert affiliate.status == Status.APPLIED
    change = affiliate.status_changes.get()
    assert (change.from_status, change.to_status, change.actor) == ("", "applied", staff_user)


def test_a_name_taken_in_the_country_is_said_next_to_the_name_in_the_admin(
    client, staff_user, south_asia
):
    AffiliateFactory(region=south_asia, country="IN", name="Surat Embroiderers")
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:affiliates_affiliate_add"),
        {
            "name": "surat  embroiderers",  # the same name, spelled otherwise
            "slug": "surat-embroiderers-2",
            "country": "IN",
            "region": south_asia.pk,
            "organisation_type": "union",
            "has_piece_rate_workers": "on",
            "language": "en",
            "declarations-TOTAL_FORMS": 0,
            "declarations-INITIAL_FORMS": 0,
            "status_changes-TOTAL_FORMS": 0,
            "status_changes-INITIAL_FORMS": 0,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name"] == [
        "An organisation with this name is already registered in this country."
    ]
    assert Affiliate.objects.filter(country="IN").count() == 1
