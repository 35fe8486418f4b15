"""Write the whole site into one archive: the database, every stored file and a manifest of their
SHA-256 sums (spp_site.backup; `make backup`). Restore it with `manage.py restore`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from spp_site.backup import BackupError, create_backup, describe


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
        try:
            path, manifest = create_backup(output_dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"The database could not be read: {exc}") from exc
        except OSError as exc:
            raise CommandError(f"The archive could not be written: {exc}") from exc
        self.stdout.write(f"{describe(manifest)}.")
        self.stdout.write(self.style.SUCCESS(str(path)))
