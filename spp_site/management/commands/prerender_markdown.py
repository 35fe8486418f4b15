"""Render every Markdown text of the site's current content into the cache, so that no page view
has to: after a deployment that changed the renderer (`make serve` and docs/deploy.md run it after
`migrate`), after restoring a database, or after emptying the cache. Texts already rendered by this
renderer are only looked up."""

from django.apps import apps
from django.core.management.base import BaseCommand
from simple_history.models import HistoricalChanges

from spp_site.markdown import markdown_fields, render_markdown


class Command(BaseCommand):
    help = "Render the Markdown of all current content into the cache."

    def handle(self, *args, **options):
        texts = 0
        for model in apps.get_models():
            fields = markdown_fields(model)
            if not fields or issubclass(model, HistoricalChanges):
                continue
            for values in model._default_manager.values_list(*fields).iterator():
                for text in values:
                    if text:
                        render_markdown(text)
                        texts += 1
        if options["verbosity"]:
            self.stdout.write(f"{texts} Markdown texts rendered or found in the cache.")
