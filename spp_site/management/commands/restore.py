"""Restore an archive made by `manage.py backup` into an empty database and an empty storage
(spp_site.backup; `make restore FILE=…`). The archive is checked against its manifest before
anything changes; a database with tables or a storage with files is replaced only with --force."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from spp_site.backup import command_errors, describe, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database and storage (checked against its manifest "
        "first); --force replaces what they hold."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "archive", type=Path, metavar="FILE", help="An archive made by `manage.py backup`."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the database's tables and the storage's files instead of refusing.",
        )

    def handle(self, *args, archive, force=False, **options):
        with command_errors():
            restored, manifest = restore_backup(archive, force=force)
        self.stdout.write(f"Restored from {archive}: {describe(manifest)}.")
        size = filesizeformat(restored.bytes).replace("\xa0", " ")
        self.stdout.write(f"{restored.tables} tables, {restored.files} files ({size}).")
        if restored.pending_migrations:
            self.stdout.write(
                f"This release has {len(restored.pending_migrations)} migrations the archive's database "
                "has not: run `manage.py migrate` (make migrate)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Done. `manage.py prerender_markdown` renders the restored texts into the cache."
            )
        )
