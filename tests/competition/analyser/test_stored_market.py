"""The analyser's stored-run path gives exactly the answers of `drafts_position_compute` over the tiers.

Random markets (ties, unknown data, unlimited, promotional, "from" prices, empty buckets) are
computed and stored as a run the way a recompute stores one; random drafts, many of them tied
with market tiers, are then answered from the run's slices and compared with the reference.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competition.analyser import selectors, stored_market
from competition.analyser.validation import analyser_input_validate
from competition.benchmarks import analytics, scheduling, storage
from competition.benchmarks.models import BenchmarkRun
from operators.models import Branch
from tests.factories import PlanFactory, TierFactory

pytestmark = pytest.mark.django_db

# Few distinct prices, volumes and validities, so equal values (ties) and shared rounded cents abound.
PRICES = st.sampled_from(["0", "1", "5", "9.99", "10", "20", "30", "33.33", "60", "70", "100", "299"])
DATA = st.sampled_from([None, "0", "1", "3", "7", "10", "20", "30", "0.5", "100"])
DAYS = st.sampled_from([1, 3, 5, 7, 8, 10, 14, 15, 21, 29, 30, 31, 90, 365])
PROVINCES = ["11", "31"]


@st.composite
def tiers(draw: st.DrawFn, *, market: bool) -> dict:
    row = {
        "validity_days": draw(DAYS),
        "price_cny": draw(PRICES),
        "data_gb": draw(DATA),
        "data_unlimited": draw(st.booleans()) if draw(st.integers(0, 5)) == 0 else False,
        "domestic_voice_min": draw(st.sampled_from([None, 0, 30, 100, 300])),
        "intl_voice_min": draw(st.sampled_from([None, 0, 10, 60])),
    }
    if row["data_unlimited"]:
        row["data_gb"] = None
    if market:
        row.update(
            province_code=draw(st.sampled_from(PROVINCES)),
            operator_code=draw(st.sampled_from(["cmcc", "cucc", "ctcc"])),
            branch_name_zh=draw(st.sampled_from(["北京移动", "上海联通"])),
            plan_name_zh=draw(st.sampled_from(["畅行卡", "熊猫卡"])),
            is_promotional=draw(st.integers(0, 6)) == 0,
            is_from_price=draw(st.integers(0, 6)) == 0,
        )
    elif row["data_gb"] == "0":
        row["data_gb"] = None  # a draft must give data above 0 (the validator's rule)
    return row


def stored_answers(market, drafts, *, basket_provinces, include_promotional):
    """Store the market as the latest run (as a recompute does) and answer the drafts from it."""
    profiles = analytics.DEFAULT_BASKETS
    parameters = analytics.BenchmarkParameters(include_promotional=include_promotional)
    run = BenchmarkRun.objects.create(
        status=BenchmarkRun.Status.COMPLETE,
        computed_at=timezone.now(),
        methodology_version=analytics.METHODOLOGY_VERSION,
        parameters=parameters.as_dict(),
    )
    storage.benchmark_result_store(run=run, result=analytics.benchmarks_compute(market, parameters=parameters))
    stored = stored_market.stored_market_run(
        as_of=timezone.localdate(), include_promotional=include_promotional, profiles=profiles
    )
    assert stored is not None and stored[0] == run
    _, summaries = stored
    return analytics.drafts_position_from_markets(
        drafts,
        stored_market.metric_markets(
            run=run,
            summaries=summaries,
            drafts=analytics.drafts_values(drafts),
        ),
        basket_provinces=basket_provinces,
        basket_options=stored_market.basket_options(run=run, provinces=basket_provinces, profiles=profiles),
        profiles=profiles,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    market_rows=st.lists(tiers(market=True), max_size=40),
    draft_rows=st.lists(tiers(market=False), min_size=1, max_size=6),
    scopes=st.lists(st.sampled_from([None, "11", "31", "44"]), min_size=6, max_size=6),
    include_promotional=st.booleans(),
    copies=st.integers(0, 2),
)
def test_the_stored_run_answers_random_drafts_exactly_as_the_reference(
    market_rows, draft_rows, scopes, include_promotional, copies
):
    # Some drafts copy a market tier's price, data and validity: ties with it under every metric.
    draft_rows = [*draft_rows, *market_rows[:copies]][:6]
    market = analytics.tiers_frame({"tier_id": 100 + number, **row} for number, row in enumerate(market_rows))
    drafts = analytics.tiers_frame(
        {
            "tier_id": number,
            **{key: value for key, value in row.items() if key in {"validity_days", "price_cny", "data_gb"}},
            "data_unlimited": row["data_unlimited"],
            "domestic_voice_min": row["domestic_voice_min"],
            "intl_voice_min": row["intl_voice_min"],
        }
        for number, row in enumerate(draft_rows, start=1)
    )
    provinces = scopes[: len(draft_rows)]
    expected = analytics.drafts_position_compute(
        market, drafts, basket_provinces=provinces, include_promotional=include_promotional
    )
    with transaction.atomic():
        got = stored_answers(market, drafts, basket_provinces=provinces, include_promotional=include_promotional)
        transaction.set_rollback(True)
    assert got == expected


def test_a_draft_between_many_tied_tiers_takes_their_shared_rank_and_counts(db):
    # Three tiers at exactly 2.00 per GB and 20/7 a day, one of them "from": neighbours stand for the two others.
    market = analytics.tiers_frame(
        [
            {"tier_id": 11, "validity_days": 7, "price_cny": "20", "data_gb": "10"},
            {"tier_id": 12, "validity_days": 7, "price_cny": "20", "data_gb": "10"},
            {"tier_id": 13, "validity_days": 7, "price_cny": "20", "data_gb": "10", "is_from_price": True},
            {"tier_id": 14, "validity_days": 7, "price_cny": "40", "data_gb": "20"},
            {"tier_id": 15, "validity_days": 7, "price_cny": "21", "data_gb": "10"},
        ]
    )
    drafts = analytics.tiers_frame([{"tier_id": 1, "validity_days": 7, "price_cny": "20.5", "data_gb": "10"}])
    with transaction.atomic():
        (answer,) = stored_answers(market, drafts, basket_provinces=[None], include_promotional=False)
        transaction.set_rollback(True)
    assert answer["rank"] == 4  # 11, 12 and 14 are at 2.00 per GB; 13's floor is no price
    assert (answer["cheaper_neighbour"]["tier_id"], answer["cheaper_neighbour"]["tied_count"]) == (11, 3)
    assert answer["dearer_neighbour"]["tier_id"] == 15
    assert answer["metrics"]["per_day"]["cheaper_neighbour"]["tied_count"] == 2  # 14 is 40/7 a day


SEED_DRAFTS = [
    {"validity_days": 7, "price_cny": "60.00", "data_gb": "30", "domestic_voice_min": 100, "intl_voice_min": 0},
    {"validity_days": 7, "price_cny": "50.00", "data_gb": "30", "domestic_voice_min": 100, "intl_voice_min": 10},
    {"validity_days": 7, "price_cny": "70.00", "data_gb": "30", "domestic_voice_min": 0, "intl_voice_min": 0},
    {"validity_days": 15, "price_cny": "99.00", "data_unlimited": True, "domestic_voice_min": 100},
    {"validity_days": 30, "price_cny": "10.00", "domestic_voice_min": 100, "intl_voice_min": 60},
    {"validity_days": 10, "price_cny": "0.00", "data_gb": "1"},
]


@pytest.mark.parametrize("province", ["", "31", "44"])
def test_on_the_seed_the_analyser_reads_the_run_and_answers_as_from_the_tiers(seed, province, monkeypatch):
    scheduling.benchmarks_recompute(trigger="test")
    analyser_input = analyser_input_validate({"drafts": SEED_DRAFTS, "province": province})
    with CaptureQueriesContext(connection) as stored_queries:
        from_run = selectors.drafts_analyse(analyser_input=analyser_input)
    monkeypatch.setattr(stored_market, "stored_market_run", lambda **_: None)
    from_tiers = selectors.drafts_analyse(analyser_input=analyser_input)
    assert [answer.position for answer in from_run.answers] == [answer.position for answer in from_tiers.answers]
    assert not any("plans_tier" in query["sql"] for query in stored_queries.captured_queries)


def test_a_run_of_other_parameters_is_not_the_analysers_market(seed):
    scheduling.benchmarks_recompute(trigger="test")
    profiles = selectors.basket_profiles()
    today = timezone.localdate()
    assert stored_market.stored_market_run(as_of=today, include_promotional=False, profiles=profiles) is not None
    assert stored_market.stored_market_run(as_of=today, include_promotional=True, profiles=profiles) is None
    # A past day without its own as-of run is read from the tiers in effect then.
    yesterday = today - datetime.timedelta(days=1)
    assert stored_market.stored_market_run(as_of=yesterday, include_promotional=False, profiles=profiles) is None


def _grow(count: int) -> None:
    """`count` more 7- and 30-day tiers in 北京 and 上海, at spread prices."""
    branches = list(Branch.objects.filter(province__code__in=["11", "31"]))
    for index in range(count):
        plan = PlanFactory(branch=branches[index % len(branches)])
        for days in (7, 30):
            TierFactory(plan=plan, validity_days=days, price_cny=Decimal(20 + 3 * index), data_gb=Decimal("10"))


def _analyser_queries(client) -> tuple[int, int]:
    scheduling.benchmarks_recompute(trigger="test")
    with CaptureQueriesContext(connection) as api:
        response = client.post("/api/v1/analyser/", {"drafts": SEED_DRAFTS, "province": "31"}, format="json")
        assert response.status_code == 200
    query = "&".join(
        f"d{number}-{key}={'on' if value is True else value}"
        for number, draft in enumerate(SEED_DRAFTS)
        for key, value in draft.items()
    )
    with CaptureQueriesContext(connection) as page:
        assert client.get(f"/compare/analyser/?{query}&province=31").status_code == 200
    return len(api), len(page)


def test_the_analysers_queries_do_not_grow_with_the_market(seed, viewer, viewer_client):
    viewer_client.force_login(viewer)  # the page needs a session
    small = _analyser_queries(viewer_client)
    _grow(30)
    assert _analyser_queries(viewer_client) == small
