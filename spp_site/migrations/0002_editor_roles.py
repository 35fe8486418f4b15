"""Create the Editor and Site administrator groups (see spp_site/roles.py)."""

from django.db import migrations

from spp_site.roles import sync_groups_in_migration


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

    operations = [migrations.RunPython(sync_groups_in_migration, remove_roles)]
