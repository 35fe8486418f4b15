"""Pages and the site settings move here from the programs app (see programs' 0002 migration,
which renames their tables). This migration takes the models over in Django's state, moves their
content types, so that permissions, admin log entries and old-URL redirects keep pointing at the
same rows, and updates the editor roles (site settings are for site administrators only)."""

import django.db.models.deletion
import django.utils.timezone
import markdownx.models
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import spp_site.identifiers
import spp_site.images

MOVED_MODELS = ("page", "historicalpage", "sitesettings", "historicalsitesettings")


def _move_content_types(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    OldUrl = apps.get_model("spp_site", "OldUrl")
    db = schema_editor.connection.alias
    for model in MOVED_MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.using(db).filter(app_label=target, model=model).first()
        if new is None:
            old.app_label = target
            old.save(update_fields=["app_label"])
            continue
        # Both exist (content types were created for the new place before this ran): keep the
        # new one and hand it everything that referred to the old one, then drop the old one.
        for Model in (LogEntry, OldUrl):
            Model.objects.using(db).filter(content_type=old).update(content_type=new)
        for permission in Permission.objects.using(db).filter(content_type=old):
            twin = Permission.objects.using(db).filter(content_type=new, codename=permission.codename).first()
            if twin is not None:
                for group in permission.group_set.all():
                    group.permissions.add(twin)
                for user in permission.user_set.all():
                    user.user_permissions.add(twin)
        old.delete()


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "programs", "spp_site")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "spp_site", "programs")


def sync_roles(apps, schema_editor):
    from spp_site.roles import sync_groups

    sync_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_move_site_models_to_spp_site"),
        ("spp_site", "0002_editor_roles"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Page",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("draft", "Draft"), ("published", "Published")],
                                default="draft",
                                help_text="Drafts are visible only to staff (as a preview).",
                                max_length=20,
                            ),
                        ),
                        (
                            "publish_at",
                            models.DateTimeField(
                                db_index=True,
                                default=django.utils.timezone.now,
                                help_text="The item becomes public at this moment. Set a future time to schedule it.",
                                verbose_name="publish at",
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("title", models.CharField(max_length=200)),
                        (
                            "slug",
                            models.SlugField(
                                help_text="The page's address: /<slug>/. Some words are reserved for the site.",
                                max_length=100,
                                unique=True,
                            ),
                        ),
                        (
                            "summary",
                            models.CharField(
                                blank=True,
                                help_text="One sentence for search engines and link previews.",
                                max_length=300,
                            ),
                        ),
                        (
                            "body",
                            markdownx.models.MarkdownxField(
                                help_text="Markdown; $…$ and $$…$$ for mathematics."
                            ),
                        ),
                        (
                            "show_in_menu",
                            models.BooleanField(default=False, verbose_name="show in the main menu"),
                        ),
                        (
                            "show_in_footer",
                            models.BooleanField(default=False, verbose_name="show in the footer"),
                        ),
                        (
                            "order",
                            models.PositiveSmallIntegerField(
                                default=0, help_text="Position in menu and footer."
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "page",
                        "verbose_name_plural": "pages",
                        "ordering": ["order", "title"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalPage",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("draft", "Draft"), ("published", "Published")],
                                default="draft",
                                help_text="Drafts are visible only to staff (as a preview).",
                                max_length=20,
                            ),
                        ),
                        (
                            "publish_at",
                            models.DateTimeField(
                                db_index=True,
                                default=django.utils.timezone.now,
                                help_text="The item becomes public at this moment. Set a future time to schedule it.",
                                verbose_name="publish at",
                            ),
                        ),
                        ("created_at", models.DateTimeField(blank=True, editable=False)),
                        ("updated_at", models.DateTimeField(blank=True, editable=False)),
                        ("title", models.CharField(max_length=200)),
                        (
                            "slug",
                            models.SlugField(
                                help_text="The page's address: /<slug>/. Some words are reserved for the site.",
                                max_length=100,
                            ),
                        ),
                        (
                            "summary",
                            models.CharField(
                                blank=True,
                                help_text="One sentence for search engines and link previews.",
                                max_length=300,
                            ),
                        ),
                        (
                            "body",
                            markdownx.models.MarkdownxField(
                                help_text="Markdown; $…$ and $$…$$ for mathematics."
                            ),
                        ),
                        (
                            "show_in_menu",
                            models.BooleanField(default=False, verbose_name="show in the main menu"),
                        ),
                        (
                            "show_in_footer",
                            models.BooleanField(default=False, verbose_name="show in the footer"),
                        ),
                        (
                            "order",
                            models.PositiveSmallIntegerField(
                                default=0, help_text="Position in menu and footer."
                            ),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical page",
                        "verbose_name_plural": "historical pages",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalSiteSettings",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        (
                            "program_name",
                            models.CharField(
                                default="Theoretical Foundations of Deep Learning", max_length=200
                            ),
                        ),
                        ("short_name", models.CharField(default="SPP 2298", max_length=40)),
                        ("tagline", models.CharField(blank=True, max_length=300)),
                        (
                            "dfg_number",
                            models.CharField(
                                blank=True,
                                max_length=20,
                                validators=[spp_site.identifiers.validate_gepris_id],
                                verbose_name="DFG project number",
                            ),
                        ),
                        (
                            "contact_email",
                            models.EmailField(blank=True, max_length=254, verbose_name="contact e-mail"),
                        ),
                        ("logo", models.TextField(blank=True, max_length=200)),
                        (
                            "logo_alt",
                            models.CharField(blank=True, max_length=200, verbose_name="logo description"),
                        ),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "coordinating_institution",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="programs.institution",
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical site settings",
                        "verbose_name_plural": "historical site settings",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="SiteSettings",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "program_name",
                            models.CharField(
                                default="Theoretical Foundations of Deep Learning", max_length=200
                            ),
                        ),
                        ("short_name", models.CharField(default="SPP 2298", max_length=40)),
                        ("tagline", models.CharField(blank=True, max_length=300)),
                        (
                            "dfg_number",
                            models.CharField(
                                blank=True,
                                max_length=20,
                                validators=[spp_site.identifiers.validate_gepris_id],
                                verbose_name="DFG project number",
                            ),
                        ),
                        (
                            "contact_email",
                            models.EmailField(blank=True, max_length=254, verbose_name="contact e-mail"),
                        ),
                        (
                            "logo",
                            spp_site.images.ProcessedImageField(
                                blank=True, max_dimension=800, max_length=200, upload_to="site"
                            ),
                        ),
                        (
                            "logo_alt",
                            models.CharField(blank=True, max_length=200, verbose_name="logo description"),
                        ),
                        (
                            "coordinating_institution",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="programs.institution",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "site settings",
                        "verbose_name_plural": "site settings",
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(sync_roles, migrations.RunPython.noop),
    ]
