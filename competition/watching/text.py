"""A notification in words, in the active language (inbox, API and email say the same)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from competition.changes.text import Event, change_event_detail, change_event_title
from competition.templatetags.compare import cny
from competition.watching.models import Notification, Watch

# A notification or its `.values()` row (the API's list), whose `change` is the change's row or None.
Readable = Notification | Mapping[str, Any]


def _parts(notification: Readable) -> tuple[Event | None, dict, str]:
    """(its change or None, its payload, its condition)."""
    if isinstance(notification, Mapping):
        return notification["change"], notification["payload"] or {}, notification["condition"]
    change = notification.change if notification.change_id is not None else None
    return change, notification.payload or {}, notification.condition


def _slice(payload: dict) -> str:
    parts = [_("%(bucket)s days") % {"bucket": payload.get("bucket")}]
    if payload.get("province"):
        parts.append(_("province %(code)s") % {"code": payload["province"]})
    if payload.get("operator"):
        parts.append(payload["operator"])
    return ", ".join(parts)


def notification_title(notification: Readable) -> str:
    change, payload, condition = _parts(notification)
    if change is not None:
        return change_event_title(change)
    if condition == Watch.Condition.CHEAPEST_BELOW:
        return _("Cheapest per GB (%(slice)s) dropped below ¥%(threshold)s") % {
            "slice": _slice(payload),
            "threshold": cny(payload.get("threshold")),
        }
    return _("Rank 1 changed (%(slice)s)") % {"slice": _slice(payload)}


def notification_detail(notification: Readable) -> str:
    change, payload, condition = _parts(notification)
    if change is not None:
        return change_event_detail(change)
    if condition == Watch.Condition.CHEAPEST_BELOW:
        return _("¥%(before)s → ¥%(after)s per GB (benchmark run %(run)s)") % {
            "before": cny(payload.get("before")),
            "after": cny(payload.get("after")),
            "run": payload.get("run"),
        }
    return _("Tiers %(before)s → %(after)s (benchmark run %(run)s)") % {
        "before": ", ".join(str(t) for t in payload.get("before_tiers", [])),
        "after": ", ".join(str(t) for t in payload.get("after_tiers", [])),
        "run": payload.get("run"),
    }
