"""The audit trail: field-by-field old/new across models, who and how, and its CSV export."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from core.audit import audit_csv, audit_entries
from core.services import audited_update
from plans.importing import tier_import
from plans.services import tier_create, tier_update
from tests.factories import AnalystFactory, PlanFactory, SourceFactory, ViewerFactory


@pytest.fixture
def priced(db):
    """A 7-day tier at 85 CNY created by lin, whose price wang then changes from 2025-06-01."""
    lin, wang = AnalystFactory(username="lin"), AnalystFactory(username="wang")
    plan = PlanFactory(name_zh="灵动卡")
    first = tier_create(
        actor=lin, plan=plan, validity_days=7, price_cny=Decimal("85.00"), source=plan.source, effective_from=None
    )
    second = tier_update(
        tier=first,
        changes={"price_cny": Decimal("75.00")},
        actor=wang,
        effective_on=datetime.date(2025, 6, 1),
        source=SourceFactory(title="6月资费"),
        reason="June price list",
    )
    return {"plan": plan, "first": first, "second": second, "lin": lin, "wang": wang}


def test_it_lists_field_changes_with_who_and_old_and_new_values(priced):
    first = priced["first"]

    entries = audit_entries(model_labels=["plans.tier"], object_ids=[first.pk])

    changed = [entry for entry in entries if entry.action == "changed"]
    assert [(e.who, e.field, e.old, e.new) for e in changed] == [("wang", "effective_to", "", "2025-06-01")]
    created = {entry.field: entry.new for entry in entries if entry.action == "created"}
    assert created["price_cny"] == "85.00"
    assert created["validity_days"] == "7"
    assert {entry.who for entry in entries if entry.action == "created"} == {"lin"}


def test_a_price_change_shows_as_a_closed_tier_and_a_new_one(priced):
    entries = audit_entries(model_labels=["plans.tier"])

    by_object = {(e.object_id, e.action, e.field): e for e in entries}
    assert by_object[(priced["first"].pk, "changed", "effective_to")].new == "2025-06-01"
    assert by_object[(priced["second"].pk, "created", "price_cny")].new == "75.00"
    assert by_object[(priced["second"].pk, "created", "effective_from")].new == "2025-06-01"


def test_a_new_prices_reason_is_in_the_export_on_both_the_closed_and_the_new_tier(priced):
    entries = audit_entries(model_labels=["plans.tier"])

    rows = list(csv.DictReader(io.StringIO(audit_csv(entries).lstrip("\ufeff"))))

    closed = {row["reason"] for row in rows if row["object_id"] == str(priced["first"].pk) and row["who"] == "wang"}
    opened = {row["reason"] for row in rows if row["object_id"] == str(priced["second"].pk)}
    assert closed == {"Closed by a new price from 2025-06-01: June price list"}
    assert opened == {"June price list"}


def test_it_records_the_import_file_and_line_as_the_reason(priced):
    second = priced["second"]
    content = f"id,plan,validity_days,price_cny,notes\n{second.pk},{second.plan_id},7,75.00,per operator site\n"

    assert tier_import(content=content.encode(), filename="fix.csv", actor=priced["lin"]).ok

    [entry] = [e for e in audit_entries(model_labels=["plans.tier"], username="lin") if e.action == "changed"]
    assert (entry.field, entry.old, entry.new) == ("notes", "", "per operator site")
    assert entry.reason == "import: fix.csv line 2"


def test_it_covers_every_domain_app_and_many_to_many_changes(priced):
    plan = priced["plan"]
    audited_update(instance=plan.source, changes={"url": "https://www.10086.cn/bj/"}, actor=priced["wang"])

    entries = audit_entries(since=timezone.now() - datetime.timedelta(minutes=5), username="wang")

    assert {entry.model for entry in entries} == {"operators.source", "plans.tier"}
    [url] = [entry for entry in entries if entry.field == "url"]
    assert (url.old, url.new) == ("", "https://www.10086.cn/bj/")


def test_it_filters_by_period(priced):
    tomorrow = timezone.now() + datetime.timedelta(days=1)

    assert audit_entries(since=tomorrow) == []
    assert audit_entries(until=timezone.now() - datetime.timedelta(days=1)) == []


def test_the_csv_has_a_header_and_one_line_per_field(priced):
    entries = audit_entries(model_labels=["plans.tier"], object_ids=[priced["first"].pk])

    rows = list(csv.DictReader(io.StringIO(audit_csv(entries).lstrip("\ufeff"))))

    assert len(rows) == len(entries)
    assert rows[0]["action"] == "changed"
    assert rows[0]["who"] == "wang"
    assert rows[0]["field"] == "effective_to"


def test_an_analyst_downloads_the_audit_csv_from_admin(client, priced):
    client.force_login(priced["lin"])

    response = client.get("/admin/audit.csv", {"model": "plans.tier", "object": priced["first"].pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "when,who,model,object_id,object,action,field,old,new,reason"
    assert ",wang,plans.tier," in text


def test_a_viewer_may_read_the_trail_of_what_they_may_view(client, priced):
    client.force_login(ViewerFactory(username="zhao"))

    assert client.get("/admin/audit.csv", {"model": "plans.tier"}).status_code == 200


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get("/admin/audit.csv")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"model": "auth.user"}, "unknown model auth.user"),
        ({"since": "yesterday"}, "since/until take YYYY-MM-DD"),
        ({"object": "1; DROP TABLE plans_tier"}, "object takes whole numbers"),
    ],
)
def test_it_rejects_bad_filters_with_a_message(client, priced, query, message):
    client.force_login(priced["lin"])

    response = client.get("/admin/audit.csv", query)

    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_admin_history_page_shows_each_change_as_old_and_new(client, priced):
    first = priced["first"]
    client.force_login(priced["lin"])

    page = " ".join(client.get(f"/admin/plans/tier/{first.pk}/history/").content.decode().split())

    assert ">wang</a>" in page
    assert "<strong>Effective to:</strong> None &nbsp;&rarr;&nbsp;&nbsp;2025-06-01" in page
