import pytest


@pytest.mark.django_db
def test_it_reports_the_database_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "not configured", "workers": "not configured"},
    }


@pytest.mark.django_db
def test_it_only_allows_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_it_reports_an_unreachable_broker_as_unhealthy(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")
    assert response.json()["checks"]["workers"] == "unknown"


@pytest.mark.django_db
def test_it_reports_a_broker_without_workers_as_degraded_but_serving(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    monkeypatch.setattr("core.views.broker_status", lambda: "ok")
    monkeypatch.setattr("core.health.cache.get", lambda key: None)
    monkeypatch.setattr("celery.app.control.Control.ping", lambda self, timeout: [])

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "broker": "ok", "workers": "none answered"},
    }


@pytest.mark.django_db
def test_it_names_the_workers_that_answer(client, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    monkeypatch.setattr("core.views.broker_status", lambda: "ok")
    monkeypatch.setattr("core.health.cache.get", lambda key: None)
    replies = [{"jobs@web1": {"ok": "pong"}}, {"benchmarks@web1": {"ok": "pong"}}]
    monkeypatch.setattr("celery.app.control.Control.ping", lambda self, timeout: replies)

    response = client.get("/healthz")

    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "ok", "workers": "ok"},
        "workers": ["benchmarks@web1", "jobs@web1"],
    }
