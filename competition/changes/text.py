"""A change event in words, in the active language: the one wording for the page, the feed and the emails."""

from __future__ import annotations

from django.utils.translation import gettext as _

from competition.changes.models import ChangeEvent
from competition.templatetags.compare import amount, cny, loc


def change_event_title(event: ChangeEvent) -> str:
    """ "上海移动 熊猫卡 (7 days): price change" and the like."""
    subject = loc(event, "subject")
    if event.validity_days:
        subject = _("%(subject)s (%(days)s days)") % {"subject": subject, "days": event.validity_days}
    who = loc(event, "who")
    kind = event.get_kind_display()
    if event.correction:
        kind = _("%(kind)s (correction)") % {"kind": kind}
    return f"{who} {subject}: {kind}" if who else f"{subject}: {kind}"


def change_event_detail(event: ChangeEvent) -> str:
    """What moved, with the figures before and after where there are figures."""
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
