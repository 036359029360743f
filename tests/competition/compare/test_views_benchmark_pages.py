"""The benchmark table in pages: a page of rows by stored position, every row in the CSV, filters kept."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from competition.benchmarks import scheduling
from competition.compare.selectors import benchmarks as benchmark_selectors
from competition.models import BenchmarkRun
from tests.factories import BranchFactory, PlanFactory, TierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(seed) -> BenchmarkRun:
    return scheduling.benchmarks_recompute(trigger="test")


@pytest.fixture
def signed_in(client: Client, viewer, run) -> Client:
    client.force_login(viewer)
    return client


@pytest.fixture
def pages_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(benchmark_selectors, "BENCHMARK_PAGE_SIZE", 2)


def ranks(response) -> list[tuple[int | None, str]]:
    return [(r["rank"], r["branch_name_zh"]) for r in response.context["tables"]["benchmark"].rows]


def test_it_shows_one_page_of_rows_in_display_order(signed_in: Client, monkeypatch) -> None:
    whole = ranks(signed_in.get("/compare/benchmarks/?bucket=1-7"))
    monkeypatch.setattr(benchmark_selectors, "BENCHMARK_PAGE_SIZE", 2)
    first = signed_in.get("/compare/benchmarks/?bucket=1-7")
    second = signed_in.get("/compare/benchmarks/?bucket=1-7&page=2")
    # The free first-day card (promotional, unranked) leads at 0.00 per GB, then the ranks.
    assert ranks(first) == whole[:2] == [(None, "上海移动"), (1, "浙江联通")]
    assert ranks(second) == whole[2:4] == [(2, "江西移动"), (3, "上海移动")]
    # The seed's 1-7 bucket: 7 tiers, so four pages of two.
    assert second.context["page_obj"].paginator.num_pages == 4


def test_its_page_links_keep_the_filters_and_the_day(signed_in: Client, pages_of_two) -> None:
    html = signed_in.get("/compare/benchmarks/?bucket=1-7&include_from=1&currency=USD&page=2").content.decode()
    assert "Tiers 3–4 of 7" in html and "page 2 of 4" in html
    assert 'rel="next" href="?bucket=1-7&amp;include_from=1&amp;currency=USD&amp;page=3"' in html
    assert 'rel="prev" href="?bucket=1-7&amp;include_from=1&amp;currency=USD&amp;page=1"' in html


def test_a_page_past_the_end_shows_the_last_page(signed_in: Client, pages_of_two) -> None:
    response = signed_in.get("/compare/benchmarks/?bucket=1-7&page=99")
    assert response.context["page_obj"].number == 4
    assert len(response.context["tables"]["benchmark"].rows) == 1


def test_its_csv_carries_every_row_whatever_the_page(signed_in: Client, pages_of_two) -> None:
    response = signed_in.get("/compare/benchmarks/?bucket=1-7&page=2&format=csv&table=benchmark")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode().lstrip("\ufeff"))))
    assert [r["position"] for r in rows] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [r["branch_name_en"] for r in rows[:2]] == ["China Mobile Shanghai", "China Unicom Zhejiang"]


def test_its_csv_link_names_no_page(signed_in: Client, pages_of_two) -> None:
    html = signed_in.get("/compare/benchmarks/?bucket=1-7&page=2").content.decode()
    assert 'href="/compare/benchmarks/?bucket=1-7&amp;format=csv&amp;table=benchmark"' in html


def test_its_query_count_does_not_grow_with_the_page_size(signed_in: Client, monkeypatch) -> None:
    counts = []
    for size in (2, 100):
        monkeypatch.setattr(benchmark_selectors, "BENCHMARK_PAGE_SIZE", size)
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get("/compare/benchmarks/?bucket=1-7").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_its_query_count_does_not_grow_with_the_bucket(signed_in: Client) -> None:
    with CaptureQueriesContext(connection) as before:
        assert signed_in.get("/compare/benchmarks/?bucket=1-7&page=1").status_code == 200
    for code in ("12", "13", "14", "15", "21"):
        TierFactory(plan=PlanFactory(branch=BranchFactory(province__code=code)), validity_days=7)
    scheduling.benchmarks_recompute(trigger="test")
    with CaptureQueriesContext(connection) as after:
        assert signed_in.get("/compare/benchmarks/?bucket=1-7&page=1").status_code == 200
    assert len(after) == len(before)
