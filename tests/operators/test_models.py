"""Reference data: bilingual names, citations, and the rules that keep codes and branches unique."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from operators.models import Branch, Operator, Province, Source
from tests.factories import BranchFactory, OperatorFactory, ProvinceFactory, SourceFactory


@pytest.mark.django_db
def test_an_operator_reads_as_its_chinese_and_english_name():
    operator = OperatorFactory(code="cmcc", name_zh="中国移动", name_en="China Mobile")

    assert str(operator) == "中国移动 China Mobile"


@pytest.mark.django_db
def test_a_province_reads_as_its_chinese_and_english_name():
    assert str(ProvinceFactory(code="36", name_zh="江西", name_en="Jiangxi")) == "江西 Jiangxi"


@pytest.mark.django_db
def test_a_branch_reads_as_its_chinese_and_english_name():
    branch = BranchFactory(name_zh="北京移动", name_en="China Mobile Beijing")

    assert str(branch) == "北京移动 China Mobile Beijing"


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["1", "01", "111", "ab", "09"])
def test_a_province_code_must_be_two_gbt_2260_digits(code):
    province = Province(code=code, name_zh="某省", name_en="Some Province", region=Province.Region.EAST)

    with pytest.raises(ValidationError) as caught:
        province.full_clean()

    assert "Use the two-digit GB/T 2260 code, e.g. 11 for Beijing." in caught.value.message_dict["code"]


@pytest.mark.django_db
def test_a_valid_province_code_passes():
    Province(code="44", name_zh="广东", name_en="Guangdong", region=Province.Region.EAST).full_clean()


@pytest.mark.django_db
def test_the_database_refuses_a_bad_province_code_without_clean():
    with pytest.raises(IntegrityError), transaction.atomic():
        Province.objects.create(code="01", name_zh="某省", name_en="Some Province", region=Province.Region.EAST)


@pytest.mark.django_db
def test_operator_codes_are_unique():
    OperatorFactory(code="cmcc", name_zh="中国移动")
    twin = Operator(code="cmcc", name_zh="另一个移动", name_en="Another")

    with pytest.raises(ValidationError) as caught:
        twin.full_clean()

    assert caught.value.message_dict == {"code": ["Operator with this Code already exists."]}


@pytest.mark.django_db
def test_a_branch_is_unique_per_operator_province_and_city():
    branch = BranchFactory(city_zh="深圳")
    twin = Branch(
        operator=branch.operator, province=branch.province, city_zh="深圳", name_zh="深圳联通2", name_en="Twin"
    )

    with pytest.raises(ValidationError) as caught:
        twin.full_clean()

    assert caught.value.message_dict == {
        "__all__": ["Branch with this Operator, Province and City (zh) already exists."]
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.django_db
def test_a_city_branch_may_sit_beside_the_provincial_one():
    provincial = BranchFactory(city_zh="")
    city = Branch(
        operator=provincial.operator, province=provincial.province, city_zh="深圳", name_zh="深圳联通", name_en="SZ"
    )

    city.full_clean()


@pytest.mark.django_db
def test_a_source_cites_author_title_publication_issue_and_locator():
    source = SourceFactory(
        publication="通信竞争",
        issue="VOL. 71",
        title="免签政策红利下，运营商该如何把握机遇？",
        author="李明",
        locator="表1",
    )

    assert source.citation == "李明, «免签政策红利下，运营商该如何把握机遇？», 通信竞争, VOL. 71, 表1"
    assert str(source) == "通信竞争 (VOL. 71): 免签政策红利下，运营商该如何把握机遇？"


@pytest.mark.django_db
def test_a_source_citation_leaves_out_what_is_unknown():
    source = SourceFactory(publication="通信竞争", issue="", title="短剧", author="", locator="")

    assert source.citation == "«短剧», 通信竞争"
    assert str(source) == "通信竞争: 短剧"


@pytest.mark.django_db
def test_an_article_is_one_source():
    SourceFactory(publication="通信竞争", issue="VOL. 71", title="短剧")

    with pytest.raises(IntegrityError), transaction.atomic():
        Source.objects.create(publication="通信竞争", issue="VOL. 71", title="短剧")
