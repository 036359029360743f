"""Create a local superuser on first run only, and print its generated password once, boxed, with how to reset it."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


def boxed(lines: list[str]) -> str:
    """The lines in an ASCII box, so the password stands out at the end of `make run`'s output."""
    width = max(len(line) for line in lines)
    rule = "+" + "-" * (width + 2) + "+"
    return "\n".join([rule, *(f"| {line.ljust(width)} |" for line in lines), rule])


class Command(BaseCommand):
    help = "Create the local 'admin' superuser if no superuser exists, printing its generated password once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--login-url", default="http://127.0.0.1:8000/admin/", help="Where to log in (printed with the password)."
        )

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["username"])
        reset = f".venv/bin/python manage.py changepassword {username}"
        user_model = get_user_model()
        existing = user_model.objects.filter(is_superuser=True).order_by("pk").first()
        if existing is not None:
            self.stdout.write("A superuser exists already; none created.")
            self.stdout.write(
                f"Forgotten how to log in? Set a new one: .venv/bin/python manage.py changepassword "
                f"{existing.get_username()}"
            )
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=username, email="", password=password)
        box = boxed(
            [
                f"Created superuser '{username}' with password: {password}",
                f"Log in at {options['login_url']}",
                "This password is shown only once; change it in the admin.",
                f"To reset it later: {reset}",
            ]
        )
        self.stdout.write(self.style.SUCCESS(box))
