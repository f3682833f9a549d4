"""Schemathesis against the OpenAPI description: every operation, valid and invalid inputs,
anonymously and with a coordinator's token; no 5xx and every answer as described.

The app is called in-process (WSGI) on the test database; what the cases write (edits,
declarations, steps) is rolled back with the module's transaction. The number of examples per
operation is kept small so the run stays around a minute (SCHEMATHESIS_MAX_EXAMPLES).
"""

import json
import os

import pytest
import schemathesis
import time_machine
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection

from affiliates.choices import Status
from homenet.wsgi import application
from tests.api.conftest import token_for
from tests.clock import NOW, YEAR
from tests.factories import (
    AffiliateFactory,
    DeclarationFactory,
    RegionFactory,
    SectorFactory,
    UserFactory,
)

# The test database is made for marked tests; each case's writes stay in the module's transaction.
pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "25"))


def _description() -> dict:
    """The description /api/v1/schema/ serves, made without a request (no database at import)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


schema = schemathesis.openapi.from_dict(_description())
schema.app = application
# Valid input by the description may still be refused (400) by a rule it cannot express: a
# reference or region slug the token's owner does not have, a name taken in that country.
schema.config.checks.positive_data_acceptance.expected_statuses = [
    "2xx",
    "400",
    "401",
    "403",
    "404",
    "409",
]
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES
)

# How many cases ran, by persona (printed at the end of the module: the figures of the run).
CASES = {"anonymous": 0, "coordinator": 0}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """A registry of two regions, and a coordinator's token; rolled back after the module."""
    # The WSGI handler would close the test's connection after each request (Django's test
    # client does the same as this while it calls the app).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        time_machine.travel(NOW, tick=True),
        override_settings(API_THROTTLE_RATES={"anon": "100000/minute", "token": "100000/minute"}),
    ):
        cache.clear()
        south_asia = RegionFactory(slug="south-asia", countries=["IN", "NP"])
        africa = RegionFactory(slug="africa", countries=["KE"])
        sector = SectorFactory(slug="embroidery", name="Embroidery")
        coordinator = UserFactory(username="asha", coordinates=[south_asia])
        for n, region in enumerate([south_asia, south_asia, africa]):
            affiliate = AffiliateFactory(
                region=region, name=f"Embroidery Union {n}", sectors=[sector]
            )
            DeclarationFactory(affiliate=affiliate, year=YEAR - 1)
        AffiliateFactory(region=south_asia, name="Applicants", status=Status.APPLIED)
        yield {"token": token_for(coordinator)}
        transaction.set_rollback(True)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    print(f"\nSchemathesis cases: {CASES}")


HYPOTHESIS = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)


@schema.parametrize()
@HYPOTHESIS
def test_the_api_as_described_anonymously(case, world):
    CASES["anonymous"] += 1
    case.call_and_validate()


@schema.parametrize()
@HYPOTHESIS
def test_the_api_as_described_with_a_coordinators_token(case, world):
    CASES["coordinator"] += 1
    # The token replaces what a negative case made of the headers (Authorization left out):
    # the request is then valid, and its being accepted no failure. The anonymous run keeps
    # that check for those cases; every other check runs here too.
    headers = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
    excluded = [negative_data_rejection] if headers and headers.mode.is_negative else []
    case.call_and_validate(
        headers={"Authorization": f"Token {world['token']}"}, excluded_checks=excluded
    )
