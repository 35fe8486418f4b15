import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

LINE = "=" * 64


class Command(BaseCommand):
    help = (
        "Create a local superuser (username 'admin') if none exists, and print its account and "
        "password (`make run` does, just before serving). For local development only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/", help="Shown with the password.")
        parser.add_argument(
            "--password-file",
            type=Path,
            default=settings.BASE_DIR / "var" / "local-admin-password.txt",
            help="Where the generated password is kept (readable by you only), to show it on every run "
            "until it is changed.",
        )

    def handle(self, *args, username, url, password_file, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email="", password=password)
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.touch(mode=0o600)
            password_file.write_text(password + "\n", encoding="utf-8")
            self.banner("Created the local admin account:", url, username, password)
            return
        try:
            password = password_file.read_text(encoding="utf-8").strip()
        except OSError:
            password = ""
        if password and user.check_password(password):
            self.banner("The local admin account:", url, username, password)
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"{LINE}\nThe local admin account:\n  URL:      {url}\n  Username: {username}\n"
                    "  Password: (changed since it was created; forgot it? make admin-password, or "
                    f"manage.py changepassword {username})\n{LINE}"
                )
            )

    def banner(self, heading, url, username, password):
        self.stdout.write(
            self.style.SUCCESS(
                f"{LINE}\n{heading}\n  URL:      {url}\n  Username: {username}\n  Password: {password}\n"
                f"  (reset it with: make admin-password, or manage.py changepassword {username})\n{LINE}"
            )
        )
