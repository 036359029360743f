"""Admin pages for operators, provinces, sources and branches: roles, saving, audit, query counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from operators.models import Branch, Operator, Province, Source
from tests.admin_contract import AdminContract, admin_url
from tests.factories import BranchFactory, OperatorFactory, ProvinceFactory, SourceFactory


def operator_payload() -> dict[str, Any]:
    return {"code": "cbn", "name_zh": "中国广电", "name_en": "China Broadnet", "short_name_zh": "广电", "kind": "mno"}


def province_payload() -> dict[str, Any]:
    return {"code": "36", "name_zh": "江西", "name_en": "Jiangxi", "region": "central"}


def source_payload() -> dict[str, Any]:
    return {
        "publication": "通信竞争 Communications Competition",
        "publisher": "赛立信",
        "issue": "2025年5月 VOL. 71",
        "title": "免签政策红利下，运营商该如何把握机遇？",
        "author": "",
        "locator": "表1",
        "published_on": "2025-05-01",
        "url": "",
        "captured_on": "",
        "notes": "",
    }


def branch_payload() -> dict[str, Any]:
    return {
        "operator": OperatorFactory(code="cmcc").pk,
        "province": ProvinceFactory(code="11").pk,
        "city_zh": "",
        "city_en": "",
        "name_zh": "北京移动",
        "name_en": "China Mobile Beijing",
    }


# model, factory for an existing row, add-form payload, lookup of the row the payload adds
CASES: list[tuple[type[models.Model], Callable[[], models.Model], Callable[[], dict[str, Any]], dict[str, str]]] = [
    (Operator, OperatorFactory, operator_payload, {"code": "cbn"}),
    (Province, ProvinceFactory, province_payload, {"code": "36"}),
    (Source, SourceFactory, source_payload, {"locator": "表1"}),
    (Branch, BranchFactory, branch_payload, {"name_zh": "北京移动"}),
]
IDS = [case[0].__name__ for case in CASES]


class TestReferenceDataAdminContract(AdminContract):
    cases = CASES


@pytest.mark.django_db
def test_it_refuses_a_logged_in_user_without_a_role(client, outsider):
    client.force_login(outsider)

    response = client.get(admin_url(Operator, "changelist"))

    # Not staff: the admin sends them to its login page rather than showing anything.
    assert response.status_code == 302


@pytest.mark.django_db
def test_an_admin_edit_leaves_a_history_record_naming_its_author(client, analyst):
    operator = OperatorFactory(code="cucc", name_zh="中国联通", name_en="China Unicom")
    client.force_login(analyst)

    response = client.post(
        admin_url(Operator, "change", operator.pk),
        {
            "code": "cucc",
            "name_zh": "中国联通",
            "name_en": "China Unicom Group",
            "short_name_zh": "联通",
            "kind": "mno",
        },
    )

    assert response.status_code == 302
    latest = operator.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == analyst
    assert latest.name_en == "China Unicom Group"
    changes = {change.field: (change.old, change.new) for change in latest.diff_against(latest.prev_record).changes}
    assert changes["name_en"] == ("China Unicom", "China Unicom Group")
    history_page = client.get(admin_url(Operator, "history", operator.pk))
    assert history_page.status_code == 200
    assert analyst.username in history_page.content.decode()


@pytest.mark.django_db
def test_a_delete_goes_through_the_service_and_is_audited(client, analyst):
    province = ProvinceFactory(code="65", name_zh="新疆", name_en="Xinjiang")
    client.force_login(analyst)

    response = client.post(admin_url(Province, "delete", province.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Province.objects.filter(code="65").exists()
    deletion = Province.history.filter(code="65").latest()
    assert deletion.history_type == "-"
    assert deletion.history_user == analyst


@pytest.mark.django_db
def test_it_shows_a_model_validation_error_on_its_field(client, analyst):
    client.force_login(analyst)

    response = client.post(admin_url(Province, "add"), {**province_payload(), "code": "3"})

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"code": ["Use the two-digit GB/T 2260 code, e.g. 11 for Beijing."]}
    assert not Province.objects.exists()


@pytest.mark.django_db
def test_it_filters_branches_by_operator_and_province_code(client, analyst):
    beijing_mobile = BranchFactory(operator=OperatorFactory(code="cmcc"), province=ProvinceFactory(code="11"))
    BranchFactory(operator=OperatorFactory(code="cucc"), province=ProvinceFactory(code="11"))
    BranchFactory(operator=OperatorFactory(code="cmcc"), province=ProvinceFactory(code="31"))
    client.force_login(analyst)

    response = client.get(admin_url(Branch, "changelist"), {"operator": "cmcc", "province": "11"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [beijing_mobile]


@pytest.mark.django_db
def test_it_searches_branches_by_chinese_and_english_name(client, analyst):
    shenzhen = BranchFactory(name_zh="深圳联通", name_en="China Unicom Shenzhen", city_zh="深圳", city_en="Shenzhen")
    BranchFactory(name_zh="北京移动", name_en="China Mobile Beijing")
    client.force_login(analyst)

    by_chinese = client.get(admin_url(Branch, "changelist"), {"q": "深圳"})
    by_english = client.get(admin_url(Branch, "changelist"), {"q": "shenzhen"})

    assert list(by_chinese.context["cl"].result_list) == [shenzhen]
    assert list(by_english.context["cl"].result_list) == [shenzhen]


@pytest.mark.django_db
def test_the_source_changelist_and_page_show_its_citation(client, analyst):
    source = SourceFactory(author="张三", title="入境短期通信套餐", issue="VOL. 71", locator="表1")
    client.force_login(analyst)

    changelist = client.get(admin_url(Source, "changelist")).content.decode()
    change_page = client.get(admin_url(Source, "change", source.pk)).content.decode()

    citation = "张三, «入境短期通信套餐», 通信竞争 Communications Competition, VOL. 71, 表1"
    assert source.citation == citation
    assert citation in changelist
    assert citation in change_page


def changelist_queries(client: Any, model: type[models.Model]) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "factory", "payload", "lookup"), CASES, ids=IDS)
def test_the_changelist_query_count_does_not_grow_with_rows(client, analyst, model, factory, payload, lookup):
    client.force_login(analyst)
    factory()
    few = changelist_queries(client, model)
    for _ in range(5):
        factory()

    assert model.objects.count() == 6
    assert changelist_queries(client, model) == few


@pytest.mark.django_db
def test_reverting_to_an_earlier_version_saves_through_the_service(client, analyst):
    operator = OperatorFactory(code="ctcc", name_zh="中国电信", name_en="China Telecom")
    first = operator.history.get()
    operator.name_en = "Telecom"
    operator.save()
    client.force_login(analyst)

    response = client.post(
        reverse("admin:operators_operator_simple_history", args=[operator.pk, first.history_id]),
        {"code": "ctcc", "name_zh": "中国电信", "name_en": "China Telecom", "short_name_zh": "移动", "kind": "mno"},
    )

    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.name_en == "China Telecom"
    latest = operator.history.latest()
    assert (latest.history_user, latest.name_en) == (analyst, "China Telecom")


@pytest.mark.django_db
def test_a_viewer_cannot_revert_to_an_earlier_version(client, viewer):
    operator = OperatorFactory(code="ctcc", name_zh="中国电信", name_en="China Telecom")
    first = operator.history.get()
    operator.name_en = "Telecom"
    operator.save()
    client.force_login(viewer)
    url = reverse("admin:operators_operator_simple_history", args=[operator.pk, first.history_id])

    assert client.get(url).status_code == 200
    response = client.post(
        url, {"code": "ctcc", "name_zh": "中国电信", "name_en": "China Telecom", "short_name_zh": "", "kind": "mno"}
    )

    assert response.status_code == 403
    operator.refresh_from_db()
    assert operator.name_en == "Telecom"


@pytest.mark.django_db
def test_an_evidence_file_uploaded_in_the_admin_is_stored_through_the_service(client, analyst, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    source = SourceFactory()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    client.force_login(analyst)

    response = client.post(
        admin_url(Source, "change", source.pk),
        {
            **source_payload(),
            "title": source.title,
            "issue": source.issue,
            "evidence": SimpleUploadedFile("table1.png", png, content_type="image/png"),
        },
    )

    assert response.status_code == 302
    source.refresh_from_db()
    assert source.evidence.name.endswith(".png")
    assert (tmp_path / source.evidence.name).read_bytes() == png
    latest = source.history.latest()
    assert (latest.history_user, latest.evidence) == (analyst, source.evidence.name)


@pytest.mark.django_db
def test_clearing_the_evidence_file_in_the_admin_empties_it(client, analyst, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    source = SourceFactory()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    client.force_login(analyst)
    base = {**source_payload(), "title": source.title, "issue": source.issue}
    client.post(
        admin_url(Source, "change", source.pk),
        {**base, "evidence": SimpleUploadedFile("table1.png", png, content_type="image/png")},
    )

    response = client.post(admin_url(Source, "change", source.pk), {**base, "evidence-clear": "on"})

    assert response.status_code == 302
    source.refresh_from_db()
    assert not source.evidence
    assert source.history.latest().evidence == ""


@pytest.mark.django_db
def test_the_source_page_links_its_evidence_to_the_guarded_download_not_to_media(client, analyst, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    source = SourceFactory()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    client.force_login(analyst)
    base = {**source_payload(), "title": source.title, "issue": source.issue}
    client.post(
        admin_url(Source, "change", source.pk),
        {**base, "evidence": SimpleUploadedFile("table1.png", png, content_type="image/png")},
    )

    page = client.get(admin_url(Source, "change", source.pk)).content.decode()

    assert f'href="/admin/evidence/{source.pk}/"' in page
    assert settings.MEDIA_URL not in page
