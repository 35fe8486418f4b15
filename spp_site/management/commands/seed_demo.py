from django.core.management.base import BaseCommand
from django.db import transaction

import events.demo
import news.demo
import programs.demo
import spp_site.demo
from spp_site import search


class Command(BaseCommand):
    help = (
        "Load the demo content (program, people, projects, events with slides, news). Idempotent: "
        "what exists already is left unchanged, so running it twice changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        def log(message):
            self.stdout.write(message)

        program = programs.demo.seed(log)
        spp_site.demo.seed(log, program["institutions"]["LMU Munich"])
        event_data = events.demo.seed(log, program["people"])
        programs.demo.seed_calls(log, program["phases"], event_data["sessions"])
        news.demo.seed(log, event_data)
        counts = search.rebuild()
        log(f"search: {sum(counts.values())} entries in the index")
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
