"""The two editor roles, as auth groups. A data migration creates them; run
`manage.py sync_roles` after adding models so the groups include their permissions."""

from django.apps import apps as global_apps

EDITOR = "Editor"
SITE_ADMINISTRATOR = "Site administrator"

CONTENT_APPS = ("programs", "events", "news")
# Editors manage all content, but not users, groups or the site-wide settings.
EDITOR_EXCLUDED_MODELS = {("programs", "sitesettings")}
# ...and from the shared app only what content editing needs: Markdown images and old URLs.
EDITOR_EXTRA = {
    ("spp_site", "add_markdownimage"),
    ("spp_site", "view_markdownimage"),
    ("spp_site", "change_markdownimage"),
    ("spp_site", "delete_markdownimage"),
    ("spp_site", "view_oldurl"),
    ("spp_site", "delete_oldurl"),
}


def editor_permission_filter(permission) -> bool:
    app_label = permission.content_type.app_label
    model = permission.content_type.model
    if (app_label, permission.codename) in EDITOR_EXTRA:
        return True
    if app_label not in CONTENT_APPS or (app_label, model) in EDITOR_EXCLUDED_MODELS:
        return False
    return not model.startswith("historical")  # history is reached through the content's own permissions


def sync_groups(apps=global_apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    every = list(Permission.objects.select_related("content_type"))
    editor, _ = Group.objects.get_or_create(name=EDITOR)
    editor.permissions.set([p for p in every if editor_permission_filter(p)])
    administrator, _ = Group.objects.get_or_create(name=SITE_ADMINISTRATOR)
    administrator.permissions.set(every)
    return editor, administrator
