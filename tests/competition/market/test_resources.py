"""The import-export resource behind the admin's import and export of launches."""

from __future__ import annotations

import pytest
import tablib

from competition.market.resources import LaunchResource
from competition.models import Launch
from tests.factories import AnalystFactory, OperatorFactory, PartnerFactory, SourceFactory


@pytest.mark.django_db
def test_launches_import_with_partners_and_name_the_analyst():
    analyst = AnalystFactory()
    OperatorFactory(code="cucc")
    PartnerFactory(name_zh="中国银联")
    PartnerFactory(name_zh="北京银行")
    source = SourceFactory()
    text = (
        "id,operator,branch,name_zh,kind,launched_on,date_precision,source,partners,plans\n"
        f",cucc,,幂方卡,sim,2025-03-01,day,{source.pk},中国银联;北京银行,\n"
        f",cucc,,坏卡,teleport,2025-03-01,day,{source.pk},,\n"
    )

    preview = LaunchResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=True, user=analyst)
    assert preview.invalid_rows[0].error_dict == {"kind": ["Value 'teleport' is not a valid choice."]}
    assert Launch.objects.count() == 0

    good = "\n".join(text.splitlines()[:2]) + "\n"
    result = LaunchResource().import_data(tablib.Dataset().load(good, format="csv"), dry_run=False, user=analyst)

    assert not result.has_errors() and not result.has_validation_errors()
    launch = Launch.objects.get(name_zh="幂方卡")
    assert set(launch.partners.values_list("name_zh", flat=True)) == {"北京银行", "中国银联"}
    assert launch.history.earliest().history_user == analyst
