"""A change event in words, in the active language: the one wording for the page, the feed and the emails."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from competition.changes.models import ChangeEvent
from competition.templatetags.compare import amount, cny, loc

# An event or its `.values()` row (the API's lists read rows): the same words for both.
Event = ChangeEvent | Mapping[str, Any]


class _Row:
    """Attribute reads of a `.values()` row, so the wording below reads rows and events alike."""

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.__dict__.update(row)


def _readable(event: Event) -> Any:
    return _Row(event) if isinstance(event, Mapping) else event


def change_event_kind_label(kind: str) -> str:
    """The kind in words (as the model's get_kind_display)."""
    return str(dict(ChangeEvent.Kind.choices).get(kind, kind))


def change_event_title(event: Event) -> str:
    """ "上海移动 熊猫卡 (7 days): price change" and the like."""
    return _title(_readable(event))


def change_event_detail(event: Event) -> str:
    """What moved, with the figures before and after where there are figures."""
    return _detail(_readable(event))


def _title(event: Any) -> str:
    subject = loc(event, "subject")
    if event.validity_days:
        subject = _("%(subject)s (%(days)s days)") % {"subject": subject, "days": event.validity_days}
    who = loc(event, "who")
    kind = change_event_kind_label(event.kind)
    if event.correction:
        kind = _("%(kind)s (correction)") % {"kind": kind}
    return f"{who} {subject}: {kind}" if who else f"{subject}: {kind}"


def _detail(event: Any) -> str:
    if event.kind in (ChangeEvent.Kind.PRICE_CHANGE, ChangeEvent.Kind.ALLOWANCE_CHANGE):
        return _(
            "Price ¥%(before)s → ¥%(after)s; data %(data_before)s → %(data_after)s GB; "
            "per GB %(gb_before)s → %(gb_after)s"
        ) % {
            "before": cny(event.price_before_cny),
            "after": cny(event.price_after_cny),
            "data_before": amount(event.data_before_gb),
            "data_after": amount(event.data_after_gb),
            "gb_before": cny(event.per_gb_before_cny),
            "gb_after": cny(event.per_gb_after_cny),
        }
    if event.kind == ChangeEvent.Kind.NEW_TIER:
        return _("Price ¥%(price)s; data %(data)s GB; per GB %(per_gb)s") % {
            "price": cny(event.price_after_cny),
            "data": amount(event.data_after_gb),
            "per_gb": cny(event.per_gb_after_cny),
        }
    if event.kind == ChangeEvent.Kind.WITHDRAWAL:
        if event.tier_id:
            return _("Ends on %(date)s (was ¥%(price)s)") % {
                "date": event.changed_on,
                "price": cny(event.price_before_cny),
            }
        return _("Plan withdrawn on %(date)s") % {"date": event.changed_on}
    return _("On %(date)s") % {"date": event.changed_on}
