"""The comparison pages' shared fixture: a viewer signed in over the seed (a viewer may read every page)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def signed_in(client: Client, viewer, seed) -> Client:
    client.force_login(viewer)
    return client
