"""Spot checks of the seeded reference data: operator groups, provinces, branches and sources."""

from __future__ import annotations

import datetime

import pytest

from operators.models import Branch, Operator, Province, Source

pytestmark = pytest.mark.django_db

REGIONS = {
    "east": {"11", "12", "13", "31", "32", "33", "35", "37", "44", "46"},
    "central": {"14", "34", "36", "41", "42", "43"},
    "west": {"15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"},
    "northeast": {"21", "22", "23"},
}


def test_it_seeds_the_four_operator_groups_as_network_operators(seed) -> None:
    operators = Operator.objects.order_by("code").values_list("code", "name_zh", "name_en", "short_name_zh", "kind")

    assert list(operators) == [
        ("cbn", "中国广电", "China Broadnet", "广电", "mno"),
        ("cmcc", "中国移动", "China Mobile", "移动", "mno"),
        ("ctcc", "中国电信", "China Telecom", "电信", "mno"),
        ("cucc", "中国联通", "China Unicom", "联通", "mno"),
    ]


def test_it_seeds_all_31_mainland_provinces_in_their_regions(seed) -> None:
    seeded: dict[str, set[str]] = {}
    for code, region in Province.objects.values_list("code", "region"):
        seeded.setdefault(region, set()).add(code)

    assert seeded == REGIONS
    assert Province.objects.count() == 31


def test_it_names_provinces_in_chinese_and_english(seed) -> None:
    assert Province.objects.get(code="44").name_zh == "广东"
    assert Province.objects.get(code="15").name_en == "Inner Mongolia"


def test_shenzhen_unicom_is_a_city_branch_of_china_unicom_in_guangdong(seed) -> None:
    branch = Branch.objects.get(name_zh="深圳联通")

    assert (branch.operator.code, branch.province.code) == ("cucc", "44")
    assert (branch.city_zh, branch.city_en, branch.name_en) == ("深圳", "Shenzhen", "China Unicom Shenzhen")


def test_beijing_mobile_is_china_mobiles_provincial_branch_in_beijing(seed) -> None:
    branch = Branch.objects.get(name_zh="北京移动")

    assert (branch.operator.code, branch.province.code, branch.city_zh) == ("cmcc", "11", "")
    assert branch.name_en == "China Mobile Beijing"


def test_it_seeds_one_source_per_article_of_the_may_2025_issue(seed) -> None:
    # ... and one per section of an article's text that the seed cites apart (免签政策红利下's facts do not
    # come from 表1; the short-drama operators and the digital-government city cases have their sections).
    # (The white papers of seeds 000-004, market_context.yaml, are sources of their own.)
    sources = Source.objects.exclude(indicator_values__isnull=False).distinct()
    articles = sources.exclude(title__contains=" · ").order_by("locator")

    assert [source.author for source in articles] == ["邱欢欢", "曹先震", "钟翠霞", "追赶太阳", "Hao"]
    assert sorted(s.title.split(" · ")[1] for s in sources if " · " in s.title) == sorted(
        [
            "免签政策优化：入境人员规模持续攀升",
            "北京联通：推出短期通信卡与“多合一”融合方案",
            "上海移动：推出短期卡片搭配多元权益和联网终端设备租赁方案",
            "上海电信：推出短期流量卡和无缝 WiFi 体验",
            "电信运营商在短剧赛道上的部署",
            "电信运营商在短剧赛道上的部署",
            "电信运营商在短剧赛道上的部署",
            "一、数据要素市场化：从资产显性化到治理效能释放的制度突破",
            "二、AI 政务革命：从流程提效到治理生态的范式重构",
            "四、挑战破解",
        ]
    )
    assert {s.author for s in sources if " · " in s.title} == {"钟翠霞", "追赶太阳", "Hao"}
    assert {source.published_on for source in sources} == {datetime.date(2025, 5, 1)}
    assert {(source.publication, source.issue) for source in sources} == {
        ("通信竞争 Communications Competition", "2025年5月 VOL.71")
    }
    assert {source.publisher for source in sources} == {"广州赛立信资讯服务有限公司 (SMR)"}


def test_the_visa_free_article_locates_table_1(seed) -> None:
    source = Source.objects.get(title="免签政策红利下，运营商该如何把握机遇？")

    assert source.author == "钟翠霞"
    assert "表1 Table 1" in source.locator
    assert "month precision" in source.notes
