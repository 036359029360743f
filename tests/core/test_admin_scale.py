"""Every registered admin stays fast at a million rows: query counts flat in the data, nothing that scans it.

Each changelist is read at N and 3N rows of its model and must take no more queries at 3N; the
rules that keep a page off a full scan (no date_hierarchy or plain-field filter on a big table, no
<select> of a big table in a form, one count per list) are checked for every registered admin.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Group
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from competition.benchmarks.models import BenchmarkRun
from competition.market.models import Launch
from core import counting
from core.admin import scale
from core.models import Job
from operators.models import Branch, Operator, Source
from plans.admin.plans import TIER_INLINE_LIMIT
from plans.models import Plan, Tier
from tests.admin_contract import admin_url
from tests.factories import (
    BranchFactory,
    ExchangeRateFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    KeyFigureFactory,
    LaunchFactory,
    OperatorFactory,
    PartnerFactory,
    PerkFactory,
    PlanFactory,
    ProvinceFactory,
    SourceFactory,
    StrategyFactory,
    StrategyMilestoneFactory,
    TierFactory,
    UserFactory,
)

_numbers = itertools.count(1)

# Tables that grow with the market: a million tiers in hundreds of thousands of plans. No date_hierarchy
# or DISTINCT-backed filter on them.
BIG_MODELS: tuple[type[models.Model], ...] = (Tier, Plan)
# Tables too long for a <select> in a form (a source per import, a branch per city, many launches).
LONG_MODELS: tuple[type[models.Model], ...] = (Tier, Plan, Source, Branch, Launch)
# Third-party admins of tables that stay small (one row per user or login attempt window); they are
# read at N and 3N like ours, but their options are theirs.
THIRD_PARTY_APPS = {"auth", "authtoken", "axes"}


def perk_on_a_plan() -> object:
    perk = PerkFactory()
    PlanFactory().perks.add(perk)
    return perk


def launch_with_a_partner() -> object:
    launch = LaunchFactory()
    launch.partners.add(PartnerFactory())
    return launch


def strategy_with_figures() -> object:
    strategy = StrategyFactory()
    StrategyMilestoneFactory(strategy=strategy)
    KeyFigureFactory(strategy=strategy)
    return strategy


def exchange_rate() -> object:
    return ExchangeRateFactory(rate_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=next(_numbers)))


def benchmark_run() -> object:
    return BenchmarkRun.objects.create(
        status=BenchmarkRun.Status.COMPLETE, computed_at=timezone.now(), methodology_version="1.2"
    )


def job() -> object:
    return Job.objects.create(kind="plans.tier_export", params={"format": "csv"}, created_by=UserFactory())


def token() -> object:
    return Token.objects.create(user=UserFactory())


def access_attempt() -> object:
    from axes.models import AccessAttempt

    return AccessAttempt.objects.create(
        username=f"user{next(_numbers)}", ip_address="127.0.0.1", failures_since_start=1
    )


def access_log() -> object:
    from axes.models import AccessLog

    return AccessLog.objects.create(username=f"user{next(_numbers)}", ip_address="127.0.0.1")


def access_failure() -> object:
    from axes.models import AccessFailureLog

    return AccessFailureLog.objects.create(username=f"user{next(_numbers)}", ip_address="127.0.0.1")


GROWERS: dict[str, Callable[[], object]] = {
    "auth.Group": lambda: Group.objects.create(name=f"group {next(_numbers)}"),
    "auth.User": UserFactory,
    "authtoken.TokenProxy": token,
    "axes.AccessAttempt": access_attempt,
    "axes.AccessLog": access_log,
    "axes.AccessFailureLog": access_failure,
    "core.Job": job,
    "operators.Operator": OperatorFactory,
    "operators.Province": ProvinceFactory,
    "operators.Source": SourceFactory,
    "operators.Branch": BranchFactory,
    "plans.Perk": perk_on_a_plan,
    "plans.Plan": lambda: TierFactory().plan,
    "plans.Tier": TierFactory,
    "competition.BenchmarkRun": benchmark_run,
    "competition.Indicator": IndicatorFactory,
    "competition.IndicatorValue": lambda: IndicatorValueFactory(indicator=IndicatorFactory()),
    "competition.ExchangeRate": exchange_rate,
    "competition.Partner": lambda: launch_with_a_partner().partners.get(),  # type: ignore[attr-defined]
    "competition.Launch": launch_with_a_partner,
    "competition.Strategy": strategy_with_figures,
    "competition.StrategyMilestone": StrategyMilestoneFactory,
    "competition.KeyFigure": KeyFigureFactory,
}
REGISTERED = sorted(model._meta.label for model in admin.site._registry)
OURS = [label for label in REGISTERED if label.split(".")[0] not in THIRD_PARTY_APPS]


def model_of(label: str) -> type[models.Model]:
    return next(model for model in admin.site._registry if model._meta.label == label)


def queries_of(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_every_registered_admin_has_a_grower_here():
    assert sorted(GROWERS) == REGISTERED


@pytest.mark.django_db
@pytest.mark.parametrize("label", REGISTERED)
def test_the_changelist_takes_no_more_queries_at_three_times_the_rows(admin_client, label):
    model = model_of(label)
    grow = GROWERS[label]
    rows = 2
    for _ in range(rows):
        grow()
    at_n = queries_of(admin_client, admin_url(model, "changelist"))
    for _ in range(2 * rows):
        grow()

    assert queries_of(admin_client, admin_url(model, "changelist")) <= at_n


@pytest.mark.django_db
@pytest.mark.parametrize("label", [label for label in OURS if hasattr(model_of(label), "history")])
def test_the_history_page_takes_no_more_queries_at_three_times_the_records(admin_client, label):
    model = model_of(label)
    row = GROWERS[label]()
    assert isinstance(row, models.Model)
    history = model.history  # type: ignore[attr-defined]
    latest = history.filter(**{model._meta.pk.attname: row.pk}).latest()

    def add_records(count: int) -> None:
        for _ in range(count):
            latest.pk = None
            latest.history_id = None
            latest.history_type = "~"
            latest.save()

    # A page of records at N, three pages at 3N: the page, not the history, bounds the queries.
    per_page = admin.site._registry[model].history_list_per_page
    add_records(per_page)
    at_n = queries_of(admin_client, admin_url(model, "history", row.pk))
    add_records(2 * per_page)

    assert queries_of(admin_client, admin_url(model, "history", row.pk)) <= at_n


@pytest.mark.parametrize("label", OURS)
def test_every_admin_of_ours_counts_once_and_keeps_off_full_scans(label):
    model = model_of(label)
    model_admin = admin.site._registry[model]

    assert model_admin.show_full_result_count is False
    assert model_admin.paginator is scale.EstimatedCountPaginator
    if model in BIG_MODELS:
        assert model_admin.date_hierarchy is None
    plain_filters = [
        spec for spec in model_admin.list_filter if isinstance(spec, str) and _scans_for_choices(model, spec)
    ]
    if model in BIG_MODELS:
        assert plain_filters == []


@pytest.mark.parametrize("label", OURS)
def test_no_form_of_ours_renders_a_select_of_a_big_table(label):
    model_admin = admin.site._registry[model_of(label)]
    widgets_of_choice = set(model_admin.autocomplete_fields) | set(model_admin.raw_id_fields)
    read_only = set(model_admin.readonly_fields)
    for inline in model_admin.inlines:
        for field in inline.model._meta.get_fields():
            if field.is_relation and field.related_model in LONG_MODELS and field.concrete:
                inline_choice = (
                    set(inline.autocomplete_fields) | set(inline.raw_id_fields) | set(inline.readonly_fields)
                )
                fk_to_parent = field.related_model is model_admin.model
                assert fk_to_parent or field.name in inline_choice or not _in_form(inline, field.name), (inline, field)
    for field in model_admin.model._meta.get_fields():
        if field.is_relation and field.concrete and field.related_model in LONG_MODELS and field.editable:
            if model_admin.has_add_permission.__func__ is not admin.ModelAdmin.has_add_permission:  # type: ignore[attr-defined]
                continue  # a read-only admin renders no select
            assert field.name in widgets_of_choice | read_only, field.name


def _scans_for_choices(model: type[models.Model], path: str) -> bool:
    """Whether Django picks AllValuesFieldListFilter (a DISTINCT over the column) for this filter."""
    field = get_fields_from_path(model, path)[-1]
    return not (field.is_relation or field.choices or isinstance(field, (models.BooleanField, models.DateField)))


def _in_form(inline: type, name: str) -> bool:
    fields = getattr(inline, "fields", None)
    fieldsets = getattr(inline, "fieldsets", None)
    if fields:
        return name in fields
    if fieldsets:
        return any(
            name in itertools.chain.from_iterable(_flat(line) for line in opts["fields"]) for _, opts in fieldsets
        )
    return True


def _flat(line: object) -> tuple[str, ...]:
    return (line,) if isinstance(line, str) else tuple(line)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_the_plan_page_shows_at_most_the_inline_limit_of_tiers_and_links_the_rest(admin_client):
    plan = PlanFactory()
    for days in range(1, TIER_INLINE_LIMIT + 1):
        TierFactory(plan=plan, validity_days=days)
    at_limit = queries_of(admin_client, admin_url(Plan, "change", plan.pk))
    ended = [TierFactory(plan=plan, validity_days=days) for days in range(100, 100 + 2 * TIER_INLINE_LIMIT)]
    Tier.objects.filter(pk__in=[tier.pk for tier in ended]).update(
        effective_from=datetime.date(2024, 1, 1), effective_to=datetime.date(2024, 6, 1)
    )

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(admin_url(Plan, "change", plan.pk))
    page = response.content.decode()

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.initial_form_count() == TIER_INLINE_LIMIT
    assert f"{2 * TIER_INLINE_LIMIT} earlier tiers are not shown" in page
    assert f"?plan__id__exact={plan.pk}" in page
    assert len(queries) <= at_limit + 2  # the ids of the shown tiers and the count of the others


@pytest.mark.django_db
def test_the_tiers_link_of_a_plan_lists_only_that_plans_tiers(admin_client):
    plan = PlanFactory()
    mine = TierFactory(plan=plan, price_cny=Decimal("12.34"))
    TierFactory(price_cny=Decimal("56.78"))

    response = admin_client.get(f"{admin_url(Tier, 'changelist')}?plan__id__exact={plan.pk}")

    assert [tier.pk for tier in response.context["cl"].result_list] == [mine.pk]


@pytest.mark.django_db
def test_the_validity_filter_offers_each_validity_a_tier_has(admin_client):
    for days in (7, 30, 7, 15):
        TierFactory(validity_days=days)

    response = admin_client.get(admin_url(Tier, "changelist"))
    spec = next(spec for spec in response.context["cl"].filter_specs if spec.parameter_name == "validity_days")

    assert [value for value, _label in spec.lookup_choices] == ["7", "15", "30"]


@pytest.mark.django_db
def test_a_big_unfiltered_list_is_counted_from_the_planner_statistics(admin_client, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("pg_class statistics are PostgreSQL's")
    for _ in range(3):
        TierFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE plans_tier")
    monkeypatch.setattr(counting, "ESTIMATE_FROM_ROWS", 1)

    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(admin_url(Tier, "changelist"))

    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper() and "plans_tier" in query["sql"]]
    assert counts == []
    assert "about 3 price tiers" in response.content.decode()


@pytest.mark.django_db
def test_a_filtered_list_is_counted_exactly(admin_client, monkeypatch):
    monkeypatch.setattr(counting, "ESTIMATE_FROM_ROWS", 1)
    TierFactory(validity_days=7)
    TierFactory(validity_days=30)

    response = admin_client.get(f"{admin_url(Tier, 'changelist')}?validity_days=7")

    assert response.context["cl"].result_count == 1
    assert not response.context["cl"].paginator.estimated


def test_the_paginator_counts_a_list_exactly_off_postgresql(monkeypatch):
    class Vendor:
        vendor = "sqlite"

    monkeypatch.setattr(counting, "connections", {"default": Vendor()})

    assert scale.table_row_estimate(Tier.objects.all()) is None


@pytest.mark.django_db
def test_the_paginator_counts_a_filtered_queryset_exactly():
    assert scale.table_row_estimate(Tier.objects.filter(validity_days=7)) is None
    assert scale.table_row_estimate(Operator.objects.all()) is None  # small: exactly
