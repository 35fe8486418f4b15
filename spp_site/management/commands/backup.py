"""Write the whole site into one archive: the database, every stored file and a manifest of their
SHA-256 sums (spp_site.backup; `make backup`). Restore it with `manage.py restore`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from spp_site.backup import command_errors, create_backup, describe


class Command(BaseCommand):
    help = (
        "Write the database, every stored file and a manifest of their SHA-256 sums into one archive, "
        "spp-YYYYmmdd-HHMMSS.tar (UTC), readable by its owner only."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=settings.BASE_DIR / "var" / "backups",
            help="Folder for the archive (default: var/backups).",
        )

    def handle(self, *args, output_dir, **options):
        with command_errors():
            path, manifest = create_backup(output_dir)
        self.stdout.write(f"{describe(manifest)}.")
        self.stdout.write(self.style.SUCCESS(str(path)))
