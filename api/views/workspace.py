"""The API with a token: coordinators' records, declarations, applications, lifecycle steps.

Every record is fetched through affiliates.access (another region's is a 404) and every write
goes through the service the pages use, with the pages' rules: the edit form's fields and
choices (workspace.forms), the CSV upload's row rules (spreadsheets.declarations).
"""

from typing import Any

from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response

from affiliates.access import affiliate_for, affiliates_visible_to, is_reviewer
from affiliates.choices import OrganisationType, Status
from affiliates.models import Affiliate, Sector
from affiliates.rules import declaration_years
from affiliates.selectors import open_applications
from affiliates.services import (
    AFFILIATE_EDITABLE_FIELDS,
    AffiliateEditConflict,
    DeclarationBatchError,
    affiliate_update,
    declarations_record,
)
from affiliates.services.lifecycle import (
    TRANSITIONS,
    AlreadyDecided,
    affiliate_transition,
    available_transitions_each,
    may_take,
)
from api.pagination import Cursor
from api.problems import Conflict
from api.serializers import (
    AffiliateChangeSerializer,
    ApplicationSerializer,
    DeclarationBatchSerializer,
    DeclarationResultSerializer,
    PrivateAffiliateSerializer,
    TransitionSerializer,
)
from api.views.base import TokenView
from api.views.docs import problems
from audit.selectors import affiliate_last_changed_by
from spreadsheets.declarations import DECLARATIONS_HEADER, CSVRejected, declarations_rows_check
from workspace.filters import WorkspaceAffiliateFilter
from workspace.forms import AffiliateEditForm

SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The affiliate's slug.")


def _records(user: Any) -> Any:
    return affiliates_visible_to(user).select_related("region", "parent_network")


class RecordList(TokenView):
    serializer_class = PrivateAffiliateSerializer
    pagination_class = Cursor

    @extend_schema(
        operation_id="records_list",
        summary="Your regions' affiliates, private contacts included",
        description="Every status; the workspace's search and filters. Staff see every region.",
        parameters=[
            OpenApiParameter(
                "q", str, description="Name, acronym, city, contact or reference contains this."
            ),
            OpenApiParameter("status", str, enum=["", *Status.values]),
            OpenApiParameter("organisation_type", str, enum=["", *OrganisationType.values]),
            OpenApiParameter("region", str, description="The slug of one of your regions."),
        ],
        responses={
            200: PrivateAffiliateSerializer(many=True),
            **problems(400, 401, 404, 429),
        },
        tags=["coordinators"],
    )
    def get(self, request: Request) -> Response:
        filterset = WorkspaceAffiliateFilter(
            request.query_params, queryset=_records(request.user), user=request.user
        )
        if not filterset.is_valid():
            raise exceptions.ValidationError(
                {field: [str(m) for m in messages] for field, messages in filterset.errors.items()}
            )
        page = self.paginate_queryset(filterset.qs.prefetch_related("sectors"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class RecordDetail(TokenView):
    serializer_class = PrivateAffiliateSerializer

    @extend_schema(
        operation_id="records_retrieve",
        summary="One of your regions' affiliates",
        parameters=[SLUG],
        responses={200: PrivateAffiliateSerializer, **problems(401, 404, 429)},
        tags=["coordinators"],
    )
    def get(self, request: Request, slug: str) -> Response:
        affiliate = affiliate_for(request.user, slug=slug)
        return Response(self.get_serializer(affiliate).data)

    @extend_schema(
        operation_id="records_partial_update",
        summary="Change one of your regions' affiliates",
        description=(
            "The edit page's rules: send `updated_at` as you read it with the fields to "
            "change. If someone saved the record since, 409 and nothing is written. A new "
            "country must be one of your regions'."
        ),
        parameters=[SLUG],
        request=AffiliateChangeSerializer,
        responses={
            200: PrivateAffiliateSerializer,
            **problems(400, 401, 404, 409, 413, 429),
        },
        examples=[
            OpenApiExample(
                "A new city",
                value={"updated_at": "2026-06-15T12:00:00.000000Z", "city": "Surat"},
                request_only=True,
            )
        ],
        tags=["coordinators"],
    )
    def patch(self, request: Request, slug: str) -> Response:
        affiliate = affiliate_for(request.user, edit=True, slug=slug)
        change = AffiliateChangeSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        changes = dict(change.validated_data)
        seen = changes.pop("updated_at")
        form = AffiliateEditForm(
            _form_data(affiliate, changes, seen), affiliate=affiliate, user=request.user
        )
        if not form.is_valid():
            raise exceptions.ValidationError(_form_errors(form))
        try:
            updated = affiliate_update(
                affiliate=affiliate,
                updated_by=request.user,
                seen_updated_at=form.cleaned_data["version"],
                sectors=form.cleaned_data["sectors"],
                **form.changes(),
            )
        except AffiliateEditConflict as conflict:
            raise Conflict(
                _(
                    "Someone else (%(who)s) saved this record at %(when)s, after you read it. "
                    "Nothing was saved: read it again, then send your change."
                )
                % {
                    "who": affiliate_last_changed_by(conflict.current) or _("unknown"),
                    "when": conflict.current.updated_at.isoformat(),
                }
            ) from None
        updated = affiliate_for(request.user, slug=updated.slug)
        return Response(self.get_serializer(updated).data)


def _form_data(affiliate: Affiliate, changes: dict[str, Any], seen: Any) -> dict[str, Any]:
    """The edit form's data: the record as it is, with the changes sent over it."""
    data: dict[str, Any] = {
        key: ("" if value is None else value)
        for key, value in model_to_dict(
            affiliate, fields=[*AFFILIATE_EDITABLE_FIELDS, "sectors"]
        ).items()
    }
    data["country"] = str(affiliate.country)
    data["sectors"] = [sector.pk for sector in data.get("sectors", [])]
    if "sectors" in changes:
        slugs = changes.pop("sectors")
        found = dict(Sector.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        unknown = sorted(set(slugs) - set(found))
        if unknown:
            raise exceptions.ValidationError(
                {"sectors": [_("Unknown sectors: %(slugs)s.") % {"slugs": ", ".join(unknown)}]}
            )
        data["sectors"] = list(found.values())
    if "parent_network" in changes:
        parent = changes.pop("parent_network")
        # An unknown slug reads as no such choice: the form says so on the field.
        data["parent_network"] = (
            (Affiliate.objects.filter(slug=parent).values_list("pk", flat=True).first() or -1)
            if parent
            else ""
        )
    data.update({key: ("" if value is None else value) for key, value in changes.items()})
    data["version"] = seen.isoformat()
    return data


def _form_errors(form: AffiliateEditForm) -> dict[str, list[str]]:
    errors = {
        ("updated_at" if field == "version" else field): [str(e["message"]) for e in messages]
        for field, messages in form.errors.get_json_data().items()
    }
    if "__all__" in errors:
        errors["non_field_errors"] = errors.pop("__all__")
    return errors


class Declarations(TokenView):
    @extend_schema(
        operation_id="declarations_create",
        summary="Record a year's declarations for many affiliates",
        description=(
            "All rows or none, with the rules of the declarations CSV upload: each reference "
            "one of your regions' members (affiliated or suspended), once; women and men "
            "whole numbers; a total at least their sum (left out: their sum). One refused row "
            "and nothing is written; `errors.rows` names every refused row (Row N is the "
            "Nth of `rows`, from 1)."
        ),
        request=DeclarationBatchSerializer,
        responses={
            200: DeclarationResultSerializer,
            **problems(400, 401, 413, 429),
        },
        examples=[
            OpenApiExample(
                "Two rows",
                value={
                    "year": 2025,
                    "rows": [
                        {"reference": "HN-7K3M-Q9PX", "women": 120, "men": 4, "total": 124},
                        {"reference": "HN-2B8D-J4WR", "women": 48, "men": 0},
                    ],
                },
                request_only=True,
            ),
            OpenApiExample("Written", value={"year": 2025, "written": 2}, response_only=True),
            OpenApiExample(
                "A refused row",
                value={
                    "type": "about:blank",
                    "title": "The request was refused",
                    "status": 400,
                    "detail": "Nothing was saved: 1 row was refused.",
                    "instance": "/api/v1/declarations/",
                    "errors": {"rows": ["Row 2: unknown affiliate “HN-0000-0000”."]},
                },
                status_codes=["400"],
                response_only=True,
            ),
        ],
        tags=["coordinators"],
    )
    def post(self, request: Request) -> Response:
        batch = DeclarationBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        year = batch.validated_data["year"]
        if year not in declaration_years():
            raise exceptions.ValidationError(
                {"year": [_("Declarations are recorded for past and current years only.")]}
            )
        lines = [
            (number, _cells(row, year))
            for number, row in enumerate(batch.validated_data["rows"], start=1)
        ]
        declaring = affiliates_visible_to(request.user).declaring()
        try:
            rows = declarations_rows_check(
                lines,
                year=year,
                find_affiliates=lambda refs: {
                    a.reference: a for a in declaring.filter(reference__in=refs)
                },
            )
            written = declarations_record(year=year, rows=rows, recorded_by=request.user)
        except CSVRejected as rejected:
            raise _refused(rejected.errors) from None
        except DeclarationBatchError as refused:
            raise _refused(
                [
                    _("Row %(line)s: %(name)s: %(reasons)s")
                    % {
                        # Every row of the API carries figures: rows[i] is the request's row i.
                        "line": i + 1,
                        "name": rows[i].affiliate.name,
                        "reasons": " ".join(e.messages),
                    }
                    for i, e in refused.errors.items()
                ]
            ) from None
        return Response({"year": year, "written": written})


def _cells(row: dict[str, Any], year: int) -> list[str]:
    """A row of the API as the cells of the declarations CSV (DECLARATIONS_HEADER)."""
    total = row.get("total")
    cells = {
        "reference": row["reference"],
        "name": "",
        "year": str(year),
        "women": str(row["women"]),
        "men": str(row["men"]),
        "total": "" if total is None else str(total),
    }
    return [cells[column] for column in DECLARATIONS_HEADER]


def _refused(messages: list[str]) -> exceptions.ValidationError:
    detail = ngettext(
        "Nothing was saved: %(count)s row was refused.",
        "Nothing was saved: %(count)s rows were refused.",
        len(messages),
    ) % {"count": len(messages)}
    return exceptions.ValidationError({"non_field_errors": [detail], "rows": messages})


class Applications(TokenView):
    serializer_class = ApplicationSerializer
    pagination_class = Cursor

    @extend_schema(
        operation_id="applications_list",
        summary="Applications waiting for a decision",
        description="Applied and recommended organisations of your regions (staff: all), "
        "oldest step first, with the steps you may take on each.",
        responses={200: ApplicationSerializer(many=True), **problems(400, 401, 403, 404, 429)},
        tags=["coordinators"],
    )
    def get(self, request: Request) -> Response:
        if not is_reviewer(request.user):
            raise exceptions.PermissionDenied(_("Only coordinators and staff review applications."))
        self.cursor_ordering = ("status_changed_at", "pk")
        page = self.paginate_queryset(open_applications(request.user))
        steps = {
            pk: [t.action for t in transitions]
            for pk, transitions in available_transitions_each(request.user, page).items()
        }
        context = {**self.get_serializer_context(), "steps": steps}
        return self.get_paginated_response(
            ApplicationSerializer(page, many=True, context=context).data
        )


class Transition(TokenView):
    serializer_class = PrivateAffiliateSerializer

    @extend_schema(
        operation_id="records_transition",
        summary="Take a lifecycle step",
        description=(
            "recommend and region_reject (applied; a coordinator of the region or staff, with "
            "a comment); approve and reject (recommended), suspend (affiliated, with a "
            "reason), reinstate (suspended), withdraw (affiliated or suspended, with a "
            "reason and withdrawal_kind): staff. 409 when the status is no longer "
            "`expected_status`."
        ),
        parameters=[SLUG],
        request=TransitionSerializer,
        responses={
            200: PrivateAffiliateSerializer,
            **problems(400, 401, 403, 404, 409, 413, 429),
        },
        examples=[
            OpenApiExample(
                "Approve",
                value={"action": "approve", "expected_status": "recommended"},
                request_only=True,
            )
        ],
        tags=["coordinators"],
    )
    def post(self, request: Request, slug: str) -> Response:
        affiliate = affiliate_for(request.user, slug=slug)
        step = TransitionSerializer(data=request.data)
        step.is_valid(raise_exception=True)
        data = step.validated_data
        if not may_take(request.user, TRANSITIONS[data["action"]], affiliate):
            raise exceptions.PermissionDenied(
                _("Your role does not allow this step on this organisation.")
            )
        try:
            affiliate_transition(
                affiliate=affiliate,
                action=data["action"],
                actor=request.user,
                comment=data.get("comment", ""),
                comment_is_public=data.get("comment_is_public", False),
                withdrawal_kind=data.get("withdrawal_kind", ""),
                expected_status=data.get("expected_status"),
            )
        except AlreadyDecided as decided:
            raise Conflict(" ".join(decided.messages)) from None
        # Another TransitionRefused (a missing comment...) is a ValidationError: a 400.
        affiliate.refresh_from_db()
        return Response(self.get_serializer(affiliate).data)
