"""Create a local superuser on first run only, and print its generated password once."""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the local 'admin' superuser if no superuser exists, printing its generated password once."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--username", default="admin")

    def handle(self, *args: object, **options: object) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already; none created.")
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(username=str(options["username"]), email="", password=password)
        self.stdout.write(self.style.SUCCESS(f"Created superuser '{options['username']}' with password: {password}"))
        self.stdout.write("This password is shown only once; change it in the admin.")
