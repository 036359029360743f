"""The two doors of the tier import, the admin (as a logged-in analyst) and `import_tiers`, read the
same files the same way: the same errors with the same line numbers, the same notices, the same
summary and the same tiers afterwards.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import Workbook

from plans.models import Plan, Tier
from tests.factories import AnalystFactory, PlanFactory, SourceFactory, TierFactory

HEADER = ["id", "plan", "validity_days", "price_cny", "data_gb", "source", "notes"]


@dataclass(frozen=True)
class Seen:
    """What a door showed: every error line, the notices, the one-line summary."""

    errors: list[str]
    notices: list[str]
    summary: str


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    build: Callable[[Plan, Tier], bytes]
    errors: list[str]
    summary: str = ""  # "" for an error case: "<file>: N error(s); nothing was imported"
    notices: tuple[str, ...] = ()
    max_rows: int | None = None


def csv_bytes(rows: list[list[object]], *, delimiter: str = ",", header: list[str] = HEADER) -> bytes:
    lines = [delimiter.join(header)]
    for row in rows:
        cells = []
        for value in row:
            text = str(value)
            cells.append(f'"{text}"' if any(c in text for c in f'\n"{delimiter}') else text)
        lines.append(delimiter.join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def good_rows(plan: Plan, tier: Tier) -> list[list[object]]:
    return [
        [tier.pk, plan.pk, 7, "79.00", "30", plan.source_id, "new price"],
        ["", plan.pk, 15, "120", "40", plan.source_id, ""],
    ]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([None if value == "" else value for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


NEGATIVE = "line 4, price_cny: The price cannot be negative."
NOT_A_NUMBER = "line {line}, price_cny: “abc” is not a number; write e.g. 85 or 85.50."
CASES = [
    Case(
        "good file",
        "good.csv",
        lambda plan, tier: csv_bytes(good_rows(plan, tier)),
        errors=[],
        summary="good.csv: imported 2 rows: 1 new, 1 changed, 0 unchanged",
    ),
    Case(
        "bad price on line 4",
        "bad.csv",
        lambda plan, tier: csv_bytes(
            [*good_rows(plan, tier), ["", plan.pk, 30, "-1", "", plan.source_id, ""]],
        ),
        errors=[NEGATIVE],
    ),
    Case(
        "quoted newline moves the next line number",
        "notes.csv",
        lambda plan, tier: csv_bytes(
            [
                [tier.pk, plan.pk, 7, "79.00", "30", plan.source_id, "first line\nsecond line"],
                ["", plan.pk, 15, "abc", "40", plan.source_id, ""],
            ]
        ),
        errors=[NOT_A_NUMBER.format(line=4)],
    ),
    Case(
        "duplicate header",
        "twice.csv",
        lambda plan, tier: csv_bytes(
            [[tier.pk, plan.pk, 7, "79", "80"]], header=["id", "plan", "validity_days", "price_cny", "price_cny"]
        ),
        errors=["line 1: The header names a column twice: price_cny."],
    ),
    Case(
        "semicolon file is detected",
        "semicolon.csv",
        lambda plan, tier: csv_bytes(good_rows(plan, tier), delimiter=";"),
        errors=[],
        summary="semicolon.csv: imported 2 rows: 1 new, 1 changed, 0 unchanged",
        notices=("Columns are separated by “;” (detected from the header line).",),
    ),
    Case(
        "tab file keeps its line numbers",
        "tabs.txt",
        lambda plan, tier: csv_bytes(
            [good_rows(plan, tier)[0], ["", plan.pk, 15, "abc", "40", plan.source_id, ""]], delimiter="\t"
        ),
        errors=[NOT_A_NUMBER.format(line=3)],
        notices=("Columns are separated by tab (detected from the header line).",),
    ),
    Case(
        "mixed separators are refused",
        "mixed.csv",
        lambda plan, tier: b"id;plan;validity_days,price_cny\n1;2;7,85\n",
        errors=[
            "line 1: The header line mixes separators (2 × “;”, 1 × “,”); save the file with one separator, "
            "e.g. as “CSV UTF-8 (comma delimited)”."
        ],
    ),
    Case(
        "too many rows, blank rows included",
        "long.csv",
        lambda plan, tier: csv_bytes(good_rows(plan, tier)) + b"\n\n",
        errors=[
            "The file has more than 3 rows after the header (blank rows count too); "
            "split it into smaller files or delete the empty rows."
        ],
        max_rows=3,
    ),
    Case(
        "blank rows within the limit",
        "blank.csv",
        lambda plan, tier: csv_bytes(good_rows(plan, tier)) + b"\n",
        errors=[],
        summary="blank.csv: imported 2 rows: 1 new, 1 changed, 0 unchanged",
        max_rows=3,
    ),
    Case(
        "GBK text is named",
        "gbk.csv",
        lambda plan, tier: "plan,validity_days,price_cny\n1,7,八十五\n".encode("gbk"),
        errors=[
            "line 2: The file is not UTF-8 (first bad byte on line 2). It looks like GBK/GB18030, "
            "the default of Chinese Windows Excel. Save it as “CSV UTF-8” and retry."
        ],
    ),
    Case(
        "good XLSX",
        "good.xlsx",
        lambda plan, tier: xlsx_bytes(good_rows(plan, tier)),
        errors=[],
        summary="good.xlsx: imported 2 rows: 1 new, 1 changed, 0 unchanged",
    ),
    Case(
        "XLSX with a bad price on line 4",
        "bad.xlsx",
        lambda plan, tier: xlsx_bytes([*good_rows(plan, tier), ["", plan.pk, 30, -1, "", plan.source_id, ""]]),
        errors=[NEGATIVE],
    ),
]
IDS = [case.name for case in CASES]


@pytest.fixture
def world(db, settings):
    settings.TIER_IMPORT_PENDING_DIR = ""  # the system temp dir
    plan = PlanFactory(name_zh="灵动卡")
    # The 7-day price came from another source than the plan's: the files' new price (79.00) cites
    # the plan's source, so each is a new observation with its own source, as the services require.
    tier = TierFactory(
        plan=plan, validity_days=7, price_cny=Decimal("85.00"), data_gb=Decimal("30"), source=SourceFactory()
    )
    AnalystFactory(username="lin")
    return plan, tier


def command_door(content: bytes, filename: str, tmp_path: Path, *, dry_run: bool) -> Seen:
    path = tmp_path / filename
    path.write_bytes(content)
    out, err = io.StringIO(), io.StringIO()
    args = [str(path), "--user", "lin", *(["--dry-run"] if dry_run else [])]
    try:
        call_command("import_tiers", *args, stdout=out, stderr=err)
    except CommandError as error:
        summary = str(error)
    else:
        summary = out.getvalue().splitlines()[-1]
    notices = [line for line in out.getvalue().splitlines() if line != summary]
    return Seen(errors=err.getvalue().splitlines(), notices=notices, summary=summary)


def texts(page: str, pattern: str) -> list[str]:
    found: list[str] = []
    for block in re.findall(pattern, page, re.S):
        found.extend(
            html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li[^>]*>(.*?)</li>", block, re.S)
        )
    return found


def admin_door(content: bytes, filename: str, tmp_path: Path, *, dry_run: bool) -> Seen:
    client = Client()
    client.force_login(AnalystFactory._meta.model.objects.get(username="lin"))
    response = client.post("/admin/plans/tier/import/", {"import_file": SimpleUploadedFile(filename, content)})
    assert response.status_code == 200
    page = response.content.decode()
    errors = texts(page, r'<ul class="errorlist"[^>]*>(.*?)</ul>')
    notices = texts(page, r'<ul class="messagelist" id="import-notices">(.*?)</ul>')
    match = re.search(r'<p id="import-summary"><strong>(.*?)</strong></p>', page, re.S)
    summary = html.unescape(match.group(1)) if match else ""
    token = re.search(r'name="token" value="([^"]+)"', page)
    if errors:
        assert token is None  # nothing to confirm
        if not summary:  # refused by the upload form before the engine ran (size)
            summary = f"{filename}: {len(errors)} error(s); nothing was imported"
    if token and not dry_run:
        confirmed = client.post("/admin/plans/tier/process_import/", {"token": token.group(1)}, follow=True)
        [summary] = [str(message) for message in confirmed.context["messages"]]
    return Seen(errors=errors, notices=notices, summary=summary)


DOORS = {"admin": admin_door, "command": command_door}


def tiers() -> list[tuple[int, Decimal, bool]]:
    return sorted(
        (days, price, end is None)
        for days, price, end in Tier.objects.values_list("validity_days", "price_cny", "effective_to")
    )


def expected_summary(case: Case, *, dry_run: bool) -> str:
    if case.errors:
        return f"{case.filename}: {len(case.errors)} error(s); nothing was imported"
    if dry_run:
        return case.summary.replace(": imported", ": would import") + " (dry run, nothing saved)"
    return case.summary


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_both_doors_preview_a_file_alike(case: Case, world, tmp_path, settings):
    if case.max_rows:
        settings.TIER_IMPORT_MAX_ROWS = case.max_rows
    plan, tier = world
    content = case.build(plan, tier)

    by_command = command_door(content, case.filename, tmp_path, dry_run=True)
    by_admin = admin_door(content, case.filename, tmp_path, dry_run=True)

    assert by_admin == by_command
    assert by_command.errors == case.errors
    assert by_command.summary == expected_summary(case, dry_run=True)
    assert [n for n in by_command.notices if not n.startswith("Ignored")] == list(case.notices)
    assert tiers() == [(7, Decimal("85.00"), True)]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_each_door_imports_a_file_alike(case: Case, door: str, world, tmp_path, settings):
    if case.max_rows:
        settings.TIER_IMPORT_MAX_ROWS = case.max_rows
    plan, tier = world

    seen = DOORS[door](case.build(plan, tier), case.filename, tmp_path, dry_run=False)

    assert seen.errors == case.errors
    assert seen.summary == expected_summary(case, dry_run=False)
    if case.errors:
        assert tiers() == [(7, Decimal("85.00"), True)]
    else:
        assert tiers() == [(7, Decimal("79.00"), True), (7, Decimal("85.00"), False), (15, Decimal("120.00"), True)]
        for tier_ in Tier.objects.filter(effective_to__isnull=True):
            assert tier_.history.latest().history_user.username == "lin"


def test_both_doors_refuse_an_oversized_file_unread_with_the_same_message(world, tmp_path, settings):
    settings.TIER_IMPORT_MAX_BYTES = 100
    plan, tier = world
    content = csv_bytes(good_rows(plan, tier) * 3)

    by_command = command_door(content, "big.csv", tmp_path, dry_run=True)
    by_admin = admin_door(content, "big.csv", tmp_path, dry_run=True)

    message = f"The file is {len(content)} bytes; the import accepts at most 100 bytes."
    assert by_command.summary == f"big.csv: {message}"
    assert by_admin.errors == [message]
