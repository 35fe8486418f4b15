from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from spp_site.two_factor import turn_off


class Command(BaseCommand):
    help = (
        "Turn two-factor authentication off for a user who lost both phone and backup codes "
        "(site administrators can also delete the devices in the admin). They sign in with the "
        "password alone and set it up again."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user '{username}'.")
        turn_off(user)
        self.stdout.write(f"Two-factor authentication is off for {username}.")
