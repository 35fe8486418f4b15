"""The two editor roles, as auth groups. Data migrations create and update them; run
`manage.py sync_roles` after adding models so the groups include their permissions."""

from django.apps import apps as global_apps

EDITOR = "Editor"
SITE_ADMINISTRATOR = "Site administrator"

# Editors manage all content: every model of the content apps...
CONTENT_APPS = ("programs", "events", "news")
# ...and of the site's own models the pages and the images pasted into Markdown; old URLs they may
# see and delete (they are recorded automatically). Users, groups and the site-wide settings are
# for site administrators.
EDITOR_SITE_MODELS = {"page", "markdownimage"}
EDITOR_SITE_PERMISSIONS = {"view_oldurl", "delete_oldurl"}


def editor_permission_filter(permission) -> bool:
    app_label = permission.content_type.app_label
    model = permission.content_type.model
    if model.startswith("historical"):
        return False  # history is reached through the content's own permissions
    if app_label in CONTENT_APPS:
        return True
    if app_label == "spp_site":
        return model in EDITOR_SITE_MODELS or permission.codename in EDITOR_SITE_PERMISSIONS
    return False


def sync_groups(apps=global_apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    every = list(Permission.objects.select_related("content_type"))
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.set([p for p in every if editor_permission_filter(p)])
    administrator, _ = Group.objects.get_or_create(name=SITE_ADMINISTRATOR)
    administrator.permissions.set(every)
    return editor, administrator


def sync_groups_in_migration(apps, schema_editor):
    """A data migration's step: the groups, with the permissions of every model installed so far."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; create them now so the
    # groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_groups(apps)


def is_site_administrator(user) -> bool:
    """Superusers and members of the Site administrator group (what DJANGO_REQUIRE_2FA covers)."""
    return user.is_superuser or user.groups.filter(name=SITE_ADMINISTRATOR).exists()
