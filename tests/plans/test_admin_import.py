"""The admin's Import/Export on tiers: preview, line-numbered errors, failed-rows download, confirm, rights.

The tier import view is plans.importing.admin_views (the engine's own preview/confirm); plans and
launches keep django-import-export's import.
"""

from __future__ import annotations

import base64
import re
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from plans.importing import MAX_IMPORT_BYTES
from plans.models import Tier
from plans.services import tier_delete
from tests.factories import AnalystFactory, PlanFactory, SourceFactory, TierFactory, ViewerFactory


@pytest.fixture
def tier(db):
    plan = PlanFactory(name_zh="灵动卡")
    return TierFactory(plan=plan, validity_days=7, price_cny=Decimal("85.00"), data_gb=Decimal("30"))


@pytest.fixture
def analyst_browser(db) -> Client:
    client = Client()
    client.force_login(AnalystFactory(username="lin"))
    return client


def upload(text: str, name: str = "tiers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def preview(client: Client, text: str) -> str:
    response = client.post("/admin/plans/tier/import/", {"import_file": upload(text)})
    assert response.status_code == 200
    return response.content.decode()


def token_of(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_the_tier_changelist_offers_import_and_export(analyst_browser, tier):
    page = analyst_browser.get("/admin/plans/tier/").content.decode()

    assert "href='/admin/plans/tier/import/'" in page
    assert 'href="/admin/plans/tier/export/' in page


def test_an_edited_price_is_previewed_then_saved_on_confirm(analyst_browser, tier):
    printed = SourceFactory()
    text = f"id,plan,validity_days,price_cny,source\n{tier.pk},{tier.plan_id},7,79.00,{printed.pk}\n"

    page = preview(analyst_browser, text)

    assert "<del>85.00</del> <ins>79.00</ins>" in page
    assert Tier.objects.get(pk=tier.pk).price_cny == Decimal("85.00")
    assert "tiers.csv: would import 1 rows: 0 new, 1 changed, 0 unchanged (dry run, nothing saved)" in page
    confirmed = analyst_browser.post("/admin/plans/tier/process_import/", {"token": token_of(page)})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/admin/plans/tier/"
    current = Tier.objects.get(plan=tier.plan, validity_days=7, effective_to__isnull=True)
    assert current.price_cny == Decimal("79.00")
    assert current.history.latest().history_user.username == "lin"
    assert current.history.latest().history_change_reason == "admin import: tiers.csv line 2"
    assert LogEntry.objects.get(object_id=str(current.pk)).change_message == "admin import: tiers.csv"
    followed = analyst_browser.get("/admin/plans/tier/").content.decode()
    assert "iers.csv: imported 1 rows: 0 new, 1 changed, 0 unchanged" in followed  # the admin capitalises it


def test_a_confirm_runs_once_and_only_for_the_session_that_previewed(analyst_browser, tier):
    text = f"id,plan,validity_days,price_cny,source\n{tier.pk},{tier.plan_id},7,79.00,{SourceFactory().pk}\n"
    token = token_of(preview(analyst_browser, text))
    other = Client()
    other.force_login(AnalystFactory(username="wang"))

    refused = other.post("/admin/plans/tier/process_import/", {"token": token}, follow=True)

    assert "This preview has expired or was imported already" in refused.content.decode()
    assert Tier.objects.count() == 1
    assert analyst_browser.post("/admin/plans/tier/process_import/", {"token": token}).status_code == 302
    again = analyst_browser.post("/admin/plans/tier/process_import/", {"token": token}, follow=True)
    assert "This preview has expired or was imported already" in again.content.decode()
    assert Tier.objects.count() == 2  # the old price, closed, and the new one: imported once


def test_a_preview_that_went_stale_shows_the_errors_on_confirm_and_saves_nothing(analyst_browser, tier):
    text = f"id,plan,validity_days,price_cny,source\n{tier.pk},{tier.plan_id},7,79.00,{SourceFactory().pk}\n"
    token = token_of(preview(analyst_browser, text))
    tier_id = tier.pk
    tier_delete(tier=tier, actor=None)  # someone else, meanwhile

    page = analyst_browser.post("/admin/plans/tier/process_import/", {"token": token}).content.decode()

    assert f"line 2, id: No tier has id {tier_id}; leave id empty to add a new tier." in page
    assert "tiers.csv: 1 error(s); nothing was imported" in page
    assert not Tier.objects.exists()


def test_an_invalid_row_names_its_line_and_offers_the_failed_rows(analyst_browser, tier):
    text = (
        "id,plan,validity_days,price_cny,source\n"
        f",{tier.plan_id},15,120,{tier.source_id}\n"
        f",{tier.plan_id},30,abc,{tier.source_id}\n"
    )

    page = preview(analyst_browser, text)

    assert "line 3, price_cny: “abc” is not a number; write e.g. 85 or 85.50." in page
    assert "process_import" not in page  # no confirm button: nothing can be saved
    encoded = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    failed = base64.b64decode(encoded).decode("utf-8-sig")
    assert failed.splitlines()[0] == "line,errors,id,plan,validity_days,price_cny,source"
    assert failed.splitlines()[1].startswith("3,")
    assert not Tier.objects.filter(validity_days__in=[15, 30]).exists()


def test_an_oversized_file_is_refused_before_parsing(analyst_browser, tier):
    huge = "id,plan,validity_days,price_cny\n" + "x" * MAX_IMPORT_BYTES

    page = preview(analyst_browser, huge)

    assert "The file is 5242912 bytes; the import accepts at most 5242880 bytes (5 MB)." in page
    assert Tier.objects.count() == 1


def test_a_viewer_can_export_but_not_import(db, tier):
    client = Client()
    client.force_login(ViewerFactory(username="zhao"))

    assert client.get("/admin/plans/tier/import/").status_code == 403
    assert client.get("/admin/plans/tier/export/").status_code == 200


@pytest.mark.parametrize("model", ["plans/plan", "plans/tier", "competition/launch"])
def test_plans_tiers_and_launches_have_import_and_export_pages(analyst_browser, model):
    assert analyst_browser.get(f"/admin/{model}/import/").status_code == 200
    assert analyst_browser.get(f"/admin/{model}/export/").status_code == 200


def test_the_audit_trail_of_selected_tiers_downloads_from_the_changelist(analyst_browser, tier):
    response = analyst_browser.post(
        "/admin/plans/tier/", {"action": "download_audit_trail", "_selected_action": [tier.pk], "index": "0"}
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="audit-tier.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "when,who,model,object_id,object,action,field,old,new,reason"
    assert any(f",plans.tier,{tier.pk}," in line and ",created,price_cny,,85.00," in line for line in lines)
