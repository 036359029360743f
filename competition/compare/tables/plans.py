"""Tables of plain tier rows: a province comparison's tiers, the plan index, a plan's price history."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from competition.compare.tables.base import Row, Table, columns, deferred
from plans.pricing import round_cny

TIER_COLUMNS = columns(
    "province_code",
    "province_name_zh",
    "province_name_en",
    "operator_code",
    "branch_name_zh",
    "branch_name_en",
    "plan_id",
    "plan_name_zh",
    "plan_name_en",
    "tier_id",
    "validity_days",
    "price_cny:money",
    "price_qualifier",
    "data_gb:amount",
    "data_unlimited",
    "price_per_gb_cny:money",
    "price_per_day_cny:money",
    "domestic_voice_min",
    "intl_voice_min",
    "intl_discount_cap_cny:money",
    "confidence",
    "is_promotional",
    "effective_from",
    "effective_to",
    "perks_zh",
    "perks_en",
)


def tier_row(tier: Any) -> Row:
    """A tier with its plan, branch and province, loaded by the selector (no query here)."""
    plan = tier.plan
    branch = plan.branch
    perks = list(plan.perks.all())
    return {
        "province_code": branch.province.code,
        "province_name_zh": branch.province.name_zh,
        "province_name_en": branch.province.name_en,
        "operator_code": branch.operator.code,
        "branch_name_zh": branch.name_zh,
        "branch_name_en": branch.name_en,
        "plan_id": plan.pk,
        "plan_name_zh": plan.name_zh,
        "plan_name_en": plan.name_en,
        "tier_id": tier.pk,
        "validity_days": tier.validity_days,
        "price_cny": tier.price_cny,
        "data_gb": tier.data_gb,
        "data_unlimited": tier.data_unlimited,
        "price_per_gb_cny": tier.price_per_gb.value,
        "per_gb_undefined": tier.price_per_gb.undefined_reason,
        "price_per_day_cny": tier.price_per_day,
        "domestic_voice_min": tier.domestic_voice_min,
        "intl_voice_min": tier.intl_voice_min,
        "intl_discount_cap_cny": tier.intl_discount_cap_cny,
        "confidence": tier.confidence,
        "confidence_label": tier.get_confidence_display(),
        "is_promotional": tier.is_promotional,
        "price_qualifier": tier.price_qualifier,
        "effective_from": tier.effective_from,
        "effective_to": tier.effective_to,
        "perks": perks,
        "perks_zh": "; ".join(p.name_zh for p in perks),
        "perks_en": "; ".join(p.name_en for p in perks),
        "source": tier.source,
        "notes": tier.notes,
    }


def tier_table(name: str, tiers: Iterable[Any], *, every_tier: Callable[[], Iterable[Any]] | None = None) -> Table:
    """The tiers shown; with `every_tier`, the page shows `tiers` (one page) and the CSV streams every tier."""
    rows = [tier_row(t) for t in tiers]
    if every_tier is None:
        return Table(name=name, columns=TIER_COLUMNS, rows=rows)
    return Table(name=name, columns=TIER_COLUMNS, rows=rows, streamed=map(tier_row, deferred(every_tier)))


SUMMARY_COLUMNS = columns(
    "province_code",
    "operator_code",
    "validity_days",
    "tiers",
    "priced_tiers",
    "cheapest_per_gb_cny:money",
    "low_sample",
)


def province_summary_table(summary: Iterable[Any], *, provinces: Iterable[Any], operators: Iterable[Any]) -> Table:
    """A province comparison's summary: per province, operator and validity, the tiers and the cheapest per GB."""
    names = {p.code: p for p in provinces}
    operator_names = {o.code: o for o in operators}
    rows = [
        {
            "province": names.get(row.province_code),
            "operator": operator_names.get(row.operator_code),
            "province_code": row.province_code,
            "operator_code": row.operator_code,
            "validity_days": row.validity_days,
            "tiers": row.tiers,
            "priced_tiers": row.priced,
            "cheapest_per_gb_cny": None if row.cheapest_per_gb is None else round_cny(row.cheapest_per_gb),
            "low_sample": row.low_sample,
        }
        for row in summary
    ]
    return Table(name="summary", columns=SUMMARY_COLUMNS, rows=rows)


PLAN_COLUMNS = columns(
    "plan_id",
    "province_code",
    "province_name_zh",
    "province_name_en",
    "operator_code",
    "branch_name_zh",
    "branch_name_en",
    "plan_name_zh",
    "plan_name_en",
    "segment",
    "validity_options_days",
    "current_tiers",
    "launched_on",
    "withdrawn_on",
)


def plan_row(plan: Any) -> Row:
    """A plan with branch and province joined and `current_tiers` annotated by the selector (no query here)."""
    return {
        "plan": plan,
        "plan_id": plan.pk,
        "province_code": plan.branch.province.code,
        "province_name_zh": plan.branch.province.name_zh,
        "province_name_en": plan.branch.province.name_en,
        "operator_code": plan.branch.operator.code,
        "branch_name_zh": plan.branch.name_zh,
        "branch_name_en": plan.branch.name_en,
        "plan_name_zh": plan.name_zh,
        "plan_name_en": plan.name_en,
        "segment": plan.segment,
        "segment_label": plan.get_segment_display(),
        "validity_options_days": " ".join(str(days) for days in plan.validity_options_days or []),
        "current_tiers": plan.current_tiers,
        "launched_on": plan.launched_on,
        "withdrawn_on": plan.withdrawn_on,
    }


def plan_table(plans: Iterable[Any], *, every_plan: Callable[[], Iterable[Any]] | None = None) -> Table:
    """The plan index (one page of it); with `every_plan` its CSV streams every plan the filters match."""
    rows = [plan_row(plan) for plan in plans]
    if every_plan is None:
        return Table(name="plans", columns=PLAN_COLUMNS, rows=rows)
    return Table(name="plans", columns=PLAN_COLUMNS, rows=rows, streamed=map(plan_row, deferred(every_plan)))


HISTORY_COLUMNS = columns(
    "tier_id",
    "validity_days",
    "price_cny:money",
    "price_qualifier",
    "data_gb:amount",
    "price_per_gb_cny:money",
    "effective_from",
    "effective_to",
    "current",
    "status",
    "confidence",
    "source",
)


def price_history_table(tiers: Iterable[Any]) -> Table:
    rows = []
    for t in tiers:
        status = t.status  # today's: scheduled, in_effect or ended
        rows.append(
            {
                "tier_id": t.pk,
                "validity_days": t.validity_days,
                "price_cny": t.price_cny,
                "price_qualifier": t.price_qualifier,
                "data_gb": t.data_gb,
                "price_per_gb_cny": t.price_per_gb.value,
                "effective_from": t.effective_from,
                "effective_to": t.effective_to,
                "current": status == "in_effect",
                "status": status,
                "confidence": t.confidence,
                "confidence_label": t.get_confidence_display(),
                "source": t.source.citation,
                "source_obj": t.source,
            }
        )
    return Table(name="history", columns=HISTORY_COLUMNS, rows=rows)


CHANGE_COLUMNS = columns(
    "changed_at",
    "change",
    "changed_by",
    "tier_id",
    "validity_days",
    "price_cny:money",
    "price_qualifier",
    "data_gb:amount",
    "effective_from",
    "effective_to",
)
CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def tier_change_table(records: Iterable[Any]) -> Table:
    """simple-history records of a plan's tiers: what each tier row held after each change."""
    rows = [
        {
            "changed_at": record.history_date.isoformat(timespec="seconds"),
            "changed_at_obj": record.history_date,
            "change": CHANGE_KINDS.get(record.history_type, record.history_type),
            "changed_by": record.history_user.get_username() if record.history_user else "",
            "tier_id": record.id,
            "validity_days": record.validity_days,
            "price_cny": record.price_cny,
            "price_qualifier": record.price_qualifier,
            "data_gb": record.data_gb,
            "effective_from": record.effective_from,
            "effective_to": record.effective_to,
        }
        for record in records
    ]
    return Table(name="changes", columns=CHANGE_COLUMNS, rows=rows)
