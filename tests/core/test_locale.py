"""A page's language lasts as long as its request: the thread is English again afterwards."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext


def test_a_chinese_page_leaves_the_thread_in_english(client, viewer):
    client.force_login(viewer)
    chinese = client.get("/compare/benchmarks/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert chinese["Content-Language"] == "zh-hans"
    assert translation.get_language() == "en"
    assert gettext("Benchmark tables") == "Benchmark tables"


def test_the_request_after_a_chinese_page_is_english(client, viewer):
    client.force_login(viewer)
    client.get("/compare/benchmarks/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    english = client.get("/compare/benchmarks/")

    assert english["Content-Language"] == "en"
    assert "<h1>Benchmark tables</h1>" in english.content.decode()


def test_a_language_chosen_in_the_switcher_lasts_only_as_long_as_its_requests(client, viewer):
    client.force_login(viewer)
    switched = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/compare/benchmarks/"})
    chinese = client.get("/compare/benchmarks/")

    assert switched.status_code == 302
    assert "<h1>基准表</h1>" in chinese.content.decode()
    assert translation.get_language() == "en"


def test_a_request_in_another_language_gives_back_the_language_the_thread_had(client, viewer):
    client.force_login(viewer)
    with translation.override("zh-hans"):
        client.get("/compare/benchmarks/", HTTP_ACCEPT_LANGUAGE="en")

        assert translation.get_language() == "zh-hans"
