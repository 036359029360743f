"""THE column vocabulary of every table handed out: API rows, API and page CSV/XLSX, and the commands.

One name for one thing wherever it appears, so a notebook that joins an API export to a page CSV
or a `benchmark_table --format csv` needs no mapping. The rules:

- a code is named for what it codes (`operator_code`, `province_code`) and its names stand beside
  it (`province_name_zh`, `province_name_en`);
- a Chinese name has its English twin beside it (`branch_name_zh`, `branch_name_en`) wherever the
  entity has one;
- money ends in `_cny`, data in `_gb`, ids in `_id`.

Names outside clients rely on (DOMAIN.md: `price_cny`, `data_gb`, `validity_days`,
`price_per_gb_cny`, `price_per_day_cny`, `confidence`, and the API fields they already read such
as a benchmark row's `branch` or `plan`) are never renamed: a door that already spoke another word
keeps it, and the vocabulary's name is added beside it.

Plain words, no models: every app (and core's writers) may use them.
"""

from __future__ import annotations

# Who and where.
OPERATOR_CODE = "operator_code"
OPERATOR_NAME_ZH = "operator_name_zh"
OPERATOR_NAME_EN = "operator_name_en"
PROVINCE_CODE = "province_code"
PROVINCE_NAME_ZH = "province_name_zh"
PROVINCE_NAME_EN = "province_name_en"
BRANCH_ID = "branch_id"
BRANCH_NAME_ZH = "branch_name_zh"
BRANCH_NAME_EN = "branch_name_en"

# What is sold, at what price.
PLAN_ID = "plan_id"
PLAN_NAME_ZH = "plan_name_zh"
PLAN_NAME_EN = "plan_name_en"
TIER_ID = "tier_id"
VALIDITY_DAYS = "validity_days"
PRICE_CNY = "price_cny"
PRICE_QUALIFIER = "price_qualifier"
DATA_GB = "data_gb"
DATA_UNLIMITED = "data_unlimited"
PRICE_PER_GB_CNY = "price_per_gb_cny"
PER_GB_UNDEFINED_REASON = "per_gb_undefined_reason"
PRICE_PER_DAY_CNY = "price_per_day_cny"
PRICE_PER_30_DAYS_CNY = "price_per_30_days_cny"
IS_PROMOTIONAL = "is_promotional"
CONFIDENCE = "confidence"

# What a benchmark computed, and from which run.
BUCKET = "bucket"
POSITION = "position"
RANK = "rank"
INDEX = "index"
RUN_ID = "run_id"
AS_OF = "as_of"
COMPUTED_AT = "computed_at"
METHODOLOGY_VERSION = "methodology_version"
RUN_REVISION = "run_revision"
RUN_UPDATED_AT = "run_updated_at"
INCLUDE_FROM = "include_from"
BUCKET_MEDIAN_PER_GB_CNY = "bucket_median_per_gb_cny"
BUCKET_SAMPLE_COUNT = "bucket_sample_count"

# Who, where and which plan, in the order every table lists them.
WHO_AND_WHERE: tuple[str, ...] = (
    PROVINCE_CODE,
    PROVINCE_NAME_ZH,
    PROVINCE_NAME_EN,
    OPERATOR_CODE,
    BRANCH_ID,
    BRANCH_NAME_ZH,
    BRANCH_NAME_EN,
    PLAN_ID,
    PLAN_NAME_ZH,
    PLAN_NAME_EN,
)

# The run columns a benchmark table's CSV carries on every row (in XLSX they are its "about" sheet too).
# Which run a benchmark figure comes from (competition.benchmarks.exporting.run_export_values).
RUN_DESCRIPTION: tuple[str, ...] = (RUN_ID, AS_OF, COMPUTED_AT, METHODOLOGY_VERSION, RUN_REVISION, RUN_UPDATED_AT)
RUN_COLUMNS: tuple[str, ...] = (
    *RUN_DESCRIPTION,
    INCLUDE_FROM,
    BUCKET_MEDIAN_PER_GB_CNY,
    BUCKET_SAMPLE_COUNT,
)
