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
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

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
# when every stateless check of `schemathesis run --checks all` holds: no 5xx, documented status
# codes, content types, headers and bodies, invalid input refused, a missing required header
# refused, an undocumented method a 405 with a correct Allow header, no answer without auth.
# Left out: positive_data_acceptance (a schema cannot say that `plan: 150` must name an existing
# row, or that a name must be unique, so valid-looking references are rightly refused), and the
# stateful checks (use_after_free, ensure_resource_availability), which need a stateful run.

# The coverage phase (every boundary of every parameter) takes minutes over ~80 operations;
# the examples and fuzzing phases keep the run to about a second per operation.
# The served schema needs a login, and no user exists while tests are collected, so the same
# document is generated here (as /api/schema/ serves it) and the calls go to the real WSGI app.
schema = schemathesis.openapi.from_dict(
    json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True))),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}, "generation": {"mode": "all"}}),
)
schema.app = get_wsgi_application()
FUZZ_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
]


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
