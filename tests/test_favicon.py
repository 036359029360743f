"""The site's favicon: a static file, linked from the pages' base template and the admin's."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

ICON = "img/favicon.svg"


def test_the_favicon_is_a_static_svg() -> None:
    path = finders.find(ICON)
    assert path is not None
    with open(path, encoding="utf-8") as icon:
        assert icon.read().startswith('<svg xmlns="http://www.w3.org/2000/svg"')


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/compare/", "/admin/", "/admin/plans/tier/"])
def test_every_page_links_the_favicon(client, analyst, url: str) -> None:
    client.force_login(analyst)
    html = client.get(url).content.decode()
    assert f'<link rel="icon" href="{static(ICON)}" type="image/svg+xml">' in html
