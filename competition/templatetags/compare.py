"""Template helpers of the comparison pages: bilingual fields, money, colour scale, shareable links."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.http import HttpRequest, QueryDict
from django.utils.translation import get_language

from competition.market.units import unit_label
from plans.pricing import round_cny

register = template.Library()


def _prefers_english() -> bool:
    return (get_language() or "").lower().startswith("en")


@register.filter
def loc(obj: Any, field: str) -> str:
    """`name` -> `name_en` under English, `name_zh` otherwise; falls back to the other language when blank.

    Works on model instances and on dicts, so selectors may hand either to a template.
    """

    def read(suffix: str) -> str:
        key = f"{field}_{suffix}"
        value = obj.get(key) if isinstance(obj, dict) else getattr(obj, key, "")
        return str(value or "")

    first, second = ("en", "zh") if _prefers_english() else ("zh", "en")
    return read(first) or read(second)


@register.filter(name="unit_label")
def unit_label_filter(unit: str) -> str:
    """A key figure's unit in the reader's language (competition.market.units)."""
    return unit_label(str(unit or ""))


@register.filter
def cny(value: Any) -> str:
    """Money and per-unit figures: half-up to two decimals as analysts display them; a dash when undefined."""
    if value is None or value == "":
        return "—"
    try:
        return f"{round_cny(Decimal(str(value))):f}"
    except (InvalidOperation, ValueError):
        return "—"


@register.filter
def amount(value: Any) -> str:
    """A quantity without trailing zeros (30.000 GB -> 30, 0.5 -> 0.5); a dash when unknown."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)).normalize()
    return f"{number:f}"


@register.simple_tag
def heat(value: Any, low: Any, high: Any) -> str:
    """A background colour from green (cheapest) to red (dearest) for a value between low and high.

    Lightness stays high so black text keeps its contrast (WCAG AA) on every step.
    """
    if value is None or low is None or high is None:
        return ""
    value, low, high = Decimal(str(value)), Decimal(str(low)), Decimal(str(high))
    share = Decimal(0) if high == low else (value - low) / (high - low)
    hue = int(120 - 120 * float(share))
    return f"background-color: hsl({hue} 70% 85%)"


@register.simple_tag
def query_with(request: HttpRequest, **changes: Any) -> str:
    """The current query string with some parameters replaced (None drops one): shareable filter links."""
    query: QueryDict = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def csv_url(request: HttpRequest, table: str) -> str:
    """The same page and filters as CSV: the view serves the very rows the table shows (every page of them)."""
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    query["table"] = table
    return f"{request.path}?{query.urlencode()}"


@register.filter
def precise_date(date: Any, precision: Any) -> str:
    """`{{ m.happened_on|precise_date:m.date_precision }}`: 2024-12 for a month, 2024-Q4 for a quarter."""
    from competition.market.dating import date_display  # market imports models: load it lazily

    return date_display(date, precision)


@register.filter
def basket_label(profile: dict[str, Any] | None) -> str:
    """A stored visitor profile named from its figures, in the active language."""
    from competition.compare.forms import profile_label  # forms import models: load them lazily

    return str(profile_label(profile)) if profile else ""


@register.simple_tag(takes_context=True)
def keep_as_of(context: template.Context, prefix: str = "?") -> str:
    """`?as_of=YYYY-MM-DD` for a link to another comparison page when the page looks at a past day, else nothing.

    `prefix="&"` appends it to a link that already has a query string.
    """
    day = context.get("as_of")
    if day is None or context.get("as_of_today", True):
        return ""
    return f"{prefix}as_of={day.isoformat()}"
