"""Pages and admin at a laptop's 1440 px and a phone's 390 px: what must fit, what must show, what must not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LAPTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

# (element right edge) - (viewport width) for everything painted past the right edge of the window.
OVERFLOWING = """() => Array.from(document.querySelectorAll('body *'))
    .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && e.className.baseVal === undefined
          ? '.' + String(e.className).trim().split(/\\s+/).join('.') : ''))"""


@pytest.fixture
def analyst_credentials(transactional_db) -> tuple[str, str]:
    from tests.factories import AnalystFactory

    AnalystFactory(username="ana")  # the factories' password is the browser tests' PASSWORD
    return "ana", PASSWORD


def open_page(browser: Any, live_server: Any, credentials: tuple[str, str], viewport: dict[str, int], **options: Any):
    context = browser.new_context(viewport=viewport, locale="en-US", **options)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("input[name=username]", credentials[0])
    page.fill("input[name=password]", credentials[1])
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))
    return context, page


@pytest.fixture
def laptop(chromium_browser, live_server, seeded, analyst_credentials) -> Iterator[Any]:
    # A browser eight hours behind the server (Asia/Shanghai), as an analyst travelling in California.
    context, page = open_page(
        chromium_browser, live_server, analyst_credentials, LAPTOP, timezone_id="America/Los_Angeles"
    )
    yield page
    context.close()


@pytest.fixture
def phone(chromium_browser, live_server, seeded, analyst_credentials) -> Iterator[Any]:
    context, page = open_page(chromium_browser, live_server, analyst_credentials, PHONE, is_mobile=True)
    yield page
    context.close()


def document_width(page: Any) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def fits_its_box(page: Any, selector: str) -> tuple[int, int]:
    """(the element's full width, the width its container shows) for a table that must not scroll sideways."""
    width, shown = page.evaluate(
        "(selector) => { const e = document.querySelector(selector);"
        " return [e.scrollWidth, e.parentElement.clientWidth]; }",
        selector,
    )
    return width, shown


def plan_change_url(live_server: Any) -> tuple[str, int]:
    from plans.models import Plan

    plan = Plan.objects.get(name_zh="灵动卡", branch__name_zh="北京移动")
    return f"{live_server.url}/admin/plans/plan/{plan.pk}/change/", plan.tiers.count()


def test_the_plan_form_fits_1440_px(laptop, live_server) -> None:
    url, _ = plan_change_url(live_server)
    laptop.goto(url)
    assert document_width(laptop) <= LAPTOP["width"]
    assert laptop.evaluate(OVERFLOWING) == []


def test_an_inline_tier_error_shows_within_1440_px(laptop, live_server) -> None:
    url, tiers = plan_change_url(live_server)
    laptop.goto(url)
    # A second open 7-day tier of 灵动卡 overlaps the one on record: an error on the new row.
    laptop.fill(f"input[name='tiers-{tiers}-validity_days']", "7")
    laptop.fill(f"input[name='tiers-{tiers}-price_cny']", "90")
    laptop.click("input[name='_continue']")
    laptop.wait_for_selector(".errornote")
    error = laptop.locator(f"#tiers-{tiers} .errorlist").first
    assert "overlaps another tier" in error.inner_text()
    box = error.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"]
    assert document_width(laptop) <= LAPTOP["width"]


def test_the_admin_tier_list_fits_1440_px(laptop, live_server) -> None:
    laptop.goto(f"{live_server.url}/admin/plans/tier/")
    assert laptop.locator("#result_list tbody tr").count() >= 20
    width, shown = fits_its_box(laptop, "#result_list")
    assert width <= shown
    assert document_width(laptop) <= LAPTOP["width"]


def test_no_date_field_says_the_browser_is_hours_behind_the_server(laptop, live_server) -> None:
    url, _ = plan_change_url(live_server)
    laptop.goto(url)
    laptop.wait_for_selector(".datetimeshortcuts")  # Django's calendar script ran on the date fields
    visible = laptop.evaluate(
        "Array.from(document.querySelectorAll('.timezonewarning')).filter(e => e.offsetParent !== null).length"
    )
    assert visible == 0
    assert "behind server time" not in laptop.inner_text("#content")


def test_the_launches_table_fits_1440_px(laptop, live_server) -> None:
    laptop.goto(f"{live_server.url}/compare/launches/")
    width, shown = fits_its_box(laptop, "#launches-table")
    assert width <= shown
    assert document_width(laptop) <= LAPTOP["width"]


def test_the_strategy_cards_fit_a_390_px_phone(phone, live_server) -> None:
    phone.goto(f"{live_server.url}/compare/strategies/")
    assert phone.locator("article.card").count() >= 5
    assert document_width(phone) <= PHONE["width"]
    rights = phone.evaluate(
        "Array.from(document.querySelectorAll('article.card')).map(e => e.getBoundingClientRect().right)"
    )
    assert max(rights) <= PHONE["width"]


def test_the_province_chart_places_validities_on_a_numeric_axis(laptop, live_server) -> None:
    laptop.goto(f"{live_server.url}/compare/provinces/?province=31&province=11")
    laptop.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('per-gb-chart'))")
    chart = laptop.evaluate(
        """() => { const c = Chart.getChart(document.getElementById('per-gb-chart'));
                   const x = c.scales.x;
                   return {type: x.type, spanGaps: c.options.spanGaps,
                           gap7to30: x.getPixelForValue(30) - x.getPixelForValue(7),
                           gap1to7: x.getPixelForValue(7) - x.getPixelForValue(1)}; }"""
    )
    assert (chart["type"], chart["spanGaps"]) == ("linear", False)
    # On a numeric axis 7 -> 30 days (23 days) is wider than 1 -> 7 days (6 days): not evenly spaced labels.
    assert chart["gap7to30"] > 3 * chart["gap1to7"]


def test_the_launches_table_fits_a_390_px_phone(phone, live_server) -> None:
    phone.goto(f"{live_server.url}/compare/launches/")
    width, shown = fits_its_box(phone, "#launches-table")
    assert width <= shown
    assert document_width(phone) <= PHONE["width"]
