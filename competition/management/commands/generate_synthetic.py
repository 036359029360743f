"""`python manage.py generate_synthetic --tiers N`: synthetic tiers for the benchmarks, in a throwaway database.

Realistic distributions over all 31 provinces and the four operators: 7-day and 30-day cards
are the most common, data grows with validity, per-GB prices are log-normal around 3 CNY/GB,
a few tiers have unknown or unlimited data, are promotional (free), inferred, superseded
(history) or belong to perk packs and withdrawn plans, which the benchmarks must leave out.

Rows are written with COPY (PostgreSQL) straight into the tables, bypassing the services, their
audit history and the tiers_changed signal: this is load for `make bench`, not data. The command
refuses a database whose name does not say it is throwaway (bench/test/synthetic), and it never
touches fixtures/.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import yaml
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from competition.management.synthetic_changes import synthetic_daily_changes
from operators.models import Branch, Operator, Province, Source
from plans.models import Plan, Tier

if TYPE_CHECKING:
    from django.db.models import Model

# NULL cells for np.where: a 0-d object array gives the same object array as a bare None, which
# numpy's stubs do not accept.
_NULL = np.array(None)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SYNTHETIC_PUBLICATION = "合成数据 Synthetic benchmark data"
THROWAWAY_MARKERS = ("bench", "test", "synthetic")

# Validity options and how often operators sell them (7 and 30 days dominate, as in Table 1).
VALIDITIES = np.array([1, 3, 5, 7, 10, 11, 14, 15, 20, 30, 60, 90])
VALIDITY_WEIGHTS = np.array([4, 4, 5, 22, 6, 2, 5, 14, 4, 24, 6, 4], dtype=float)
SEGMENTS = np.array(
    [Plan.Segment.INBOUND_SHORT_TERM, Plan.Segment.INBOUND_PROMOTIONAL, Plan.Segment.PERK_PACK, Plan.Segment.OTHER]
)
SEGMENT_WEIGHTS = np.array([0.92, 0.03, 0.04, 0.01])
# Market share decides how many plans an operator's branches sell.
OPERATOR_WEIGHTS = {"cmcc": 0.45, "ctcc": 0.27, "cucc": 0.24, "cbn": 0.04}


class Command(BaseCommand):
    help = "Generate N synthetic tiers over all provinces and operators in a throwaway database (for make bench)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tiers", type=int, required=True, help="How many tiers to create.")
        parser.add_argument("--seed", type=int, default=20250501, help="Random seed (same seed, same rows).")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete earlier synthetic plans and tiers (and benchmark runs) first.",
        )
        parser.add_argument(
            "--daily-changes",
            type=int,
            default=0,
            metavar="DAYS",
            help="Also change prices on each of the last DAYS days (a new tier row each), for the history benchmark.",
        )
        parser.add_argument(
            "--changes-per-day",
            type=int,
            default=0,
            help="Price changes per day with --daily-changes (default: one per 1,000 tiers, at least one).",
        )
        parser.add_argument(
            "--allow-any-database",
            action="store_true",
            help="Write even when the database name does not contain bench, test or synthetic.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = str(connection.settings_dict["NAME"])
        if not options["allow_any_database"] and not any(marker in name.lower() for marker in THROWAWAY_MARKERS):
            raise CommandError(
                f"refusing to write synthetic rows into database {name!r}: point DATABASE_URL at a throwaway "
                "database (e.g. bench_telecom), or pass --allow-any-database"
            )
        if options["tiers"] < 1:
            raise CommandError("--tiers must be at least 1")
        started = time.monotonic()
        with transaction.atomic():
            source = self._reference_data()
            if options["replace"]:
                self._delete_synthetic(source)
            plans, tiers = synthetic_frames(
                tiers=options["tiers"],
                branch_ids=self._branches(),
                source_id=source.pk,
                seed=options["seed"],
            )
            if options["daily_changes"] > 0:
                tiers, changed = synthetic_daily_changes(
                    tiers,
                    days=options["daily_changes"],
                    per_day=options["changes_per_day"] or max(1, options["tiers"] // 1000),
                    until=timezone.localdate(),
                    rng=np.random.default_rng(options["seed"] + 1),
                )
                tiers = pd.concat([tiers, changed], ignore_index=True)
            plan_ids = _reserve_ids(Plan, len(plans))
            plans.insert(0, "id", plan_ids)
            tiers["plan_id"] = plan_ids[tiers.pop("plan_index").to_numpy()]
            _write(Plan, plans)
            _write(Tier, tiers)
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would soon give: the benchmarks' plan depends on them.
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Plan._meta.db_table}")
                cursor.execute(f"ANALYZE {Tier._meta.db_table}")
        self.stdout.write(
            f"generated {len(tiers)} tiers in {len(plans)} plans over {Branch.objects.count()} branches "
            f"in {time.monotonic() - started:.1f} s (database {name})"
        )

    def _reference_data(self) -> Source:
        """The real operators and provinces (from fixtures/, read only) and a source to cite."""
        operators = yaml.safe_load((FIXTURES / "operators.yaml").read_text(encoding="utf-8"))["operators"]
        for item in operators:
            Operator.objects.get_or_create(
                code=item["code"],
                defaults={key: item[key] for key in ("name_zh", "name_en", "short_name_zh", "kind") if key in item},
            )
        provinces = yaml.safe_load((FIXTURES / "provinces.yaml").read_text(encoding="utf-8"))["provinces"]
        for item in provinces:
            Province.objects.get_or_create(
                code=item["code"], defaults={key: item[key] for key in ("name_zh", "name_en", "region")}
            )
        source, _ = Source.objects.get_or_create(
            publication=SYNTHETIC_PUBLICATION,
            issue="",
            title="generate_synthetic",
            defaults={"notes": "Synthetic rows for make bench; never real tariffs."},
        )
        return source

    def _branches(self) -> dict[str, list[int]]:
        """One synthetic provincial branch per operator and province, by operator code."""
        by_operator: dict[str, list[int]] = {}
        for operator in Operator.objects.all():
            for province in Province.objects.all():
                branch, _ = Branch.objects.get_or_create(
                    operator=operator,
                    province=province,
                    city_zh="合成",
                    defaults={
                        "name_zh": f"合成{province.name_zh}{operator.short_name_zh or operator.code}",
                        "name_en": f"Synthetic {operator.name_en} {province.name_en}",
                        "city_en": "Synthetic",
                    },
                )
                by_operator.setdefault(operator.code, []).append(branch.pk)
        return by_operator

    def _delete_synthetic(self, source: Source) -> None:
        from competition.models import BenchmarkRun

        # Plain DELETEs: the ORM's cascade collector would load every synthetic row into Python first.
        with connection.cursor() as cursor:
            for relation in BenchmarkRun._meta.related_objects:
                # A reverse relation's related_model is always a class; the stubs also allow "self".
                related = cast("type[Model]", relation.related_model)
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(related._meta.db_table)}")
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(BenchmarkRun._meta.db_table)}")
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(Tier._meta.db_table)} WHERE source_id = %s", [source.pk]
            )
            cursor.execute(
                f"DELETE FROM {connection.ops.quote_name(Plan._meta.db_table)} WHERE source_id = %s", [source.pk]
            )


def synthetic_frames(
    *, tiers: int, branch_ids: dict[str, list[int]], source_id: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Plans and tiers as DataFrames in the tables' columns (tiers carry `plan_index` into the plans frame)."""
    rng = np.random.default_rng(seed)
    # Each plan sells 1-8 validities; draw plans until their tiers add up to exactly `tiers`.
    per_plan = rng.integers(1, 9, size=tiers // 2 + 1)
    cumulative = np.cumsum(per_plan)
    plan_count = int(np.searchsorted(cumulative, tiers) + 1)
    per_plan = per_plan[:plan_count]
    per_plan[-1] -= int(cumulative[plan_count - 1] - tiers)

    codes = [code for code in OPERATOR_WEIGHTS if code in branch_ids]
    weights = np.array([OPERATOR_WEIGHTS[code] for code in codes])
    operator_of_plan = rng.choice(len(codes), size=plan_count, p=weights / weights.sum())
    branch_of_plan = np.empty(plan_count, dtype=np.int64)
    for index, code in enumerate(codes):
        chosen = operator_of_plan == index
        branch_of_plan[chosen] = rng.choice(np.array(branch_ids[code]), size=int(chosen.sum()))
    segment = rng.choice(SEGMENTS, size=plan_count, p=SEGMENT_WEIGHTS)
    withdrawn = rng.random(plan_count) < 0.02
    plans = pd.DataFrame(
        {
            "branch_id": branch_of_plan,
            "name_zh": [f"合成套餐{number:07d}" for number in range(plan_count)],
            "name_en": [f"Synthetic plan {number}" for number in range(plan_count)],
            "segment": segment,
            "validity_options_days": "[]",
            "launched_on": "2024-01-01",
            "withdrawn_on": np.where(withdrawn, "2024-12-31", _NULL),
            "source_id": source_id,
            "notes": "",
        }
    )

    plan_index = np.repeat(np.arange(plan_count), per_plan)
    # Distinct validities within a plan: walk the options from a random start with a step coprime to 12.
    within = np.arange(tiers) - np.repeat(np.cumsum(per_plan) - per_plan, per_plan)
    start = rng.choice(len(VALIDITIES), size=plan_count, p=VALIDITY_WEIGHTS / VALIDITY_WEIGHTS.sum())
    validity = VALIDITIES[(start[plan_index] + 5 * within) % len(VALIDITIES)]

    data_gb = np.maximum(1, np.round(np.exp(rng.normal(np.log(2 + 1.6 * validity), 0.45))))
    per_gb = np.exp(rng.normal(np.log(3.0), 0.35, size=tiers))
    price = np.maximum(5, np.round(data_gb * per_gb))
    # Operators like prices ending in 9: 79, 109, 159.
    price = np.where(rng.random(tiers) < 0.5, np.maximum(9, np.floor(price / 10) * 10 + 9), price)
    kind = rng.random(tiers)
    unknown = kind < 0.03
    unlimited = (kind >= 0.03) & (kind < 0.04)
    promotional = (kind >= 0.04) & (kind < 0.05)
    price = np.where(promotional, 0, price)
    closed = rng.random(tiers) < 0.05
    tier_frame = pd.DataFrame(
        {
            "plan_index": plan_index,
            "validity_days": validity,
            "price_cny": price.astype(np.int64).astype(str),
            "data_gb": pd.array(np.where(unknown | unlimited, np.nan, data_gb), dtype="Float64"),
            "data_unlimited": unlimited,
            "domestic_voice_min": 100 * np.ceil(validity / 7).astype(np.int64),
            "intl_voice_min": np.where(rng.random(tiers) < 0.6, 100, 0),
            "intl_discount_cap_cny": np.where(rng.random(tiers) < 0.3, "50", "0"),
            "confidence": np.where(rng.random(tiers) < 0.1, "inferred", "confirmed"),
            "is_promotional": promotional,
            "effective_from": np.where(closed, "2024-01-01", "2025-01-01"),
            "effective_to": np.where(closed, "2024-12-31", _NULL),
            "source_id": source_id,
            "notes": "",
        }
    )
    return plans, tier_frame


def _reserve_ids(model: Any, count: int) -> np.ndarray:
    """`count` ids from the table's own sequence, so tiers can point at plans written in the same COPY batch."""
    table = model._meta.db_table
    if connection.vendor != "postgresql":
        current = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        return np.arange(current + 1, current + 1 + count, dtype=np.int64)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return np.array([row[0] for row in cursor.fetchall()], dtype=np.int64)


def _write(model: Any, frame: pd.DataFrame) -> None:
    """COPY the frame into the model's table (bulk_create elsewhere); columns the frame lacks take their defaults."""
    fields = {field.column: field for field in model._meta.concrete_fields}
    for column, field in fields.items():
        if column not in frame.columns and column != "id":
            default = field.get_default()
            frame[column] = "[]" if isinstance(default, list) else default
    if connection.vendor != "postgresql":
        objects = [
            model(**{fields[column].attname: _plain(value) for column, value in row.items()})
            for row in frame.to_dict("records")
        ]
        model.objects.bulk_create(objects, batch_size=500)
        return
    columns = list(frame.columns)
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    # In CSV an empty unquoted field is NULL; text columns that may not be NULL read it as "".
    texts = [
        connection.ops.quote_name(column)
        for column in columns
        if column in fields
        and not fields[column].null
        and fields[column].get_internal_type() in {"CharField", "TextField"}
    ]
    options = f"FORMAT csv, FORCE_NOT_NULL ({', '.join(texts)})" if texts else "FORMAT csv"
    for start in range(0, len(frame), 200_000):
        buffer = io.StringIO()
        frame.iloc[start : start + 200_000].to_csv(buffer, header=False, index=False)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN WITH ({options})") as copy,
        ):
            copy.write(buffer.getvalue())


def _plain(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return value.item() if isinstance(value, np.generic) else value
