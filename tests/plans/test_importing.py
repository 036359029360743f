"""The tier import service: parse, validate through the services, all-or-nothing, preview, errors."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from operators.models import Operator, Province
from plans.importing import tier_import
from plans.models import Tier
from tests.factories import AnalystFactory, BranchFactory, PlanFactory, SourceFactory, TierFactory
from tests.responses import body

EXPORT_COLUMNS = [
    "id",
    "plan",
    "plan_name",
    "branch_name",
    "operator_code",
    "province_code",
    "validity_days",
    "price_cny",
    "data_gb",
    "data_unlimited",
    "domestic_voice_min",
    "intl_voice_min",
    "intl_discount_cap_cny",
    "price_per_gb_cny",
    "price_per_day_cny",
    "confidence",
    "is_promotional",
    "effective_from",
    "effective_to",
    "source",
]


@pytest.fixture
def beijing(db):
    """北京移动's 灵动卡 with a 7-day and a 15-day tier, like the seed's Table 1 rows."""
    operator = Operator.objects.create(code="cmcc", name_zh="中国移动", name_en="China Mobile", short_name_zh="移动")
    province = Province.objects.create(code="11", name_zh="北京", name_en="Beijing", region=Province.Region.EAST)
    branch = BranchFactory(operator=operator, province=province, name_zh="北京移动", name_en="China Mobile Beijing")
    source = SourceFactory(title="免签政策红利下，运营商该如何把握机遇？")
    plan = PlanFactory(branch=branch, name_zh="灵动卡", name_en="Smart Card", source=source)
    week = TierFactory(
        plan=plan, validity_days=7, price_cny=Decimal("85.00"), data_gb=Decimal("30"), effective_from=None
    )
    fortnight = TierFactory(plan=plan, validity_days=15, price_cny=Decimal("125.00"), data_gb=Decimal("60"))
    # Where a new price in an edited file comes from: a new price is a new observation with its own source.
    june = SourceFactory(title="6月资费公告")
    return {"plan": plan, "source": source, "week": week, "fortnight": fortnight, "june": june}


def export_row(tier: Tier, **overrides: object) -> dict[str, str]:
    """A tier as the API's CSV export writes it (computed columns included)."""
    row = {
        "id": str(tier.pk),
        "plan": str(tier.plan_id),
        "plan_name": tier.plan.name_zh,
        "branch_name": tier.plan.branch.name_zh,
        "operator_code": tier.plan.branch.operator.code,
        "province_code": tier.plan.branch.province.code,
        "validity_days": str(tier.validity_days),
        "price_cny": f"{tier.price_cny:.2f}",
        "data_gb": "" if tier.data_gb is None else f"{tier.data_gb:.3f}",
        "data_unlimited": str(tier.data_unlimited).lower(),
        "domestic_voice_min": "" if tier.domestic_voice_min is None else str(tier.domestic_voice_min),
        "intl_voice_min": "" if tier.intl_voice_min is None else str(tier.intl_voice_min),
        "intl_discount_cap_cny": "" if tier.intl_discount_cap_cny is None else f"{tier.intl_discount_cap_cny:.2f}",
        "price_per_gb_cny": "2.83",
        "price_per_day_cny": "12.14",
        "confidence": tier.confidence,
        "is_promotional": str(tier.is_promotional).lower(),
        "effective_from": tier.effective_from.isoformat() if tier.effective_from else "",
        "effective_to": tier.effective_to.isoformat() if tier.effective_to else "",
        "source": str(tier.source_id),
    }
    row.update({name: str(value) for name, value in overrides.items()})
    return row


def to_csv(rows: list[dict[str, str]], columns: list[str] = EXPORT_COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def snapshot() -> list[tuple]:
    return list(
        Tier.objects.order_by("pk").values_list(
            "pk", "plan_id", "validity_days", "price_cny", "data_gb", "effective_to"
        )
    )


@pytest.mark.django_db
def test_it_reports_an_unedited_export_as_unchanged(beijing):
    before = snapshot()
    content = to_csv([export_row(beijing["week"]), export_row(beijing["fortnight"])])

    result = tier_import(content=content, filename="tiers.csv", actor=None)

    assert result.ok
    assert result.counts == {"new": 0, "changed": 0, "unchanged": 2, "error": 0}
    assert result.ignored_columns == ["price_per_gb_cny", "price_per_day_cny"]
    assert snapshot() == before


@pytest.mark.django_db
def test_it_round_trips_an_edited_export(beijing):
    analyst = AnalystFactory()
    week, fortnight = beijing["week"], beijing["fortnight"]
    new_row = export_row(week, id="", validity_days=30, price_cny="195.00", data_gb="", effective_from="2025-05-01")
    june = beijing["june"]
    rows = [
        export_row(week, price_cny="75.00", effective_from="2025-06-01", source=june.pk),
        export_row(fortnight, confidence="inferred"),
        new_row,
    ]

    result = tier_import(content=to_csv(rows), filename="edited.csv", actor=analyst)

    assert result.ok, [str(error) for error in result.errors]
    assert result.committed
    assert [outcome.action for outcome in result.outcomes] == ["changed", "changed", "new"]
    week.refresh_from_db()
    assert week.price_cny == Decimal("85.00")
    assert week.effective_to == datetime.date(2025, 6, 1)
    successor = Tier.objects.get(plan=beijing["plan"], validity_days=7, effective_to__isnull=True)
    assert successor.price_cny == Decimal("75.00")
    assert successor.effective_from == datetime.date(2025, 6, 1)
    assert successor.source == june
    assert result.outcomes[0].changes == {
        "price_cny": ("85.00", "75.00"),
        "effective_from": ("", "2025-06-01"),
        "source": (str(beijing["source"].pk), str(june.pk)),
    }
    assert result.outcomes[0].note == f"closes tier {week.pk} on 2025-06-01; the new price is tier {successor.pk}"
    fortnight.refresh_from_db()
    assert fortnight.confidence == "inferred"
    assert fortnight.price_cny == Decimal("125.00")
    month = Tier.objects.get(plan=beijing["plan"], validity_days=30)
    assert (month.price_cny, month.data_gb, month.source) == (Decimal("195.00"), None, beijing["source"])
    record = successor.history.latest()
    assert record.history_user == analyst
    assert record.history_change_reason == "import: edited.csv line 2"


@pytest.mark.django_db
def test_a_second_import_of_the_same_price_change_is_refused_not_applied_twice(beijing):
    week = beijing["week"]
    content = to_csv([export_row(week, price_cny="75.00", effective_from="2025-06-01", source=beijing["june"].pk)])
    assert tier_import(content=content, filename="edited.csv", actor=None).ok
    before = snapshot()

    result = tier_import(content=content, filename="edited.csv", actor=None)

    current = Tier.objects.get(plan=beijing["plan"], validity_days=7, effective_to__isnull=True)
    assert [str(error) for error in result.errors] == [
        f"line 2, id: Tier {week.pk} was closed on 2025-06-01 and tier {current.pk} is current now; "
        "export again to edit it."
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_it_rejects_the_whole_file_when_one_row_is_invalid(beijing):
    before = snapshot()
    rows = [
        export_row(beijing["week"], id="", validity_days=3, price_cny="10.00"),
        export_row(beijing["fortnight"], price_cny="-5", source=beijing["june"].pk),
        export_row(beijing["week"], id="", validity_days=90, price_cny="abc"),
    ]

    result = tier_import(content=to_csv(rows), filename="bad.csv", actor=None)

    assert not result.ok
    assert not result.committed
    assert [str(error) for error in result.errors] == [
        "line 3, price_cny: The price cannot be negative.",
        "line 4, price_cny: “abc” is not a number; write e.g. 85 or 85.50.",
    ]
    assert result.counts == {"new": 1, "changed": 0, "unchanged": 0, "error": 2}
    assert snapshot() == before


@pytest.mark.django_db
def test_a_dry_run_previews_new_changed_and_unchanged_rows_and_saves_nothing(
    beijing, django_capture_on_commit_callbacks
):
    before = snapshot()
    rows = [
        export_row(beijing["week"]),
        export_row(beijing["fortnight"], data_gb="80", effective_from="2025-06-01", source=beijing["june"].pk),
        export_row(beijing["week"], id="", validity_days=30, price_cny="195"),
    ]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = tier_import(content=to_csv(rows), filename="preview.csv", actor=None, dry_run=True)

    assert result.ok
    assert not result.committed
    assert [(o.line, o.action) for o in result.outcomes] == [(2, "unchanged"), (3, "changed"), (4, "new")]
    assert result.outcomes[1].changes == {
        "data_gb": ("60.000", "80"),
        "effective_from": ("", "2025-06-01"),
        "source": (str(beijing["source"].pk), str(beijing["june"].pk)),
    }
    assert snapshot() == before
    assert callbacks == []


@pytest.mark.django_db
def test_it_numbers_lines_as_the_file_does_with_quoted_newlines_and_blank_lines(beijing):
    week = export_row(beijing["week"])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*EXPORT_COLUMNS, "notes"], lineterminator="\n")
    writer.writeheader()
    writer.writerow({**week, "notes": "first line\nsecond line"})
    buffer.write("\n")
    writer.writerow({**export_row(beijing["fortnight"]), "validity_days": "zero", "notes": ""})

    result = tier_import(content=buffer.getvalue().encode(), filename="notes.csv", actor=None)

    assert [str(error) for error in result.errors] == ["line 5, validity_days: “zero” is not a whole number."]


@pytest.mark.django_db
def test_it_finds_the_plan_by_name_when_the_id_is_left_out(beijing):
    columns = ["branch_name", "plan_name", "validity_days", "price_cny", "data_gb"]
    row = {"branch_name": "北京移动", "plan_name": "灵动卡", "validity_days": "10", "price_cny": "99", "data_gb": ""}

    result = tier_import(content=to_csv([row], columns), filename="sheet.csv", actor=None)

    assert result.ok, [str(error) for error in result.errors]
    tier = Tier.objects.get(plan=beijing["plan"], validity_days=10)
    assert (tier.price_cny, tier.data_gb, tier.source) == (Decimal("99.00"), None, beijing["source"])


@pytest.mark.django_db
def test_it_writes_the_failed_rows_with_their_errors(beijing):
    rows = [export_row(beijing["week"]), export_row(beijing["fortnight"], validity_days="0")]

    result = tier_import(content=to_csv(rows), filename="bad.csv", actor=None)

    failed = list(csv.DictReader(io.StringIO(result.failed_rows_csv().removeprefix("\ufeff"))))
    assert len(failed) == 1
    assert failed[0]["line"] == "3"
    assert failed[0]["errors"] == "validity_days: Validity must be at least 1 day."
    assert failed[0]["id"] == str(beijing["fortnight"].pk)
    assert failed[0]["price_cny"] == "125.00"


@pytest.mark.django_db
def test_it_imports_xlsx_with_typed_cells(beijing):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["plan", "validity_days", "price_cny", "data_gb", "data_unlimited", "effective_from", "source"])
    sheet.append([beijing["plan"].pk, 30.0, 195.5, None, True, datetime.datetime(2025, 5, 1), beijing["source"].pk])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = tier_import(content=buffer.getvalue(), filename="sheet.xlsx", actor=None)

    assert result.ok, [str(error) for error in result.errors]
    tier = Tier.objects.get(plan=beijing["plan"], validity_days=30)
    assert (tier.price_cny, tier.data_gb, tier.data_unlimited) == (Decimal("195.50"), None, True)
    assert tier.effective_from == datetime.date(2025, 5, 1)


@pytest.mark.django_db
def test_it_reports_progress_for_each_row(beijing):
    rows = [export_row(beijing["week"], id="", validity_days=days, price_cny=days) for days in range(20, 25)]
    seen: list[tuple[int, int]] = []

    tier_import(content=to_csv(rows), filename="many.csv", actor=None, progress=lambda d, t: seen.append((d, t)))

    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


@pytest.mark.django_db
def test_it_round_trips_the_apis_own_csv_export(beijing, analyst_client):
    """Export through /api/v1/tiers/?format=csv, edit one price in the text, import it back."""
    week = beijing["week"]
    exported = analyst_client.get("/api/v1/tiers/", {"format": "csv", "plan": beijing["plan"].pk})
    assert exported.status_code == 200
    text = body(exported).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {"id", "plan", "validity_days", "price_cny", "price_per_gb_cny", "source"} <= set(rows[0])

    unchanged = tier_import(content=body(exported), filename="tiers.csv", actor=None, dry_run=True)
    assert unchanged.ok, [str(error) for error in unchanged.errors]
    assert unchanged.counts == {"new": 0, "changed": 0, "unchanged": 2, "error": 0}

    for row in rows:
        if row["id"] == str(week.pk):
            row["price_cny"] = "79.00"
            row["effective_from"] = "2025-07-01"
            row["source"] = str(beijing["june"].pk)
    edited = io.StringIO()
    writer = csv.DictWriter(edited, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    result = tier_import(content=edited.getvalue().encode("utf-8"), filename="tiers.csv", actor=None)

    assert result.ok, [str(error) for error in result.errors]
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 1, "error": 0}
    current = Tier.objects.get(plan=beijing["plan"], validity_days=7, effective_to__isnull=True)
    assert (current.price_cny, current.effective_from) == (Decimal("79.00"), datetime.date(2025, 7, 1))
    week.refresh_from_db()
    assert (week.price_cny, week.effective_to) == (Decimal("85.00"), datetime.date(2025, 7, 1))


@pytest.mark.django_db
def test_a_row_repeating_a_price_change_made_earlier_in_the_file_is_a_duplicate(beijing):
    week = beijing["week"]
    rows = [
        export_row(week, price_cny="75.00", effective_from="2025-06-01", source=beijing["june"].pk),
        export_row(week, id="", price_cny="70.00", effective_from="2025-07-01", source=beijing["june"].pk),
    ]

    result = tier_import(content=to_csv(rows), filename="twice.csv", actor=None)

    assert [str(error) for error in result.errors] == [
        "line 3, validity_days: Duplicates line 2: the same tier twice in one file."
    ]
    assert Tier.objects.filter(plan=beijing["plan"]).count() == 2


@pytest.mark.django_db
def test_a_new_price_without_a_source_cell_is_refused(beijing):
    before = snapshot()
    content = to_csv([export_row(beijing["week"], price_cny="75.00", effective_from="2025-06-01", source="")])

    result = tier_import(content=content, filename="edited.csv", actor=None)

    assert [str(error) for error in result.errors] == [
        "line 2, source: A new price is a new observation: name the source that printed it."
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_new_price_citing_the_rows_source_is_accepted_as_through_the_api(beijing):
    content = to_csv([export_row(beijing["week"], price_cny="75.00", effective_from="2025-06-01")])

    result = tier_import(content=content, filename="edited.csv", actor=None)

    assert result.errors == []
    successor = Tier.objects.get(plan=beijing["plan"], validity_days=7, effective_to__isnull=True)
    assert (successor.price_cny, successor.source) == (Decimal("75.00"), beijing["week"].source)


@pytest.mark.django_db
def test_a_row_of_a_version_changed_since_the_export_is_refused(beijing, analyst_client):
    week = beijing["week"]
    exported = analyst_client.get("/api/v1/tiers/", {"format": "csv", "plan": beijing["plan"].pk})
    rows = list(csv.DictReader(io.StringIO(body(exported).decode("utf-8-sig"))))
    assert {row["version"] for row in rows} == {"1"}
    Tier.objects.filter(pk=week.pk).update(version=2)  # someone edited it meanwhile
    [line] = [number for number, row in enumerate(rows, start=2) if row["id"] == str(week.pk)]
    rows[line - 2]["notes"] = "my edit"
    edited = io.StringIO()
    writer = csv.DictWriter(edited, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)

    result = tier_import(content=edited.getvalue().encode("utf-8"), filename="tiers.csv", actor=None)

    assert [str(error) for error in result.errors] == [
        f"line {line}, version: The tier changed since this file was written (now version 2); export it again."
    ]
    assert "version" not in result.ignored_columns
    assert Tier.objects.get(pk=week.pk).notes == ""


@pytest.mark.django_db
def test_it_imports_a_price_qualifier_column_and_reads_an_empty_cell_as_exact(beijing):
    analyst = AnalystFactory()
    week, fortnight = beijing["week"], beijing["fortnight"]
    columns = [*EXPORT_COLUMNS, "price_qualifier"]
    rows = [export_row(week, price_qualifier="from"), export_row(fortnight, price_qualifier="")]

    result = tier_import(content=to_csv(rows, columns), filename="floors.csv", actor=analyst)

    assert result.ok, [str(error) for error in result.errors]
    assert Tier.objects.get(pk=week.pk).price_qualifier == Tier.PriceQualifier.FROM
    assert Tier.objects.get(pk=fortnight.pk).price_qualifier == Tier.PriceQualifier.EXACT
