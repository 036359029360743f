import pytest


@pytest.mark.django_db
def test_it_reports_the_database_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "not configured"}}


@pytest.mark.django_db
def test_it_only_allows_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_it_reports_an_unreachable_broker_as_unhealthy(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
