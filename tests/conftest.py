"""Shared fixtures: users with each role and API clients logged in as them."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.factories import AnalystFactory, UserFactory, ViewerFactory
from tests.seeding import SeedSnapshot, seed_snapshot_restore, seed_snapshot_take


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


@pytest.fixture(scope="session")
def seed_snapshot(django_db_setup, django_db_blocker) -> SeedSnapshot:
    """The real seed data (fixtures/), loaded through `load_seed` once per test session."""
    with django_db_blocker.unblock():
        return seed_snapshot_take()


@pytest.fixture
def seed(db, seed_snapshot: SeedSnapshot) -> SeedSnapshot:
    """The seed's rows in this test's database, as `load_seed` wrote them (see tests/seeding.py)."""
    seed_snapshot_restore(seed_snapshot)
    return seed_snapshot


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run each AdminContract test once per case of the subclass that inherits it."""
    if "admin_case" in metafunc.fixturenames:
        cases = metafunc.cls.cases
        metafunc.parametrize("admin_case", cases, ids=[case[0].__name__ for case in cases])
