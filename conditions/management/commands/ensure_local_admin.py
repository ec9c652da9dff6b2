"""Create (once) a local admin account for trying the site, and print how to log in.

The password is random and kept in `local-admin.txt` (git-ignored) so every `make run` prints the
same one. Refuses to run with DEBUG off: production accounts are made with `createsuperuser`.
"""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create a local admin account (DEBUG only) and print its login."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--address",
            default="http://127.0.0.1:8000",
            help="Where the site is served (make run passes its HOST and PORT).",
        )

    def handle(self, *args, address, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a demo admin with DEBUG off; use createsuperuser."
            )
        password_file = Path(settings.BASE_DIR) / "local-admin.txt"
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        password = password_file.read_text().strip() if password_file.exists() else ""
        if user is None or not password or not user.check_password(password):
            password = secrets.token_urlsafe(12)
            user = user or User(username=USERNAME, email="admin@example.invalid")
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            password_file.write_text(password + "\n")
        self.stdout.write(
            self.style.SUCCESS(
                f"Local admin: {address.rstrip('/')}/admin/  user: {USERNAME}  password: {password}"
            )
        )
