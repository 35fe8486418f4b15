"""Rebuild the site search's index from the current content (after an import, a restore, or a
change to what is indexed). Idempotent: the index afterwards holds exactly what visitors may see."""

import time

from django.core.management.base import BaseCommand

from spp_site import search


class Command(BaseCommand):
    help = "Rebuild the search index from the content visitors may see now."

    def handle(self, *args, **options):
        started = time.monotonic()
        counts = search.rebuild()
        if options["verbosity"]:
            for kind, count in counts.items():
                self.stdout.write(f"{search.Kind(kind).label}: {count}")
            self.stdout.write(
                f"{sum(counts.values())} entries in the search index ({time.monotonic() - started:.2f} s)."
            )
