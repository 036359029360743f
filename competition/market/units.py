"""Units of key figures in the reader's language: the one mapping from a unit as printed to its label.

A key figure keeps its unit as its source prints it (亿元, 万户, %); that stored value never changes.
A reader of English sees the English label (亿元 -> "100 million CNY"), a reader of Chinese the unit
as printed. A unit this table does not know is shown as printed in both languages; a bare count (个) has
no English unit (its label names what is counted).
"""

from __future__ import annotations

from django.utils.translation import get_language

# Multipliers are spelled out (亿 = 100 million, 万 = 10,000) so an English reader can scale the amount.
UNIT_LABELS_EN: dict[str, str] = {
    "%": "%",
    "亿元": "100 million CNY",
    "万元": "10,000 CNY",
    "元": "CNY",
    "亿美元": "100 million USD",
    "亿人": "100 million people",
    "万人": "10,000 people",
    "万人次": "10,000 visits",
    "万名": "10,000 people",
    "万户": "10,000 households",
    "万个": "10,000",
    "万部": "10,000 titles",
    "部": "titles",
    "部/月": "titles per month",
    "个": "",  # a bare count: the label names what is counted
    "家": "organisations",
    "款": "models",
    "类": "kinds",
    "公里": "km",
    "分钟": "minutes",
    "小时": "hours",
    "点": "points",
    "百分点": "percentage points",
    "EFLOPS": "EFLOPS",
}


def unit_label(unit: str, *, language: str | None = None) -> str:
    """`unit` (as printed) for a reader of `language` (default: the active language)."""
    language = (language or get_language() or "").lower()
    if language.startswith("en"):
        return UNIT_LABELS_EN.get(unit.strip(), unit)
    return unit
