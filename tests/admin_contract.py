"""What every domain admin page promises, written once and run per app over that app's models.

A test module subclasses AdminContract with `cases`: (model, factory for an existing row,
add-form payload, lookup of the row the payload adds). tests/conftest.py parametrizes each
contract test over the subclass's cases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from django.db import models
from django.urls import reverse

AdminCase = tuple[type[models.Model], Callable[[], models.Model], Callable[[], dict[str, Any]], dict[str, Any]]


def admin_url(model: type[models.Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class AdminContract:
    pytestmark: ClassVar[list[pytest.MarkDecorator]] = [pytest.mark.django_db]

    cases: ClassVar[list[AdminCase]]
    # History records one add writes, when not one: many-to-many fields add a record of their own.
    history_records: ClassVar[dict[type[models.Model], int]] = {}

    def test_it_renders_the_changelist_add_and_change_pages_for_an_analyst(self, client, analyst, admin_case):
        model, factory, _payload, _lookup = admin_case
        row = factory()
        client.force_login(analyst)

        assert client.get(admin_url(model, "changelist")).status_code == 200
        assert client.get(admin_url(model, "add")).status_code == 200
        assert client.get(admin_url(model, "change", row.pk)).status_code == 200
        assert client.get(admin_url(model, "history", row.pk)).status_code == 200

    def test_it_saves_the_add_form_for_an_analyst(self, client, analyst, admin_case):
        model, _factory, payload, lookup = admin_case
        client.force_login(analyst)

        response = client.post(admin_url(model, "add"), payload())

        assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
        saved = model.objects.get(**lookup)
        records = list(saved.history.order_by("history_date", "history_id"))
        assert len(records) == self.history_records.get(model, 1)
        assert records[0].history_type == "+"
        assert {record.history_user for record in records} == {analyst}

    def test_it_lets_a_viewer_look_but_refuses_their_writes(self, client, viewer, admin_case):
        model, factory, payload, _lookup = admin_case
        row = factory()
        client.force_login(viewer)

        assert client.get(admin_url(model, "changelist")).status_code == 200
        assert client.get(admin_url(model, "change", row.pk)).status_code == 200
        assert client.get(admin_url(model, "add")).status_code == 403
        assert client.post(admin_url(model, "add"), payload()).status_code == 403
        assert client.post(admin_url(model, "change", row.pk), {}).status_code == 403
        assert client.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=row.pk).exists()

    def test_it_sends_an_anonymous_user_to_the_login_page(self, client, admin_case):
        model, factory, _payload, _lookup = admin_case
        row = factory()

        for url in (admin_url(model, "changelist"), admin_url(model, "add"), admin_url(model, "change", row.pk)):
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
