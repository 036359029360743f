"""Seed rows of plans.yaml: plans and their price tiers, written through plans.services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from competition.seed.files import check_keys, money, rows_of
from competition.seed.writer import SeedWriter
from plans.models import Perk, Plan, Tier
from plans.services import plan_create, plan_update, tier_correct, tier_create

PLAN_OPTIONAL = (
    *("name_en", "segment", "perks", "validity_options_days"),
    *("launched_on", "withdrawn_on", "notes", "tiers"),
)
TIER_OPTIONAL = (
    *("table_row", "data_gb", "data_unlimited", "domestic_voice_min", "intl_voice_min"),
    *(
        "intl_discount_cap_cny",
        "is_promotional",
        "price_qualifier",
        "effective_from",
        "effective_to",
        "source",
        "notes",
    ),
)


def load_plans(writer: SeedWriter, content: Mapping[str, Any]) -> None:
    for index, row in enumerate(rows_of(content, "plans", file="plans.yaml")):
        where = f"plans.yaml plans[{index}]"
        row = check_keys(row, where=where, required=("branch", "name_zh", "source"), optional=PLAN_OPTIONAL)
        where = f"{where} ({row['branch']} {row['name_zh']})"
        label = f"plan {row['branch']} {row['name_zh']}"
        branch = writer.branch_ref(row["branch"], where=where)
        source = writer.source_ref(row["source"], where=where)
        perks = [writer.reference(Perk, where=where, label="perks", name_zh=name) for name in row.get("perks", [])]
        plan: Plan | None = None
        if not writer.skip_unless_present(entity="plans", label=label, branch=branch, source=source):
            plan = writer.upsert(
                entity="plans",
                label=label,
                model=Plan,
                lookup={"branch": branch, "name_zh": row["name_zh"]},
                values={
                    "name_en": row.get("name_en", ""),
                    "segment": row.get("segment", Plan.Segment.INBOUND_SHORT_TERM),
                    "validity_options_days": row.get("validity_options_days", []),
                    "launched_on": row.get("launched_on"),
                    "withdrawn_on": row.get("withdrawn_on"),
                    "source": source,
                    "notes": row.get("notes", ""),
                },
                many={"perks": [perk for perk in perks if perk is not None]},  # a deleted perk is not re-linked
                where=where,
                create=lambda fields, many: plan_create(actor=writer.actor, perks=many["perks"], **fields),
                update=lambda plan, changes: plan_update(plan=plan, changes=changes, actor=writer.actor),
            )
        for tier_index, tier_row in enumerate(row.get("tiers", [])):
            _load_tier(
                writer,
                plan=plan,
                plan_label=f"{row['branch']} {row['name_zh']}",
                row=tier_row,
                plan_source=row["source"],
                where=f"{where} tiers[{tier_index}]",
            )


def _load_tier(
    writer: SeedWriter, *, plan: Plan | None, plan_label: str, row: object, plan_source: object, where: str
) -> None:
    if isinstance(row, dict):
        # Name the tier as a reader finds it (validity, Table 1 row) before any other check can fail.
        described = f"{row.get('validity_days')} days"
        if row.get("table_row") is not None:
            described += f", Table 1 row {row['table_row']}"
        where = f"{where} ({described})"
    row = check_keys(row, where=where, required=("validity_days", "price_cny", "confidence"), optional=TIER_OPTIONAL)
    label = f"tier {plan_label} {row['validity_days']}d"
    if row.get("effective_from"):
        label += f" from {row['effective_from']}"
    notes = row.get("notes", "")
    if row.get("table_row") is not None:
        # The row number leads the notes so a reader of the admin can trace the tier back to the table.
        notes = f"表1 Table 1 第{row['table_row']}行 row {row['table_row']}. {notes}".strip()
    values = {
        "price_cny": money(row["price_cny"], where=where, field="price_cny"),
        "data_gb": money(row.get("data_gb"), where=where, field="data_gb"),
        "data_unlimited": row.get("data_unlimited", False),
        "domestic_voice_min": row.get("domestic_voice_min"),
        "intl_voice_min": row.get("intl_voice_min"),
        "intl_discount_cap_cny": money(row.get("intl_discount_cap_cny"), where=where, field="intl_discount_cap_cny"),
        "confidence": row["confidence"],
        "is_promotional": row.get("is_promotional", False),
        "price_qualifier": row.get("price_qualifier", Tier.PriceQualifier.EXACT),
        "effective_to": row.get("effective_to"),
        "source": writer.source_ref(row.get("source", plan_source), where=where),
        "notes": notes,
    }
    if writer.skip_unless_present(entity="tiers", label=label, plan=plan, source=values["source"]):
        return
    writer.upsert(
        entity="tiers",
        label=label,
        model=Tier,
        lookup={"plan": plan, "validity_days": row["validity_days"], "effective_from": row.get("effective_from")},
        values=values,
        where=where,
        create=lambda fields, _many: tier_create(actor=writer.actor, **fields),
        update=lambda tier, changes: _tier_correct(writer, tier, changes),
    )


def _tier_correct(writer: SeedWriter, tier: Tier, changes: dict[str, Any]) -> Tier:
    """Apply a corrected data file to the tier it names (only ever a tier no analyst has touched).

    A data file names each tier by (plan, validity, effective_from) and states its history
    explicitly, so a difference there is a correction of that very row, never a new observation:
    superseding it would invent an effective date and leave the file pointing at the closed row,
    and a row the file itself ends is history, which only a correction may change. So every
    change goes through the services' explicit, audited correction.
    """
    return tier_correct(tier=tier, changes=changes, actor=writer.actor, reason="load_seed: the data file says so")
