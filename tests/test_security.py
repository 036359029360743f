"""Production hardening: check --deploy, secure cookies, CSRF on every form, login rate limiting, no secrets."""

from __future__ import annotations

import importlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from tests.factories import AnalystFactory

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_ALLOWED_HOSTS": "example.com",
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    # Production runs on PostgreSQL and a broker; nothing here connects to them.
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/telecom_prod",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        # A clean deployment environment: the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process.
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        timeout=120,
        check=False,
    )


def production_settings(monkeypatch: pytest.MonkeyPatch, **env: str):
    """Evaluate config.settings.production under `env` without configuring Django with it."""
    for name, value in {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), **env}.items():
        monkeypatch.setenv(name, value)
    for module in ("config.settings.production", "config.settings.base"):
        # Fresh evaluation now; the modules Django was configured with come back after the test.
        monkeypatch.delitem(sys.modules, module, raising=False)
    return importlib.import_module("config.settings.production")


def test_check_deploy_reports_no_issue_with_a_real_secret_key():
    completed = run_manage("check", "--deploy", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50)})

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in completed.stderr


def test_check_deploy_flags_a_toy_secret_key_rather_than_hiding_it():
    """We never silence security.W009: a one-letter key is weak and the check must say so."""
    completed = run_manage("check", "--deploy", env={**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "x"})

    assert "security.W009" in completed.stderr
    assert completed.stderr.count("(security.") == 1


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        production_settings(monkeypatch, DJANGO_SECRET_KEY="")


@pytest.mark.parametrize("name", ["DATABASE_URL", "CELERY_BROKER_URL"])
def test_production_refuses_to_start_without_its_database_or_broker(monkeypatch, name):
    with pytest.raises(ImproperlyConfigured, match=f"{name} must be set in production"):
        production_settings(monkeypatch, **{name: ""})


def test_production_cookies_are_secure_and_hsts_is_a_year(monkeypatch):
    production = production_settings(monkeypatch)

    assert production.DEBUG is False
    assert production.ALLOWED_HOSTS == ["example.com"]
    assert production.SESSION_COOKIE_SECURE is True
    assert production.SESSION_COOKIE_HTTPONLY is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SECURE_HSTS_SECONDS >= 31_536_000
    assert production.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert production.AXES_ENABLED is True


@pytest.mark.django_db
def test_the_session_cookie_is_sent_secure_and_http_only(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    AnalystFactory(username="lin")

    response = client.post(reverse("login"), {"username": "lin", "password": "correct horse battery staple"})

    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] is True
    assert session["httponly"] is True
    assert session["samesite"] == "Lax"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_a_login_post_without_a_csrf_token_is_refused(url):
    AnalystFactory(username="lin")
    client = Client(enforce_csrf_checks=True)

    response = client.post(url, {"username": "lin", "password": "correct horse battery staple"})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_every_admin_add_form_carries_a_csrf_token_and_refuses_a_post_without_it():
    user = AnalystFactory(username="root", is_superuser=True)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    checked = 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        page = client.get(url)
        if page.status_code != 200:
            continue  # models whose admin forbids adding (e.g. computed benchmark runs)
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", page.content.decode(), flags=re.S | re.I)
        assert forms, url
        assert all("csrfmiddlewaretoken" in form for form in forms), url
        count = model._default_manager.count()
        assert client.post(url, {}).status_code == 403, url
        assert model._default_manager.count() == count
        checked += 1
    assert checked >= 8


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
def test_repeated_failed_logins_lock_the_account_even_with_the_right_password(client, settings, url):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    AnalystFactory(username="lin")

    for _attempt in range(3):
        failed = client.post(url, {"username": "lin", "password": "wrong"})
        assert "_auth_user_id" not in client.session
    locked = client.post(url, {"username": "lin", "password": "correct horse battery staple"})

    assert failed.status_code in {200, 429}
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_lockout_does_not_lock_out_other_users(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    AnalystFactory(username="lin")
    AnalystFactory(username="wang")
    for _attempt in range(3):
        client.post("/accounts/login/", {"username": "lin", "password": "wrong"})

    response = client.post("/accounts/login/", {"username": "wang", "password": "correct horse battery staple"})

    assert response.status_code == 302


def test_no_secret_is_committed():
    tracked = subprocess.run(["git", "ls-files"], capture_output=True, text=True, cwd=ROOT, check=True).stdout.split()
    allowed_keys = {"local-dev-only-not-secret", "test-only-not-secret"}
    offenders: list[str] = []
    for name in tracked:
        path = ROOT / name
        if not path.is_file() or path.suffix in {".png", ".jpg", ".pdf", ".xlsx", ".woff2", ".woff", ".ico"}:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if re.search(r"-{5}BEGIN [A-Z ]*PRIVATE KEY-{5}", text):
            offenders.append(f"{name}: private key")
        for key in re.findall(r"SECRET_KEY\s*=\s*[\"']([^\"']+)[\"']", text):
            if key not in allowed_keys:
                offenders.append(f"{name}: SECRET_KEY literal")
        if re.search(r"postgres(ql)?://[^:/@\s]+:[^@\s]+@", text):
            offenders.append(f"{name}: database password in a URL")
    assert offenders == []
