"""Reference data over the API: operators, provinces, branches and sources from the seed."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from rest_framework.test import APIClient

from operators.models import Operator
from tests.factories import BranchFactory, OperatorFactory, ProvinceFactory, SourceFactory


def results(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_it_lists_and_filters_the_seeds_reference_data(seed, viewer_client: APIClient):
    operators = results(viewer_client.get("/api/v1/operators/"))
    provinces = results(viewer_client.get("/api/v1/provinces/", {"page_size": 100}))
    east = results(viewer_client.get("/api/v1/provinces/", {"region": "east", "q": "上海"}))
    unicom = results(viewer_client.get("/api/v1/branches/", {"operator": "cucc"}))
    shanghai = results(viewer_client.get("/api/v1/branches/", {"province": "31"}))
    shenzhen = results(viewer_client.get("/api/v1/branches/", {"q": "Shenzhen"}))
    table_1 = results(viewer_client.get("/api/v1/sources/", {"q": "免签政策红利下"}))

    assert [o["code"] for o in operators] == ["cbn", "cmcc", "ctcc", "cucc"]
    assert len(provinces) == 31
    assert [(p["code"], p["name_zh"], p["region"]) for p in east] == [("31", "上海", "east")]
    assert [b["name_zh"] for b in unicom] == ["北京联通", "浙江联通", "深圳联通"]
    assert [b["name_zh"] for b in shanghai] == ["上海移动", "上海电信"]
    assert [(b["operator"], b["province"], b["city_zh"]) for b in shenzhen] == [("cucc", "44", "深圳")]
    assert {s["author"] for s in table_1} == {"钟翠霞"}  # the article and the sections of its text
    assert any("«免签政策红利下，运营商该如何把握机遇？»" in s["citation"] for s in table_1)


def test_it_finds_an_operator_by_code_or_by_id(seed, viewer_client: APIClient):
    cmcc = Operator.objects.get(code="cmcc")

    by_code = viewer_client.get("/api/v1/operators/cmcc/")
    by_id = viewer_client.get(f"/api/v1/operators/{cmcc.pk}/")
    unknown = viewer_client.get("/api/v1/operators/nope/")

    assert by_code.json() == by_id.json()
    assert by_code.json()["name_zh"] == "中国移动"
    assert unknown.status_code == 404
    assert unknown.json()["errors"] == [{"field": None, "message": "Not found.", "code": "not_found"}]


def test_it_finds_a_province_by_its_gb_t_2260_code(seed, viewer_client: APIClient):
    response = viewer_client.get("/api/v1/provinces/44/")

    assert response.json()["name_zh"] == "广东"
    assert viewer_client.get("/api/v1/provinces/99/").status_code == 404


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/branches/?operator=x;z", "operator"),
        ("/api/v1/branches/?province=%00", "province"),
        ("/api/v1/provinces/?region=south", "region"),
        ("/api/v1/operators/?kind=reseller", "kind"),
        ("/api/v1/sources/?published_from=yesterday", "published_from"),
        ("/api/v1/branches/?ordering=name", "ordering"),
    ],
)
def test_it_refuses_unknown_filter_values(db, viewer_client: APIClient, url: str, field: str):
    response = viewer_client.get(url)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/api/v1/branches/?operator=xyz", "operator", "No operator with code xyz."),
        ("/api/v1/branches/?province=99", "province", "No province with code 99."),
    ],
)
def test_it_answers_a_well_formed_code_of_no_row_with_404_naming_it(db, viewer_client, url, field, message):
    response = viewer_client.get(url)

    assert response.status_code == 404
    assert response.json()["errors"] == [{"field": field, "message": message, "code": "does_not_exist"}]


def test_it_creates_a_branch_from_operator_and_province_codes(analyst_client: APIClient, db):
    OperatorFactory(code="cucc", name_zh="中国联通")
    ProvinceFactory(code="44", name_zh="广东")

    response = analyst_client.post(
        "/api/v1/branches/",
        {"operator": "cucc", "province": "44", "city_zh": "广州", "name_zh": "广州联通", "name_en": "Unicom Guangzhou"},
        format="json",
    )

    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("operator", "operator_name_zh", "province", "province_name_zh")} == {
        "operator": "cucc",
        "operator_name_zh": "中国联通",
        "province": "44",
        "province_name_zh": "广东",
    }


def test_it_refuses_a_branch_of_an_unknown_operator_naming_the_field(analyst_client: APIClient, db):
    ProvinceFactory(code="44")

    response = analyst_client.post(
        "/api/v1/branches/", {"operator": "xyz", "province": "44", "name_zh": "某公司", "name_en": "X"}, format="json"
    )

    assert response.status_code == 404
    assert response.json()["errors"] == [
        {"field": "operator", "message": "Object with code=xyz does not exist.", "code": "does_not_exist"}
    ]


def test_it_refuses_a_second_branch_for_the_same_place(analyst_client: APIClient, db):
    branch = BranchFactory(city_zh="")
    payload = {"operator": branch.operator.code, "province": branch.province.code, "name_zh": "另一个", "name_en": "Y"}

    response = analyst_client.post("/api/v1/branches/", payload, format="json")

    assert response.status_code == 409
    assert "already exists" in response.json()["detail"]


def test_it_refuses_a_province_code_that_is_not_two_digits(analyst_client: APIClient, db):
    response = analyst_client.post(
        "/api/v1/provinces/", {"code": "7", "name_zh": "某省", "name_en": "X", "region": "east"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "code"


def test_it_answers_409_when_deleting_an_operator_that_still_has_branches(analyst_client: APIClient, db):
    branch = BranchFactory()

    response = analyst_client.delete(f"/api/v1/operators/{branch.operator.code}/")

    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "protected"
    assert "branches" in response.json()["detail"]
    assert Operator.objects.filter(pk=branch.operator_id).exists()


def test_it_answers_unknown_api_paths_with_the_json_404(viewer_client: APIClient, db):
    response = viewer_client.get("/api/v1/tarifs/")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "No API endpoint at /api/v1/tarifs/.",
        "errors": [{"field": None, "message": "No API endpoint at /api/v1/tarifs/.", "code": "not_found"}],
    }


def test_it_links_a_sources_evidence_to_the_private_download_view(viewer_client: APIClient, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    source = SourceFactory()
    source.evidence.save("table-1.pdf", ContentFile(b"%PDF-1.4 table 1"), save=True)
    bare = SourceFactory()

    rows = {row["id"]: row for row in viewer_client.get("/api/v1/sources/").json()["results"]}

    assert rows[source.pk]["evidence_url"] == f"http://testserver/admin/evidence/{source.pk}/"
    assert rows[bare.pk]["evidence_url"] is None
