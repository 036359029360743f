"""Shared fixtures: users with each role and API clients logged in as them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import AnalystFactory, UserFactory, ViewerFactory


@pytest.fixture
def analyst(db):
    return AnalystFactory(username="analyst")


@pytest.fixture
def viewer(db):
    return ViewerFactory(username="viewer")


@pytest.fixture
def outsider(db):
    """A logged-in user with no role at all."""
    return UserFactory(username="outsider", is_staff=False)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def analyst_client(analyst) -> APIClient:
    client = APIClient()
    client.force_authenticate(analyst)
    return client


@pytest.fixture
def viewer_client(viewer) -> APIClient:
    client = APIClient()
    client.force_authenticate(viewer)
    return client


@pytest.fixture
def seed(db, django_db_blocker):
    """The real seed data (fixtures/), loaded through `load_seed`."""
    from django.core.management import call_command

    call_command("load_seed", verbosity=0)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each AdminContract test once per case of the subclass that inherits it."""
    if "admin_case" in metafunc.fixturenames:
        cases = metafunc.cls.cases
        metafunc.parametrize("admin_case", cases, ids=[case[0].__name__ for case in cases])
