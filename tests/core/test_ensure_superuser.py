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
    assert "password" not in output.lower()
    assert first not in output
    assert output.strip() == "A superuser exists already; none created."


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
