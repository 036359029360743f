"""Every figure and case entered from seed 003's text is printed there, under the section its source cites.

The text is the seed itself (a copy of shared/seeds/003_78cb912cb00bac11.txt). For each figure the test
finds the sentence it was read from, checks the amount is printed in it, and checks the strategy's
source names the heading that sentence sits under (the article's own title for its opening paragraph).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from competition.models import KeyFigure, StrategyMilestone

SEED_TEXT = Path(__file__).parent / "texts" / "003_78cb912cb00bac11.txt"


def squeeze(text: str) -> str:
    """The text without the spaces the conversion put around numbers ("日更 2 ~ 3 部" -> "日更2~3部")."""
    return "".join(text.split())


def heading_above(excerpt: str) -> str:
    """The nearest heading above `excerpt` in the seed text, spaces removed."""
    heading = ""
    for line in SEED_TEXT.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            heading = squeeze(line.lstrip("#"))
        elif excerpt in squeeze(line):
            return heading
    raise AssertionError(f"{excerpt!r} is not in the seed text")


# label_zh -> the words of the text it was read from (spaces removed).
FIGURES = {
    "中国电影全年总票房（预计）": "收入规模首次超过中国电影全年总票房预计的470亿元",
    "微短剧使用率较2024年上半年增长": "较2024年上半年增长7.3个百分点",
    "微短剧独立应用人均单日使用时长（半年前）": "人均单日使用时长从90分钟涨到101分钟",
    "微短剧独立应用人均单日使用时长": "人均单日使用时长从90分钟涨到101分钟",
    "《小狗来福》全网播放量（破）": "全网播放量破4亿的《小狗来福》",
    "《再世为王》单日热力值": "单日热力值800万的《再世为王》",
    "脉脉短剧每日更新（下限）": "（日更2~3部）",
    "脉脉短剧每日更新（上限）": "（日更2~3部）",
    "盐城完成数据资产入表的企业": "2024年完成9家企业数据资产入表",
    "盐城首笔最大数据产权质押融资授信": "首笔最大数据产权质押融资2亿授信",
    '龙岗"一句话寻人"整合的监控数据': "系统整合23万路监控数据",
    '龙岗"一句话寻人"找回的走失市民（300余名）': "成功找回300余名走失市民",
    '临沂"沂蒙慧眼"企业融资效率提升': "企业融资效率提升60%",
    '临沂"沂蒙慧眼"助力企业增信（超）': "助力企业增信超33亿元",
    "泰州演练发现存在漏洞的单位": "发现33家单位的70个系统存在89个漏洞",
    "泰州演练发现存在漏洞的系统": "发现33家单位的70个系统存在89个漏洞",
    "泰州演练发现的漏洞": "发现33家单位的70个系统存在89个漏洞",
    "泰州演练发现的未授权访问漏洞": "未授权访问27个",
    "泰州演练发现的弱口令漏洞": "弱口令24个",
    "泰州演练发现的逻辑绕过漏洞": "逻辑绕过6个",
    "泰州演练发现可直接造成数据泄露的漏洞": "可直接造成数据泄露的网络安全漏洞5个",
}

# description_zh starts with -> the words of the text it was read from.
MILESTONES = {
    "江苏盐城完成9家企业数据资产入表": "2024年完成9家企业数据资产入表，发放首笔数据质押贷款",
    "龙岗区利用DeepSeek": "龙岗区利用DeepSeek实现“一句话寻人”",
    "山东临沂": "山东临沂“沂蒙慧眼”系统接入DeepSeek大模型后",
    "泰州电子政务外网安全演练": "2024年泰州电子政务外网安全演练",
}


@pytest.mark.parametrize(("label", "excerpt"), FIGURES.items(), ids=list(FIGURES))
def test_each_figure_entered_from_the_text_is_printed_there_under_its_cited_section(seed, label, excerpt) -> None:
    figure = KeyFigure.objects.select_related("strategy__source").get(label_zh=label)

    assert f"{figure.amount.normalize():f}" in excerpt
    assert heading_above(excerpt) in squeeze(figure.strategy.source.title)


@pytest.mark.parametrize(("start", "excerpt"), MILESTONES.items(), ids=list(MILESTONES))
def test_each_city_case_is_a_milestone_cited_with_its_section(seed, start, excerpt) -> None:
    milestone = StrategyMilestone.objects.select_related("strategy__source").get(description_zh__startswith=start)

    assert milestone.strategy.theme == "digital_government"
    assert heading_above(excerpt) in squeeze(milestone.strategy.source.title)


def test_the_box_office_figure_is_the_estimate_for_2024(seed) -> None:
    figure = KeyFigure.objects.get(label_zh="中国电影全年总票房（预计）")

    assert (figure.amount, figure.unit, figure.as_of.year, figure.as_of_precision, figure.status) == (
        470,
        "亿元",
        2024,
        "year",
        "expected",
    )


def test_the_taizhou_drill_figures_are_dated_2024_by_year(seed) -> None:
    figures = KeyFigure.objects.filter(label_zh__startswith="泰州演练")

    assert sorted(int(f.amount) for f in figures) == [5, 6, 24, 27, 33, 70, 89]
    assert {(f.as_of.year, f.as_of_precision) for f in figures} == {(2024, "year")}
