"""The OpenAPI schema, the offline docs, and a schemathesis run over every operation."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig

from tests.factories import (
    AnalystFactory,
    BranchFactory,
    KeyFigureFactory,
    LaunchFactory,
    OperatorFactory,
    PartnerFactory,
    PerkFactory,
    PlanFactory,
    ProvinceFactory,
    StrategyMilestoneFactory,
    TierFactory,
)

RESOURCES = [
    "operators",
    "provinces",
    "branches",
    "sources",
    "perks",
    "plans",
    "tiers",
    "partners",
    "launches",
    "strategies",
]


def test_it_generates_the_schema_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    # --fail-on-warn turns any generator warning (unresolvable field, enum clash …) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    for resource in RESOURCES:
        assert f"/api/v1/{resource}/" in schema["paths"]
        list_operation = schema["paths"][f"/api/v1/{resource}/"]["get"]
        assert list_operation["operationId"] == f"{resource}_list"
        assert {"200", "400", "401", "403"} <= set(list_operation["responses"])


def test_it_serves_the_schema_with_described_tier_fields(client, viewer):
    client.force_login(viewer)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    tier = schema["components"]["schemas"]["TierOutput"]["properties"]
    for name, field in tier.items():
        assert field.get("description"), f"TierOutput.{name} has no description"
    assert schema["components"]["schemas"]["ValidityBucketEnum"]["enum"] == ["1-7", "8-14", "15-29", "30+"]
    assert schema["components"]["schemas"]["ConfidenceEnum"]["enum"] == ["confirmed", "inferred"]


def test_it_documents_examples_for_listing_and_creating_tiers(client, viewer):
    client.force_login(viewer)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    tiers = schema["paths"]["/api/v1/tiers/"]
    list_examples = tiers["get"]["responses"]["200"]["content"]["application/json"]["examples"]
    row = next(iter(list_examples.values()))["value"]["results"][0]
    assert row["price_per_gb_cny"] == "3.33"
    create_examples = tiers["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert next(iter(create_examples.values()))["value"]["validity_days"] == 7


def test_it_documents_the_error_body_on_every_operation(client, viewer):
    client.force_login(viewer)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            error = operation["responses"]["400"]["content"]["application/json"]["schema"]
            assert error == {"$ref": "#/components/schemas/Error"}, f"{method} {path}"


def test_it_serves_the_docs_with_local_assets_only(client, viewer):
    client.force_login(viewer)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    # No asset from another host: every src/href is a path on this site (a CSRF token may spell "cdn").
    assert re.findall(r'(?:src|href)="((?:https?:)?//[^"]*)"', html) == []
    assert "https://" not in html


# --------------------------------------------------------------------------- schemathesis
#
# Every operation of the schema, called through the real WSGI app as an analyst (token auth),
# with data generated from the schema, valid and invalid (generation mode "all"). The run passes
# when every check of `schemathesis run --checks all` holds (all registered checks; the two
# stateful ones, use_after_free and ensure_resource_availability, need a stateful run and pass
# here vacuously): no 5xx, documented status codes, content types, headers and bodies, invalid
# input refused, valid input accepted, a missing required header refused, an undocumented method
# a 405 with a correct Allow header, no answer without auth.
#
# Valid input is "accepted" when it answers one of schemathesis' default statuses for the check
# (2xx, 3xx, 401, 403, 404, 409, 429, 5xx: the outcomes that depend on the data, not on the
# request's form: a named row that does not exist is a 404, a taken value a 409, see
# core.api.errors) plus the two other outcomes that depend on the data: 412 (the If-Match
# version is not the row's current one) and 428 (a write to a versioned row naming no version;
# the schema cannot say "If-Match or a body `version`"). Nothing else: a 400 to a request the
# schema allows fails the run.
#
# The coverage phase (every boundary of every parameter) takes minutes over ~80 operations;
# the examples and fuzzing phases keep the run to well under a second per operation.
# The served schema needs a login, and no user exists while tests are collected, so the same
# document is generated here (as /api/schema/ serves it) and the calls go to the real WSGI app.
# `make test` runs it on PostgreSQL (with the suite) and again on SQLite (see the Makefile).
POSITIVE_DATA_ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "428", "429", "5xx"]
schema = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))),
    config=SchemathesisConfig.from_dict(
        {
            "phases": {"coverage": {"enabled": False}},
            "generation": {"mode": "all"},
            "checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_DATA_ACCEPTED}},
        }
    ),
)
schema.app = get_wsgi_application()
load_all_checks()
FUZZ_CHECKS = CHECKS.get_all()  # = --checks all


@pytest.fixture
def keep_test_connection() -> Any:
    """Stop the WSGI handler from closing the test's database connection after each request.

    Django's own test client does the same: the connection holds the test's open transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_token(db, keep_test_connection) -> str:
    """An analyst's token and a few rows of everything, so lists and details have content."""
    tier = TierFactory(
        plan=PlanFactory(
            branch=BranchFactory(operator=OperatorFactory(code="cmcc"), province=ProvinceFactory(code="31"))
        ),
        validity_days=7,
        price_cny=Decimal("90.00"),
        data_gb=Decimal("30"),
        effective_from=datetime.date(2025, 5, 1),
    )
    tier.plan.perks.add(PerkFactory())
    TierFactory(plan=tier.plan, validity_days=15, data_gb=None, price_cny=Decimal("125.00"))
    launch = LaunchFactory(operator=tier.plan.branch.operator, branch=tier.plan.branch)
    launch.partners.add(PartnerFactory())
    launch.plans.add(tier.plan)
    StrategyMilestoneFactory(strategy=KeyFigureFactory().strategy)
    analyst = AnalystFactory(username="fuzzer")
    return Token.objects.create(user=analyst).key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=10,  # per operation and generation mode: bounded, so the run takes minutes, not hours
    deadline=None,
    derandomize=True,  # a fixed seed: the same cases on every run, so CI cannot flake on a lucky draw
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_it_answers_every_operation_within_its_schema(case: Any, fuzz_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_token}"}, checks=FUZZ_CHECKS)


def test_it_refuses_the_schema_to_an_anonymous_client(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 401


def test_it_sends_an_anonymous_reader_of_the_docs_to_the_login_page(client):
    response = client.get("/api/docs/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/api/docs/"
