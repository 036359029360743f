"""factory-boy factories for every domain model."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from competition.models import KeyFigure, Launch, Partner, Strategy, StrategyMilestone
from core.roles import ANALYST, VIEWER
from operators.models import Branch, Operator, Province, Source
from plans.models import Perk, Plan, Tier


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")
    is_staff = True

    role = factory.PostGeneration(lambda user, create, extracted, **kwargs: _join_role(user, create, extracted))


def _join_role(user, create: bool, role: str | None) -> None:
    if create and role:
        user.groups.add(Group.objects.get(name=role))
    if create:
        user.save()


class AnalystFactory(UserFactory):
    # A plain `role = ANALYST` would replace the post-generation hook and break create().
    role = factory.PostGeneration(
        lambda user, create, extracted, **kwargs: _join_role(user, create, extracted or ANALYST)
    )


class ViewerFactory(UserFactory):
    role = factory.PostGeneration(
        lambda user, create, extracted, **kwargs: _join_role(user, create, extracted or VIEWER)
    )


class OperatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Operator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"op{n}")
    name_zh = factory.Sequence(lambda n: f"运营商{n}")
    name_en = factory.Sequence(lambda n: f"Operator {n}")
    short_name_zh = "移动"


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{(n % 80) + 12}")
    name_zh = factory.Sequence(lambda n: f"省份{n}")
    name_en = factory.Sequence(lambda n: f"Province {n}")
    region = Province.Region.EAST


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    publication = "通信竞争 Communications Competition"
    publisher = "赛立信"
    issue = factory.Sequence(lambda n: f"VOL. {n}")
    title = factory.Sequence(lambda n: f"Article {n}")
    published_on = datetime.date(2025, 5, 1)


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    operator = factory.SubFactory(OperatorFactory)
    province = factory.SubFactory(ProvinceFactory)
    name_zh = factory.Sequence(lambda n: f"分公司{n}")
    name_en = factory.Sequence(lambda n: f"Branch {n}")


class PerkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Perk

    name_zh = factory.Sequence(lambda n: f"权益{n}")
    name_en = factory.Sequence(lambda n: f"Perk {n}")
    category = Perk.Category.OTHER


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    branch = factory.SubFactory(BranchFactory)
    name_zh = factory.Sequence(lambda n: f"套餐{n}")
    name_en = factory.Sequence(lambda n: f"Plan {n}")
    source = factory.SubFactory(SourceFactory)


class TierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tier

    plan = factory.SubFactory(PlanFactory)
    # Distinct per tier, and within the model's limit however many tiers a test session makes (a scale
    # test makes thousands; a plain n + 1 crossed 731 days and hit the check constraint).
    validity_days = factory.Sequence(lambda n: n % Tier.MAX_VALIDITY_DAYS + 1)
    price_cny = Decimal("100.00")
    data_gb = Decimal("30")
    domestic_voice_min = 100
    intl_voice_min = 0
    intl_discount_cap_cny = Decimal("0")
    source = factory.SelfAttribute("plan.source")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name_zh = factory.Sequence(lambda n: f"伙伴{n}")
    name_en = factory.Sequence(lambda n: f"Partner {n}")


class LaunchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Launch

    operator = factory.SubFactory(OperatorFactory)
    name_zh = factory.Sequence(lambda n: f"发布{n}")
    kind = Launch.Kind.SIM
    launched_on = datetime.date(2025, 3, 1)
    date_precision = "day"
    source = factory.SubFactory(SourceFactory)


class StrategyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Strategy

    operator = factory.SubFactory(OperatorFactory)
    theme = Strategy.Theme.SHORT_DRAMA
    title_zh = factory.Sequence(lambda n: f"战略{n}")
    source = factory.SubFactory(SourceFactory)


class StrategyMilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyMilestone

    strategy = factory.SubFactory(StrategyFactory)
    happened_on = datetime.date(2024, 2, 1)
    date_precision = "month"
    description_zh = "里程碑"


class KeyFigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyFigure

    strategy = factory.SubFactory(StrategyFactory)
    label_zh = "数字"
    amount = Decimal("30")
    unit = "亿元"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "competition.Indicator"
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"indicator_{n}")
    name_zh = factory.Sequence(lambda n: f"指标{n}")
    name_en = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "亿元"


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "competition.IndicatorValue"

    indicator = factory.SubFactory(IndicatorFactory)
    province = None
    period_start = datetime.date(2021, 1, 1)
    period_precision = "year"
    value = Decimal("1.47")
    unit = "万亿元"
    source = factory.SubFactory(SourceFactory)
    locator = "p. 1"


class ExchangeRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "competition.ExchangeRate"

    currency = "USD"
    rate_on = datetime.date(2025, 6, 1)
    cny_per_unit = Decimal("7.1883")
    source = factory.SubFactory(SourceFactory)


class DraftSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "competition.DraftSet"

    name = factory.Sequence(lambda n: f"draft set {n}")
    owner = factory.SubFactory(AnalystFactory)
    drafts = factory.LazyFunction(
        lambda: [
            {
                "validity_days": 7,
                "price_cny": "60.00",
                "data_gb": "30",
                "domestic_voice_min": 100,
                "intl_voice_min": 0,
            }
        ]
    )
