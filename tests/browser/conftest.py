"""Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Never a downloaded browser: /usr/bin/chromium or nothing. Without it the browser tests skip with
a message, unless REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct horse battery staple"
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _require_browser() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Any]:
    """Chromium for this module's tests; meanwhile the ORM may run beside Playwright's event loop.

    Playwright's sync API runs an event loop in this thread; Django's ORM then refuses to run
    ("async-unsafe") in the database fixtures unless told the loop is not ours to worry about.
    The setting lives only as long as the browser, never process-wide: it would leak into every
    other test and into the subprocesses they start (`check --deploy` rightly rejects it).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch_chromium()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch_chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (make browser-deps) to run the browser tests"
        if _require_browser():
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception as error:  # noqa: BLE001 - any launch failure is reported the same way
        playwright.stop()
        if _require_browser():
            pytest.fail(f"REQUIRE_BROWSER=1 but chromium did not start: {error}")
        pytest.skip(f"chromium did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def seeded(transactional_db) -> None:
    """The real seed and its computed benchmarks inside the live server's (transactional) database."""
    from django.core.management import call_command

    from competition.benchmarks import scheduling

    call_command("load_seed", verbosity=0)
    scheduling.benchmarks_recompute(trigger="test")


@pytest.fixture
def analyst_login(transactional_db) -> tuple[str, str]:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(username="ana", password=PASSWORD, is_staff=True)
    return "ana", PASSWORD


@pytest.fixture
def chinese_page(chromium_browser, live_server) -> Iterator[Any]:
    """A tab whose browser asks for Simplified Chinese first, as an analyst's in China does."""
    context = chromium_browser.new_context(
        locale="zh-CN",
        extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def save_screenshot(page: Any, name: str, tmp_path: Path) -> Path:
    """Full-page PNG; into docs/screenshots when SAVE_SCREENSHOTS=1 (make screenshots), else a temp dir."""
    folder = SCREENSHOT_DIR if os.environ.get("SAVE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
