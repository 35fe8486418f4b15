"""Find and delete stored files that nothing refers to any more (the rule of `spp_site.cleanup`):
files left from before the site deleted them itself, or by changes that bypass it
(`QuerySet.update()`, a failed storage call).

Only the site's own upload folders are looked at: each file field's `upload_to`, and the folders
the workflows write to (slide files, their first-page pictures, images pasted into Markdown).
A file changed in the last hour is left alone: its upload may still be on its way to the database.
Everything goes through the storage API, so this works on object storage too.
"""

from datetime import timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from events.services import DECK_DIR, THUMBNAIL_DIR
from spp_site.admin_views import MARKDOWN_IMAGE_DIR
from spp_site.cleanup import referenced_names
from spp_site.files import listed_files
from spp_site.images import original_name


def upload_folders() -> list[str]:
    folders = {DECK_DIR, THUMBNAIL_DIR, MARKDOWN_IMAGE_DIR}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and isinstance(field.upload_to, str):
                folders.add(field.upload_to.split("%", 1)[0].strip("/"))  # up to a date pattern
    return sorted(folder for folder in folders if folder)


class Command(BaseCommand):
    help = "List (--dry-run) or delete uploaded files that nothing refers to any more."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List the files; delete nothing.")
        parser.add_argument(
            "--min-age",
            type=int,
            default=60,
            metavar="MINUTES",
            help="Leave files changed in the last MINUTES alone (default 60; uploads in progress).",
        )

    def handle(self, *args, dry_run=False, min_age=60, **options):
        if min_age < 0:
            raise CommandError("--min-age cannot be negative.")
        storage = default_storage
        folders = upload_folders()
        found = sorted({name for folder in folders for name in listed_files(storage, folder)})
        # A rendition is in use while the image it was made from is.
        in_use = referenced_names({original_name(name) for name in found})
        cutoff = timezone.now() - timedelta(minutes=min_age)
        unused = [
            name
            for name in found
            if original_name(name) not in in_use and storage.get_modified_time(name) <= cutoff
        ]
        size = 0
        for name in unused:
            size += storage.size(name)
            if not dry_run:
                storage.delete(name)
            self.stdout.write(f"{'unused' if dry_run else 'deleted'}: {name}")
        counted = (
            f"{len(unused)} of {len(found)} files in {', '.join(f'{folder}/' for folder in folders)} "
            f"({filesizeformat(size)})".replace("\xa0", " ")
        )
        if dry_run:
            self.stdout.write(f"{counted} are used by nothing; run again without --dry-run to delete them.")
        else:
            self.stdout.write(self.style.SUCCESS(f"{counted} were used by nothing and are deleted."))
