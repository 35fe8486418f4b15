"""Site administrators get the permissions of the new funders and partners (edited on the site
settings page); editors get none, as for the site settings (see spp_site/roles.py)."""

from django.db import migrations

from spp_site.roles import sync_groups_in_migration


class Migration(migrations.Migration):
    dependencies = [("spp_site", "0009_identity_logo_partners_hero")]

    operations = [migrations.RunPython(sync_groups_in_migration, migrations.RunPython.noop)]
