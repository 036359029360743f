"""The API speaks English unless the request asks for another language (Accept-Language)."""

from __future__ import annotations

import pytest

from core.api.language import api_language

PAGE_SIZE_EN = "page_size: “abc” is not a positive whole number (1, 2, 3, ...)."
PAGE_SIZE_ZH = "page_size: “abc” 不是正整数（1、2、3……）。"


def test_it_answers_a_400_in_english_by_default(viewer_client):
    response = viewer_client.get("/api/v1/tiers/", {"page_size": "abc"})

    assert response.status_code == 400
    assert response.json()["detail"] == PAGE_SIZE_EN
    assert response["Content-Language"] == "en"


def test_it_answers_the_same_400_in_chinese_when_the_request_asks_for_it(viewer_client):
    response = viewer_client.get("/api/v1/tiers/", {"page_size": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert response.json()["detail"] == PAGE_SIZE_ZH
    assert response["Content-Language"] == "zh-hans"


def test_it_answers_drf_s_own_messages_in_the_language_asked_for(analyst_client):
    english = analyst_client.post("/api/v1/perks/", {"name_en": "x"}, format="json")
    chinese = analyst_client.post("/api/v1/perks/", {"name_en": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert english.json()["detail"] == "name_zh: This field is required."
    assert chinese.json()["detail"] == "name_zh: 该字段是必填项。"


def test_a_language_cookie_from_the_pages_does_not_change_the_api_s_language(client, viewer):
    client.force_login(viewer)
    client.cookies["django_language"] = "zh-hans"

    response = client.get("/api/v1/tiers/", {"page_size": "abc"})

    assert response.json()["detail"] == PAGE_SIZE_EN


def test_it_answers_json_404s_of_unknown_paths_in_the_language_asked_for(viewer_client):
    response = viewer_client.get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 404
    assert response.json()["detail"] == "/api/v1/nothing-here/ 处没有 API 端点。"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", "en"),
        ("zh-hans", "zh-hans"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh-hans"),
        ("en-GB,zh;q=0.5", "en"),
        ("fr-FR", "en"),
        ("*", "en"),
    ],
)
def test_it_picks_the_first_supported_language_of_the_header_or_english(header, language):
    assert api_language(header) == language
