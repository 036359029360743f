"""`manage.py import_tiers FILE [--dry-run]`: exit status, messages, progress, failed-rows file."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plans.importing import MAX_IMPORT_BYTES
from plans.management.commands import import_tiers
from plans.models import Tier
from tests.factories import AnalystFactory, PlanFactory, TierFactory

COLUMNS = ["id", "plan", "validity_days", "price_cny", "data_gb", "source"]


@pytest.fixture
def plan(db):
    plan = PlanFactory(name_zh="熊猫卡")
    TierFactory(plan=plan, validity_days=7, price_cny=Decimal("50.00"), data_gb=Decimal("20"))
    return plan


def write_csv(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_tiers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_it_imports_a_file_and_summarises_it(plan, tmp_path):
    path = write_csv(tmp_path / "tiers.csv", [["", plan.pk, 15, "88", "40", plan.source_id]])
    AnalystFactory(username="lin")

    out, err = run(str(path), "--user", "lin")

    assert out.strip() == "tiers.csv: imported 1 rows: 1 new, 0 changed, 0 unchanged"
    assert err == ""
    tier = Tier.objects.get(plan=plan, validity_days=15)
    assert tier.price_cny == Decimal("88.00")
    assert tier.history.latest().history_user.username == "lin"
    assert tier.history.latest().history_change_reason == "import_tiers: tiers.csv line 2"


@pytest.mark.django_db
def test_a_dry_run_saves_nothing(plan, tmp_path):
    path = write_csv(tmp_path / "tiers.csv", [["", plan.pk, 15, "88", "40", plan.source_id]])

    out, _ = run(str(path), "--dry-run")

    assert out.strip() == "tiers.csv: would import 1 rows: 1 new, 0 changed, 0 unchanged (dry run, nothing saved)"
    assert not Tier.objects.filter(validity_days=15).exists()


@pytest.mark.django_db
def test_it_fails_with_every_error_and_writes_the_failed_rows(plan, tmp_path):
    path = write_csv(
        tmp_path / "tiers.csv",
        [["", plan.pk, 15, "88", "40", plan.source_id], ["", plan.pk, 30, "-1", "", plan.source_id], ["", 999, 7, "1"]],
    )
    failed = tmp_path / "failed.csv"
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"tiers.csv: 2 error\(s\); nothing was imported"):
        call_command("import_tiers", str(path), "--failed-rows", str(failed), stdout=io.StringIO(), stderr=err)

    assert err.getvalue().splitlines() == [
        "line 3, price_cny: The price cannot be negative.",
        "line 4, plan: No plan has id 999.",
        f"failed rows written to {failed}",
    ]
    assert [row["line"] for row in csv.DictReader(failed.open(encoding="utf-8-sig"))] == ["3", "4"]
    assert Tier.objects.count() == 1


@pytest.mark.django_db
def test_it_shows_progress_for_large_files(plan, tmp_path, monkeypatch):
    monkeypatch.setattr(import_tiers, "PROGRESS_FROM_ROWS", 50)  # the real threshold, 200 rows, is slow to import
    rows = [["", plan.pk, days, "10", "1", plan.source_id] for days in range(8, 58)]
    path = write_csv(tmp_path / "big.csv", rows)

    out, err = run(str(path))

    assert err.splitlines()[0] == "  5/50 rows checked"
    assert err.splitlines()[-1] == "  50/50 rows checked"
    assert out.strip() == "big.csv: imported 50 rows: 50 new, 0 changed, 0 unchanged"
    assert Tier.objects.filter(plan=plan).count() == 51


@pytest.mark.django_db
def test_it_refuses_a_missing_file_or_user(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nope.csv"))
    path = write_csv(tmp_path / "tiers.csv", [])
    with pytest.raises(CommandError, match="--user ghost: no such user"):
        run(str(path), "--user", "ghost")


def test_it_exits_non_zero_from_the_shell(tmp_path):
    """The exit status scripts see: an unreadable file makes manage.py exit 1 and print the reason."""
    path = tmp_path / "gbk.csv"
    path.write_bytes("plan,validity_days,price_cny\n1,7,八十五\n".encode("gbk"))

    completed = subprocess.run(
        [sys.executable, "manage.py", "import_tiers", str(path), "--dry-run", "--settings=config.settings.test"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
        check=False,
    )

    assert completed.returncode == 1
    assert "line 2: The file is not UTF-8 (first bad byte on line 2)" in completed.stderr
    assert "GBK/GB18030" in completed.stderr


def test_it_refuses_an_oversized_file_without_reading_it(tmp_path):
    path = tmp_path / "dump.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_IMPORT_BYTES + 1)

    with pytest.raises(CommandError, match=r"dump.csv: The file is 5242881 bytes; the import accepts at most 5242880"):
        run(str(path))
