"""The README shows every screenshot `make screenshots` takes, and only those."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_readme_shows_every_screenshot_the_browser_tests_take():
    shown = set(re.findall(r"\(docs/screenshots/([\w-]+)\.png\)", (ROOT / "README.md").read_text()))
    taken = set(
        re.findall(r'save_screenshot\(page, "([\w-]+)"', (ROOT / "tests/browser/test_compare_pages.py").read_text())
    )
    listed = set(
        re.findall(r'^\s+"([\w-]+)": "/compare/', (ROOT / "tests/browser/test_compare_pages.py").read_text(), re.M)
    )
    on_disk = {path.stem for path in (ROOT / "docs/screenshots").glob("*.png")}

    assert shown == taken | listed == on_disk
