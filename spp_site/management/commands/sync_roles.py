from django.core.management.base import BaseCommand

from spp_site.roles import sync_groups


class Command(BaseCommand):
    help = "Create or update the Editor and Site administrator groups with the current permissions."

    def handle(self, *args, **options):
        editor, administrator = sync_groups()
        self.stdout.write(
            f"{editor.name}: {editor.permissions.count()} permissions; "
            f"{administrator.name}: {administrator.permissions.count()} permissions."
        )
