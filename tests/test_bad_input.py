"""Bad input through every door (import, admin forms, API, URLs): a specific answer, and no change.

Each case names what it sends and the message it must get back; the fixture `world` snapshots
every domain table (row counts, key values, history rows) before the request and the test
asserts the snapshot is identical afterwards.
"""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from competition.models import Launch
from operators.models import Branch, Operator, Province, Source
from plans.importing import MAX_IMPORT_BYTES, tier_import
from plans.models import Perk, Plan, Tier
from tests.factories import AnalystFactory, BranchFactory, PlanFactory, SourceFactory, TierFactory

HEADER = "id,plan,operator_code,province_code,validity_days,price_cny,data_gb,data_unlimited,confidence,source"


@dataclass(frozen=True)
class Case:
    name: str
    door: str  # import | admin | api | url
    expect: str  # a fragment of the message the user must see
    payload: dict[str, Any] = field(default_factory=dict)
    status: int = 400


def imp(name: str, expect: str, *, row: str = "", content: bytes | None = None, filename: str = "tiers.csv") -> Case:
    """An import case: `row` is one CSV data line under HEADER with {plan}, {tier}, {source} filled in."""
    return Case(name, "import", expect, {"row": row, "content": content, "filename": filename})


def good_row(**values: str) -> str:
    row = {
        "id": "",
        "plan": "{plan}",
        "operator_code": "cmcc",
        "province_code": "11",
        "validity_days": "3",
        "price_cny": "20.00",
        "data_gb": "5",
        "data_unlimited": "false",
        "confidence": "confirmed",
        "source": "{source}",
    }
    row.update(values)
    return ",".join(row[name] for name in HEADER.split(","))


CASES: list[Case] = [
    # --- import: prices
    imp("import negative price", "line 2, price_cny: The price cannot be negative.", row=good_row(price_cny="-5")),
    imp("import chinese price", "line 2, price_cny: “八十五” is not a number", row=good_row(price_cny="八十五")),
    imp("import price with unit", "price_cny: “85元” is not a number", row=good_row(price_cny="85元")),
    imp("import exponent price", "price_cny: “1e5” is not a number", row=good_row(price_cny="1e5")),
    imp("import NaN price", "price_cny: “NaN” is not a number", row=good_row(price_cny="NaN")),
    imp("import empty price", "line 2, price_cny: A value is required.", row=good_row(price_cny="")),
    imp("import sub-cent price", "no more than 2 decimal places", row=good_row(price_cny="85.123")),
    imp("import absurd price", "no more than 10 digits in total", row=good_row(price_cny="123456789012")),
    imp(
        "import sql price",
        "“0; DROP TABLE plans_tier;--” is not a number",
        row=good_row(price_cny="0; DROP TABLE plans_tier;--"),
    ),
    # --- import: validity and allowances
    imp(
        "import zero validity",
        "line 2, validity_days: Validity must be at least 1 day.",
        row=good_row(validity_days="0"),
    ),
    imp(
        "import negative validity", "validity_days: Validity must be at least 1 day.", row=good_row(validity_days="-7")
    ),
    imp(
        "import absurd validity",
        "validity_days: Validity cannot exceed 731 days (two years).",
        row=good_row(validity_days="100000"),
    ),
    imp("import fractional validity", "validity_days: “7.5” is not a whole number.", row=good_row(validity_days="7.5")),
    imp("import negative data", "data_gb: Data must be greater than 0 GB", row=good_row(data_gb="-1")),
    imp("import unlimited with volume", "data_gb: Unlimited data has no volume", row=good_row(data_unlimited="true")),
    imp(
        "import bad boolean", "data_unlimited: “perhaps” is not true or false.", row=good_row(data_unlimited="perhaps")
    ),
    imp("import bad confidence", "confidence: Value 'maybe' is not a valid choice.", row=good_row(confidence="maybe")),
    # --- import: unknown codes and ids
    imp("import unknown operator", "operator_code: Unknown operator code “xyz”", row=good_row(operator_code="xyz")),
    imp("import unknown province", "province_code: Unknown province code “99”", row=good_row(province_code="99")),
    imp(
        "import wrong operator for plan",
        "Plan {plan} belongs to operator cmcc, not cucc.",
        row=good_row(operator_code="cucc"),
    ),
    imp("import unknown plan", "line 2, plan: No plan has id 999999.", row=good_row(plan="999999")),
    imp("import unknown tier id", "id: No tier has id 999999", row=good_row(id="999999")),
    imp("import unknown source", "source: No source has id 999999.", row=good_row(source="999999")),
    imp("import sql id", "id: “1 OR 1=1” is not a tier id", row=good_row(id="1 OR 1=1")),
    imp(
        "import script plan name",
        "No plan named “<script>alert(1)</script>”",
        content=("plan_name,branch_name,validity_days,price_cny\n<script>alert(1)</script>,北京移动,7,85\n").encode(),
    ),
    # --- import: duplicates and whole-file problems
    imp("import duplicate rows", "line 3, validity_days: Duplicates line 2", row=good_row() + "\n" + good_row()),
    imp(
        "import duplicate ids",
        "line 3, id: Duplicates line 2",
        row=good_row(id="{tier}", validity_days="7") + "\n" + good_row(id="{tier}", validity_days="7"),
    ),
    imp(
        "import gbk file",
        "It looks like GBK/GB18030",
        content=(HEADER + "\n,{plan},cmcc,11,3,八十五,5,false,confirmed,{source}\n").encode("gbk"),
    ),
    imp("import latin-1 file", "The file is not UTF-8", content=b"plan,validity_days,price_cny\n1,7,\xff\xfe\n"),
    imp("import oversized file", "the import accepts at most 5242880 bytes", content=b"a" * (MAX_IMPORT_BYTES + 1)),
    imp("import empty file", "The file is empty.", content=b""),
    imp("import header only, wrong columns", "Missing column(s): price_cny", content=b"plan,validity_days,prce_cny\n"),
    imp("import too many values", "Line 2 has 11 values but the header has 10 columns", row=good_row() + ",extra"),
    imp("import unterminated quote", "Line 2 is not valid CSV", row=good_row(price_cny='"20.00')),
    imp("import binary file", "contains a NUL byte", content=b"plan,validity_days\n\x00\x01\x02"),
    imp(
        "import old excel",
        "Old Excel .xls files are not supported",
        content=b"\xd0\xcf\x11\xe0" + b"\x00" * 64,
        filename="t.xls",
    ),
    imp("import fake xlsx", "not a valid XLSX workbook", content=b"PK\x03\x04 not really a zip", filename="t.xlsx"),
    imp("import json file", "File type “.json” is not supported", content=b'{"plan": 1}', filename="t.json"),
    imp(
        "import duplicate header",
        "The header names a column twice: price_cny",
        content=b"plan,validity_days,price_cny,price_cny\n",
    ),
    # --- admin add forms
    Case(
        "admin negative price",
        "admin",
        "The price cannot be negative.",
        {"model": "plans/tier", "price_cny": "-1"},
        200,
    ),
    Case("admin text price", "admin", "Enter a number.", {"model": "plans/tier", "price_cny": "abc"}, 200),
    Case(
        "admin zero validity",
        "admin",
        "Validity must be at least 1 day.",
        {"model": "plans/tier", "validity_days": "0"},
        200,
    ),
    Case(
        "admin duplicate current tier",
        "admin",
        "This period overlaps another tier of this plan with the same validity",
        {"model": "plans/tier", "validity_days": "7"},
        200,
    ),
    Case("admin unknown plan", "admin", "Select a valid choice.", {"model": "plans/tier", "plan": "999999"}, 200),
    Case("admin sql in data", "admin", "Enter a number.", {"model": "plans/tier", "data_gb": "1' OR '1'='1"}, 200),
    Case(
        "admin unlimited with volume",
        "admin",
        "Unlimited data has no volume",
        {"model": "plans/tier", "data_unlimited": "on"},
        200,
    ),
    Case(
        "admin end before start",
        "admin",
        "The end date must be after the start date.",
        {"model": "plans/tier", "effective_from": "2025-06-01", "effective_to": "2025-05-01"},
        200,
    ),
    Case(
        "admin bad operator code",
        "admin",
        "Enter a valid “slug”",
        {"model": "operators/operator", "code": "cm cc"},
        200,
    ),
    Case(
        "admin bad province code",
        "admin",
        "Use the two-digit GB/T 2260 code, e.g. 11 for Beijing.",
        {"model": "operators/province", "code": "AB"},
        200,
    ),
    Case(
        "admin javascript url",
        "admin",
        "Enter a valid URL.",
        {"model": "operators/source", "url": "javascript:alert(1)"},
        200,
    ),
    Case("admin duplicate plan name", "admin", "already exists", {"model": "plans/plan", "name_zh": "灵动卡"}, 200),
    # --- API writes and filters
    Case(
        "api negative price",
        "api",
        "price_cny: The price cannot be negative.",
        {"method": "post", "path": "/api/v1/tiers/", "price_cny": "-1"},
    ),
    Case(
        "api text price",
        "api",
        "A valid number is required.",
        {"method": "post", "path": "/api/v1/tiers/", "price_cny": "abc"},
    ),
    Case(
        "api absurd validity",
        "api",
        "validity_days: Validity cannot exceed 731 days (two years).",
        {"method": "post", "path": "/api/v1/tiers/", "validity_days": 100000},
    ),
    Case(
        "api zero validity",
        "api",
        "validity_days: Validity must be at least 1 day.",
        {"method": "post", "path": "/api/v1/tiers/", "validity_days": 0},
    ),
    Case(
        "api unknown plan",
        "api",
        'plan: Invalid pk \\"999999\\" - object does not exist.',
        {"method": "post", "path": "/api/v1/tiers/", "plan": 999999},
        404,
    ),
    Case(
        "api duplicate current tier",
        "api",
        "This period overlaps another tier of this plan with the same validity",
        {"method": "post", "path": "/api/v1/tiers/", "validity_days": 7},
    ),
    Case(
        "api malformed json",
        "api",
        "JSON parse error",
        {"method": "post", "path": "/api/v1/tiers/", "raw": b"{price_cny: 1"},
    ),
    Case(
        "api patch negative price",
        "api",
        "The price cannot be negative.",
        {"method": "patch", "path": "/api/v1/tiers/{tier}/", "price_cny": "-5"},
    ),
    # --- URLs and query strings
    Case(
        "url unknown operator filter",
        "url",
        "operator: No operator with code xyz.",
        {"path": "/api/v1/tiers/?operator=xyz"},
        404,
    ),
    Case("url sql in filter", "url", "price_min: Enter a number.", {"path": "/api/v1/tiers/?price_min=' OR 1=1 --"}),
    Case(
        "url text validity filter",
        "url",
        "validity_days: Enter a whole number.",
        {"path": "/api/v1/tiers/?validity_days=abc"},
    ),
    Case(
        "url unknown bucket",
        "url",
        "bucket: Unknown bucket '100'; use one of 1-7, 8-14, 15-29, 30+.",
        {"path": "/api/v1/benchmarks/per-gb/?bucket=100"},
    ),
    Case("url unknown tier", "url", "No Tier matches the given query.", {"path": "/api/v1/tiers/999999/"}, 404),
    Case("url non-numeric tier", "url", "No API endpoint at /api/v1/tiers/abc/.", {"path": "/api/v1/tiers/abc/"}, 404),
    Case("url unknown plan page", "url", "Not Found", {"path": "/compare/plans/999999/"}, 404),
    Case("url bad audit date", "url", "since/until take YYYY-MM-DD", {"path": "/admin/audit.csv?since=2025-13-01"}),
]


@pytest.fixture
def world(db):
    """北京移动 (cmcc, 11) with a plan and a current 7-day tier; an analyst logged in everywhere."""
    operator = Operator.objects.create(code="cmcc", name_zh="中国移动", name_en="China Mobile", short_name_zh="移动")
    province = Province.objects.create(code="11", name_zh="北京", name_en="Beijing", region=Province.Region.EAST)
    Operator.objects.create(code="cucc", name_zh="中国联通", name_en="China Unicom", short_name_zh="联通")
    branch = BranchFactory(operator=operator, province=province, name_zh="北京移动", name_en="China Mobile Beijing")
    source = SourceFactory()
    plan = PlanFactory(branch=branch, name_zh="灵动卡", source=source)
    tier = TierFactory(plan=plan, validity_days=7, price_cny=Decimal("85.00"), data_gb=Decimal("30"))
    analyst = AnalystFactory(username="lin")
    return {"plan": plan, "tier": tier, "source": source, "branch": branch, "analyst": analyst}


def snapshot() -> dict[str, Any]:
    models = (Operator, Province, Branch, Source, Plan, Tier, Perk, Launch)
    return {
        "counts": {model.__name__: model.objects.count() for model in models},
        "history": {model.__name__: model.history.count() for model in models},
        "tiers": list(Tier.objects.order_by("pk").values_list("pk", "validity_days", "price_cny", "data_gb", "notes")),
        "plans": list(Plan.objects.order_by("pk").values_list("pk", "name_zh", "name_en")),
    }


def fill(text: str, world: dict[str, Any]) -> str:
    return text.format(plan=world["plan"].pk, tier=world["tier"].pk, source=world["source"].pk)


def hidden_inputs(page: str) -> dict[str, str]:
    """The add form's hidden fields (inline management forms), so only our field is wrong."""
    found: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and kind and kind.group(1) == "hidden" and name.group(1) != "csrfmiddlewaretoken":
            found[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for key in [key for key in found if key.endswith("-TOTAL_FORMS")]:
        found[key] = "0"  # no blank inline rows: they would fail on their own required fields
    return found


def valid_admin_data(model: str, world: dict[str, Any]) -> dict[str, str]:
    plan, source = world["plan"], world["source"]
    return {
        "plans/tier": {
            "plan": str(plan.pk),
            "validity_days": "3",
            "price_cny": "20.00",
            "data_gb": "5",
            "confidence": "confirmed",
            "source": str(source.pk),
        },
        "plans/plan": {
            "branch": str(world["branch"].pk),
            "name_zh": "新套餐",
            "segment": "inbound_short_term",
            "source": str(source.pk),
            "validity_options_days": "[]",
        },
        "operators/operator": {"code": "ctcc", "name_zh": "中国电信", "name_en": "China Telecom", "kind": "mno"},
        "operators/province": {"code": "31", "name_zh": "上海", "name_en": "Shanghai", "region": "east"},
        "operators/source": {"publication": "通信竞争", "title": "新文章", "issue": "VOL. 72"},
    }[model]


def answer(case: Case, world: dict[str, Any]) -> tuple[int, str]:
    if case.door == "import":
        content = case.payload["content"]
        if content is None:
            content = f"{HEADER}\n{fill(case.payload['row'], world)}\n".encode()
        elif b"{plan}" in content:
            content = fill(content.decode("gbk"), world).encode("gbk")
        result = tier_import(content=content, filename=case.payload["filename"], actor=world["analyst"])
        assert not result.committed
        return (400 if result.errors else 200), "\n".join(str(error) for error in result.errors)
    if case.door == "admin":
        client = Client()
        client.force_login(world["analyst"])
        url = f"/admin/{case.payload['model']}/add/"
        data = {**hidden_inputs(client.get(url).content.decode()), **valid_admin_data(case.payload["model"], world)}
        data.update({key: value for key, value in case.payload.items() if key != "model"})
        response = client.post(url, data)
        return response.status_code, html.unescape(response.content.decode())
    if case.door == "api":
        client = APIClient()
        client.force_authenticate(world["analyst"])
        path = fill(case.payload["path"], world)
        body = {"plan": world["plan"].pk, "validity_days": 3, "price_cny": "20.00", "source": world["source"].pk}
        body.update({k: v for k, v in case.payload.items() if k not in {"method", "path", "raw"}})
        if "raw" in case.payload:
            response = client.generic("POST", path, case.payload["raw"], content_type="application/json")
        else:
            # A change names the version it is based on, so only the bad field is at fault.
            response = getattr(client, case.payload["method"])(path, body, format="json", HTTP_IF_MATCH='"1"')
        return response.status_code, response.content.decode()
    client = Client()
    client.force_login(world["analyst"])
    response = client.get(case.payload["path"])
    return response.status_code, response.content.decode(errors="replace")


def test_the_table_covers_every_door_with_at_least_forty_cases():
    doors = {case.door for case in CASES}
    assert doors == {"import", "admin", "api", "url"}
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_gets_a_specific_answer_and_changes_nothing(case: Case, world):
    before = snapshot()

    status, text = answer(case, world)

    assert status == case.status, text[:500]
    assert fill(case.expect, world) in text, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', text) or text[:2000]
    assert snapshot() == before


def test_script_in_a_name_is_stored_as_typed_and_rendered_escaped(world):
    script = "<script>alert('x')</script>"
    client = Client()
    client.force_login(world["analyst"])
    data = {
        **hidden_inputs(client.get("/admin/plans/plan/add/").content.decode()),
        **valid_admin_data("plans/plan", world),
    }
    data["name_zh"] = script

    response = client.post("/admin/plans/plan/add/", data)

    assert response.status_code == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())
    plan = Plan.objects.get(name_zh=script)
    for url in ("/admin/plans/plan/", f"/admin/plans/plan/{plan.pk}/change/", f"/compare/plans/{plan.pk}/"):
        page = client.get(url).content.decode()
        assert script not in page, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page, url
    api = APIClient()
    api.force_authenticate(world["analyst"])
    assert json.loads(api.get(f"/api/v1/plans/{plan.pk}/").content)["name_zh"] == script


def test_sql_looking_search_finds_nothing_and_breaks_nothing(world):
    client = Client()
    client.force_login(world["analyst"])
    before = snapshot()

    response = client.get("/admin/plans/tier/", {"q": "'; DROP TABLE plans_tier; --"})

    assert response.status_code == 200
    assert "0 results" in response.content.decode()
    assert snapshot() == before
    assert Tier.objects.filter(pk=world["tier"].pk).exists()


def test_an_import_with_one_bad_row_among_good_ones_leaves_no_row_behind(world):
    before = snapshot()
    rows = [good_row(validity_days=str(days)) for days in (1, 2, 3)] + [good_row(validity_days="5", price_cny="-1")]
    content = io.StringIO()
    content.write(HEADER + "\n" + "\n".join(fill(row, world) for row in rows) + "\n")

    result = tier_import(content=content.getvalue().encode(), filename="mixed.csv", actor=world["analyst"])

    assert [str(error) for error in result.errors] == ["line 5, price_cny: The price cannot be negative."]
    assert result.counts["new"] == 3
    assert snapshot() == before
