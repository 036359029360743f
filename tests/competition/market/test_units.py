"""Units of key figures in the reader's language (competition.market.units)."""

from __future__ import annotations

import pytest

from competition.market.units import unit_label
from tests.factories import KeyFigureFactory


@pytest.mark.parametrize(
    ("unit", "english"),
    [("亿元", "100 million CNY"), ("万户", "10,000 households"), ("%", "%"), ("公里", "km"), ("个", "")],
)
def test_it_labels_a_unit_in_english_for_an_english_reader(unit, english):
    assert unit_label(unit, language="en") == english


def test_it_shows_the_unit_as_printed_to_a_chinese_reader():
    assert unit_label("亿元", language="zh-hans") == "亿元"


def test_it_shows_a_unit_it_does_not_know_as_printed():
    assert unit_label("艘", language="en") == "艘"


def test_the_api_labels_a_key_figure_s_unit_in_english_by_default_and_keeps_the_stored_one(viewer_client, db):
    figure = KeyFigureFactory(unit="亿元", amount="30.5")

    row = viewer_client.get(f"/api/v1/strategies/{figure.strategy_id}/key-figures/").json()["results"][0]

    assert (row["amount"], row["unit"], row["unit_label"]) == ("30.5000", "亿元", "100 million CNY")


def test_the_api_labels_a_key_figure_s_unit_in_chinese_when_asked(viewer_client, db):
    figure = KeyFigureFactory(unit="亿元")

    response = viewer_client.get(
        f"/api/v1/strategies/{figure.strategy_id}/key-figures/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.json()["results"][0]["unit_label"] == "亿元"
