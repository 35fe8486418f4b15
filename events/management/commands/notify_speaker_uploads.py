from django.core.management.base import BaseCommand

from events.notifications import notify_editors_of_uploads


class Command(BaseCommand):
    help = (
        "E-mail the editors about speakers' uploads not yet announced (one mail per event, at most "
        "one per event per hour). Run it from cron every few minutes."
    )

    def handle(self, *args, **options):
        sent = notify_editors_of_uploads()
        if options["verbosity"] > 1 or sent:
            self.stdout.write(f"{sent} mail(s) sent.")
