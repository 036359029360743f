"""`load_seed` after analysts used the site: it adds what is missing, keeps what they changed, says what
it skipped, and `make run`'s steps (migrate, load_seed, ensure_superuser) still succeed.
"""

from __future__ import annotations

import datetime
import re
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from competition.models import Launch
from competition.seed.identity import SEED_USERNAME
from competition.seed.loader import DEFAULT_SEED_DIR
from core.services import audited_update
from operators.models import Branch
from plans.models import Plan, Tier
from plans.services import plan_update, tier_create
from tests.factories import AnalystFactory

pytestmark = pytest.mark.django_db

FIRST_OF_MAY = datetime.date(2025, 5, 1)


class _FormFields(HTMLParser):
    """The values a lin_browser would submit for the admin's change form, as it renders them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form" and values.get("method", "").lower() == "post":
            self._in_form = True
        if tag == "option" and self._select and "selected" in values:
            self.data[self._select] = values.get("value", "")
        if not self._in_form or "name" not in values:
            return
        name = values["name"]
        if tag == "input" and values.get("type") not in {"submit", "button", "file"}:
            if values.get("type") in {"checkbox", "radio"}:
                if "checked" in values:
                    self.data[name] = values.get("value") or "on"
            elif name != "csrfmiddlewaretoken":
                self.data[name] = values.get("value", "")
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = ""

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data: str) -> None:
        if self._textarea:
            # A browser drops the newline Django writes right after <textarea>.
            text = data.removeprefix("\n") if not self.data[self._textarea] else data
            self.data[self._textarea] += text


def change_form(client: Client, url: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    return parser.data


def load_seed(path: Path = DEFAULT_SEED_DIR) -> list[str]:
    out = StringIO()
    call_command("load_seed", path=path, stdout=out)
    return out.getvalue().splitlines()


def history_counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"operators", "plans", "competition"} and model.__name__.startswith("Historical")
    }


@pytest.fixture
def lin(db):
    return AnalystFactory(username="lin")


@pytest.fixture
def lin_browser(lin) -> Client:
    client = Client()
    client.force_login(lin)
    return client


def seed_tier() -> Tier:
    return Tier.objects.get(plan__branch__name_zh="北京移动", plan__name_zh="灵动卡", validity_days=7)


@pytest.fixture
def edited(seed, lin, lin_browser):
    """The three edits of the bug report: an admin price edit, a plan rename, a launch deleted in admin."""
    tier = seed_tier()
    url = f"/admin/plans/tier/{tier.pk}/change/"
    data = change_form(lin_browser, url)
    # A new price names the source that printed it (the form offers none by default).
    data.update({"price_cny": "90.00", "new_source": str(tier.source_id), "reason": "operator's price list"})
    response = lin_browser.post(url, data)
    assert response.status_code == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.content.decode())

    plan = Plan.objects.get(branch__name_zh="江西移动", name_zh="畅行卡")
    plan_update(plan=plan, changes={"name_zh": "畅行卡（江西）"}, actor=lin)

    launch = Launch.objects.get(branch__name_zh="北京联通", name_zh="畅游通")
    response = lin_browser.post(f"/admin/competition/launch/{launch.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Launch.objects.filter(pk=launch.pk).exists()
    return {"tier": tier, "plan": plan, "launch": launch}


def test_every_seed_write_names_the_seeds_own_user_who_cannot_log_in(seed):
    tier = seed_tier()
    assert {record.history_user.username for record in tier.history.all()} == {SEED_USERNAME}
    plan = tier.plan
    assert {record.history_user.username for record in plan.history.all()} == {SEED_USERNAME}
    user = tier.history.earliest().history_user
    assert (user.is_active, user.is_staff, user.has_usable_password()) == (False, False, False)


def test_it_loads_after_a_price_edit_a_rename_and_a_deletion_and_keeps_the_analysts_values(edited):
    today = timezone.localdate().isoformat()

    lines = load_seed()

    assert f"skipped: tier 北京移动 灵动卡 7d (changed by lin on {today})" in lines
    assert f"skipped: plan 江西移动 畅行卡 (changed by lin on {today})" in lines
    assert f"skipped: launch 北京联通 畅游通 (deleted by lin on {today})" in lines
    assert "tiers                created   0  updated   0  unchanged  22  skipped   1" in lines
    assert "plans                created   0  updated   0  unchanged  11  skipped   1" in lines
    assert "launches             created   0  updated   0  unchanged  13  skipped   1" in lines
    assert lines[-1].startswith("Seed loaded from ")
    # The analyst's price stands, the seed's tier stays closed and is not recreated.
    tiers = Tier.objects.filter(plan=edited["tier"].plan, validity_days=7).order_by("pk")
    assert [(t.price_cny, t.effective_to is None) for t in tiers] == [
        (Decimal("100.00"), False),
        (Decimal("90.00"), True),
    ]
    # The rename stands and no second 畅行卡 appears; its tiers are still the seed's, unchanged.
    assert Plan.objects.get(pk=edited["plan"].pk).name_zh == "畅行卡（江西）"
    assert not Plan.objects.filter(name_zh="畅行卡").exists()
    assert Plan.objects.count() == 12
    # The deleted launch is not resurrected.
    assert not Launch.objects.filter(name_zh="畅游通").exists()


def test_loading_twice_after_edits_writes_nothing_and_says_the_same(edited):
    first = load_seed()
    rows = {model: model.objects.count() for model in (Plan, Tier, Launch, Branch)}
    history = history_counts()

    second = load_seed()

    assert second == first
    assert {model: model.objects.count() for model in (Plan, Tier, Launch, Branch)} == rows
    assert history_counts() == history


def test_make_runs_steps_succeed_after_edits_and_the_site_serves(edited, client):
    migrate, seed_out, superuser = StringIO(), StringIO(), StringIO()

    call_command("migrate", interactive=False, verbosity=1, stdout=migrate)
    call_command("load_seed", stdout=seed_out)
    call_command("ensure_superuser", stdout=superuser)

    assert "No migrations to apply." in migrate.getvalue()
    assert "Seed loaded from" in seed_out.getvalue()
    assert "Created superuser 'admin'" in superuser.getvalue()
    assert client.get("/healthz").status_code == 200
    assert client.get("/compare/").status_code in {200, 302}


def test_a_renamed_branch_keeps_its_plans_and_is_reported(seed, lin):
    branch = Branch.objects.get(name_zh="北京移动")
    audited_update(instance=branch, changes={"name_zh": "中国移动北京公司"}, actor=lin)

    lines = load_seed()

    assert any(line.startswith("skipped: branch 北京移动 (changed by lin on ") for line in lines)
    assert "plans                created   0  updated   0  unchanged  12  skipped   0" in lines
    assert Branch.objects.count() == 7
    assert Branch.objects.get(pk=branch.pk).name_zh == "中国移动北京公司"


def test_a_row_changed_around_the_history_is_skipped_not_overwritten(seed):
    tier = seed_tier()
    Tier.objects.filter(pk=tier.pk).update(notes="fixed by hand in SQL")

    lines = load_seed()

    assert "skipped: tier 北京移动 灵动卡 7d (changed without a history record)" in lines
    tier.refresh_from_db()
    assert tier.notes == "fixed by hand in SQL"


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_SEED_DIR, target)
    return target


def test_a_corrected_file_does_not_overwrite_a_tier_an_analyst_changed(seed, lin, seed_copy):
    tier = seed_tier()
    audited_update(instance=tier, changes={"notes": "checked against the print edition"}, actor=lin)
    text = (seed_copy / "plans.yaml").read_text(encoding="utf-8")
    (seed_copy / "plans.yaml").write_text(text.replace("price_cny: 100\n", "price_cny: 101\n", 1), encoding="utf-8")

    lines = load_seed(seed_copy)

    assert any(line.startswith("skipped: tier 北京移动 灵动卡 7d (changed by lin on ") for line in lines)
    tier.refresh_from_db()
    assert (tier.price_cny, tier.notes) == (Decimal("100.00"), "checked against the print edition")


def test_a_new_seed_tier_that_collides_with_an_analysts_tier_is_skipped(seed, lin, seed_copy):
    plan = seed_tier().plan
    # An analyst's 5-day price from a date of its own, so it does not share the seed tier's key.
    tier_create(
        actor=lin, plan=plan, validity_days=5, price_cny=Decimal("60"), source=plan.source, effective_from=FIRST_OF_MAY
    )
    text = (seed_copy / "plans.yaml").read_text(encoding="utf-8")
    new_tier = "    tiers:\n      - validity_days: 5\n        price_cny: 66\n        confidence: inferred\n"
    (seed_copy / "plans.yaml").write_text(text.replace("    tiers:\n", new_tier, 1), encoding="utf-8")

    lines = load_seed(seed_copy)

    [skipped] = [line for line in lines if line.startswith("skipped: tier 北京移动 灵动卡 5d")]
    assert "conflicts with rows entered since" in skipped
    assert list(Tier.objects.filter(plan=plan, validity_days=5).values_list("price_cny", flat=True)) == [Decimal("60")]


def test_a_seed_tier_an_analyst_deleted_is_not_recreated(seed, lin_browser):
    tier = seed_tier()
    response = lin_browser.post(f"/admin/plans/tier/{tier.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302

    lines = load_seed()

    assert any(line.startswith("skipped: tier 北京移动 灵动卡 7d (deleted by lin on ") for line in lines)
    assert not Tier.objects.filter(plan=tier.plan, validity_days=7).exists()


def test_a_database_loaded_before_the_seed_had_a_user_still_recognises_its_renamed_plan(seed, lin):
    for model in apps.get_models():
        names = {field.name for field in model._meta.fields}
        if model._meta.app_label in {"operators", "plans", "competition"} and "history_user" in names:
            model._default_manager.update(history_user=None)  # as the loader wrote them before it had a user
    plan = Plan.objects.get(branch__name_zh="江西移动", name_zh="畅行卡")
    plan_update(plan=plan, changes={"name_zh": "畅行卡（江西）"}, actor=lin)

    lines = load_seed()

    assert any(line.startswith("skipped: plan 江西移动 畅行卡 (changed by lin on ") for line in lines)
    assert Plan.objects.count() == 12
    assert "tiers                created   0  updated   0  unchanged  23  skipped   0" in lines
