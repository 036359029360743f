"""ensure_superuser: one local superuser on first run, its generated password printed once."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from tests.factories import UserFactory

PASSWORD_LINE = re.compile(r"Created superuser 'admin' with password: (\S+)")


def run(*args: str) -> str:
    out = StringIO()
    call_command("ensure_superuser", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_it_creates_a_superuser_when_none_exists_and_prints_its_password():
    output = run()

    match = PASSWORD_LINE.search(output)
    assert match is not None, output
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(match.group(1))
    assert authenticate(username="admin", password=match.group(1)) == admin
    assert len(match.group(1)) >= 12
    assert "shown only once" in output


@pytest.mark.django_db
def test_a_second_run_creates_nobody_and_prints_no_password():
    first = PASSWORD_LINE.search(run()).group(1)

    output = run()

    assert get_user_model().objects.filter(is_superuser=True).count() == 1
    assert first not in output
    assert output.splitlines() == [
        "A superuser exists already; none created.",
        "Forgotten how to log in? Set a new one: .venv/bin/python manage.py changepassword admin",
    ]


@pytest.mark.django_db
def test_it_creates_none_when_another_superuser_exists():
    UserFactory(username="root", is_superuser=True)

    output = run()

    assert not get_user_model().objects.filter(username="admin").exists()
    assert "none created" in output


@pytest.mark.django_db
def test_it_takes_the_username_to_create():
    output = run("--username", "lead")

    assert "Created superuser 'lead'" in output
    assert get_user_model().objects.get(username="lead").is_superuser


@pytest.mark.django_db
def test_each_fresh_install_gets_a_different_password():
    first = PASSWORD_LINE.search(run()).group(1)
    get_user_model().objects.all().delete()

    second = PASSWORD_LINE.search(run()).group(1)

    assert first != second


@pytest.mark.django_db
def test_it_prints_the_password_in_a_box_with_where_to_log_in_and_how_to_reset_it():
    output = run("--login-url", "http://127.0.0.1:8001/admin/")

    password = PASSWORD_LINE.search(output).group(1)
    lines = output.splitlines()
    assert lines[0] == lines[-1] == "+" + "-" * (len(lines[1]) - 2) + "+"
    assert [line[2:-2].rstrip() for line in lines[1:-1]] == [
        f"Created superuser 'admin' with password: {password}",
        "Log in at http://127.0.0.1:8001/admin/",
        "This password is shown only once; change it in the admin.",
        "To reset it later: .venv/bin/python manage.py changepassword admin",
    ]
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines[1:-1])
