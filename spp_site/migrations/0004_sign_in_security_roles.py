"""Site administrators get the permissions of the sign-in security apps (lock-outs, two-factor
devices) on existing databases too; editors get none of them (see spp_site/roles.py)."""

from django.db import migrations

from spp_site.roles import sync_groups_in_migration


class Migration(migrations.Migration):
    dependencies = [
        ("spp_site", "0003_move_site_models_from_programs"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(sync_groups_in_migration, migrations.RunPython.noop)]
