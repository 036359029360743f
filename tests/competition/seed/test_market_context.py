"""The seed's market context: every figure traced to the words of its white paper, loaded idempotently.

The white papers are the text files of ../shared/seeds/ (next to the project, as DOMAIN.md says);
each source names its file in its notes ("Seed 001 (001_a69defb145b556e0.txt)").
"""

from __future__ import annotations

import re
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from competition.context import services
from competition.context.models import IndicatorValue
from tests.factories import AnalystFactory

SEED_TEXTS = Path(settings.BASE_DIR).parent / "shared" / "seeds"
FILE_IN_NOTES = re.compile(r"\((\d{3}_[0-9a-f]{16}\.txt)\)")

pytestmark = pytest.mark.skipif(not SEED_TEXTS.is_dir(), reason=f"the seed texts are not at {SEED_TEXTS}")


def squeezed(text: str) -> str:
    """The text without whitespace: the files break lines (and put spaces around numbers) mid-sentence."""
    return re.sub(r"\s+", "", text)


def seed_text(value: IndicatorValue) -> str:
    match = FILE_IN_NOTES.search(value.source.notes)
    assert match, f"{value.source} names no seed file in its notes"
    return squeezed((SEED_TEXTS / match.group(1)).read_text(encoding="utf-8"))


def printed(number: Decimal) -> str:
    return f"{number.normalize():f}"


@pytest.fixture
def figures(seed) -> list[IndicatorValue]:
    return list(IndicatorValue.objects.select_related("indicator", "province", "source"))


def test_every_figure_s_quote_is_in_its_seed_file(figures):
    assert len(figures) == 62
    for figure in figures:
        assert figure.quote, figure
        assert squeezed(figure.quote) in seed_text(figure), figure


def test_every_number_is_the_one_its_quote_prints_with_its_unit(figures):
    for figure in figures:
        if figure.indicator.kind != "flag":
            assert printed(figure.value) + squeezed(figure.unit) in squeezed(figure.quote), figure


def test_every_listed_province_is_named_in_its_quote(figures):
    flags = [figure for figure in figures if figure.indicator.kind == "flag"]

    assert len(flags) == 49
    for figure in flags:
        assert figure.province is not None and figure.value == 1
        assert figure.province.name_zh in figure.quote, figure


def test_a_confirmed_figure_s_year_is_printed_in_its_quote_and_an_inferred_one_says_why(figures):
    for figure in figures:
        if figure.confidence == "confirmed":
            assert str(figure.period_start.year) in figure.quote, figure
        else:
            assert "gives no" in figure.notes, figure


def test_the_national_data_price_is_0_33_per_gb_of_2020_inferred(figures):
    [price] = [figure for figure in figures if figure.indicator.code == "mobile_data_price_avg"]

    assert (price.value, price.unit, price.period, price.confidence) == (Decimal("0.33"), "元/GB", "2020", "inferred")
    assert price.province is None


def test_the_sixteen_trillion_yuan_provinces_are_those_seed_002_lists(figures):
    listed = {f.province.name_zh for f in figures if f.indicator.code == "digital_economy_over_1t" and f.province}

    assert listed == {
        "广东",
        "江苏",
        "山东",
        "浙江",
        "上海",
        "北京",
        "福建",
        "湖北",
        "四川",
        "河南",
        "河北",
        "湖南",
        "安徽",
        "重庆",
        "江西",
        "辽宁",
    }


@pytest.mark.django_db
def test_a_second_load_writes_nothing_and_keeps_an_analyst_s_correction(seed):
    price = IndicatorValue.objects.get(indicator__code="mobile_data_price_avg")
    services.versioned_update(instance=price, changes={"notes": "checked against p. 7"}, actor=AnalystFactory())
    telecom = IndicatorValue.objects.get(indicator__code="telecom_revenue")
    services.versioned_update(instance=telecom, changes={"value": Decimal("1.5")}, actor=AnalystFactory(username="lin"))
    out = StringIO()

    call_command("load_seed", stdout=out)

    telecom.refresh_from_db()
    assert telecom.value == Decimal("1.5")
    assert re.search(r"indicator values\s+created\s+0\s+updated\s+0\s+unchanged\s+60\s+skipped\s+2", out.getvalue())
    assert "skipped: indicator value telecom_revenue national 2021 (changed by lin on" in out.getvalue()
