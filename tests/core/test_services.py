"""The audited write path every plain model shares: validate, save, and name the actor in history."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from competition.models import Launch
from core.services import audited_delete, audited_save, audited_update
from operators.models import Operator, Province
from tests.factories import LaunchFactory, OperatorFactory, PartnerFactory, ProvinceFactory


@pytest.mark.django_db
def test_audited_save_validates_before_saving(analyst):
    province = Province(code="3", name_zh="某省", name_en="Some", region=Province.Region.EAST)

    with pytest.raises(ValidationError) as caught:
        audited_save(instance=province, actor=analyst)

    assert caught.value.message_dict == {"code": ["Use the two-digit GB/T 2260 code, e.g. 11 for Beijing."]}
    assert not Province.objects.exists()


@pytest.mark.django_db
def test_audited_save_names_the_actor_in_history(analyst):
    operator = audited_save(instance=Operator(code="cbn", name_zh="中国广电", name_en="China Broadnet"), actor=analyst)

    record = operator.history.get()
    assert (record.history_type, record.history_user, record.code) == ("+", analyst, "cbn")


@pytest.mark.django_db
def test_an_anonymous_actor_leaves_the_author_empty():
    operator = audited_save(
        instance=Operator(code="cbn", name_zh="中国广电", name_en="China Broadnet"), actor=AnonymousUser()
    )

    assert operator.history.get().history_user is None


@pytest.mark.django_db
def test_audited_update_changes_only_the_given_fields(analyst):
    operator = OperatorFactory(code="cucc", name_zh="中国联通", name_en="Unicom")
    # Another write changed the row since this copy was read; a full save would undo it.
    Operator.objects.filter(pk=operator.pk).update(website="https://www.chinaunicom.com.cn")

    audited_update(instance=operator, changes={"name_en": "China Unicom"}, actor=analyst)

    operator.refresh_from_db()
    assert (operator.name_en, operator.website) == ("China Unicom", "https://www.chinaunicom.com.cn")
    assert operator.history.latest().history_user == analyst


@pytest.mark.django_db
def test_audited_update_sets_many_to_many_fields_too(analyst):
    launch = LaunchFactory()
    unionpay = PartnerFactory(name_zh="中国银联")

    audited_update(instance=launch, changes={"partners": [unionpay], "summary_en": "With UnionPay"}, actor=analyst)

    launch = Launch.objects.get(pk=launch.pk)
    assert list(launch.partners.all()) == [unionpay]
    assert launch.summary_en == "With UnionPay"
    assert [row.partner for row in launch.history.latest().partners.all()] == [unionpay]


@pytest.mark.django_db
def test_audited_update_validates(analyst):
    province = ProvinceFactory(code="36")

    with pytest.raises(ValidationError) as caught:
        audited_update(instance=province, changes={"code": "360"}, actor=analyst)

    assert caught.value.message_dict == {
        "code": [
            "Use the two-digit GB/T 2260 code, e.g. 11 for Beijing.",
            "Ensure this value has at most 2 characters (it has 3).",
        ]
    }
    province.refresh_from_db()
    assert province.code == "36"


@pytest.mark.django_db
def test_audited_delete_names_the_actor_in_history(analyst):
    province = ProvinceFactory(code="65")
    province_id = province.pk

    audited_delete(instance=province, actor=analyst)

    assert not Province.objects.filter(pk=province_id).exists()
    record = Province.history.filter(id=province_id).latest()
    assert (record.history_type, record.history_user) == ("-", analyst)
