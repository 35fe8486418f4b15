"""Create the Editor and Site administrator groups (see spp_site/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create them now so the
    # groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    from spp_site.roles import sync_groups

    sync_groups(apps)


def remove_roles(apps, schema_editor):
    from spp_site.roles import EDITOR, SITE_ADMINISTRATOR

    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, SITE_ADMINISTRATOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("spp_site", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("programs", "0001_initial"),
        ("events", "0002_initial"),
        ("news", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
