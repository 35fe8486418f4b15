"""Data written before a migration survives it, and every migration of the site's apps can be
unapplied on a database with content and applied again (run on SQLite and on PostgreSQL)."""

import datetime

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from spp_site.models import OldUrl, Page, SiteSettings
from spp_site.roles import EDITOR, sync_groups
from tests.core.factories import PageFactory, content_of_every_kind

# Before Page and SiteSettings moved from programs to spp_site. Migrating back to these unapplies
# programs 0002 and spp_site 0003 only: no other app's migration depends on them.
BEFORE_THE_MOVE = [("programs", "0001_initial"), ("spp_site", "0002_editor_roles")]
MOVED_MODELS = ["page", "historicalpage", "sitesettings", "historicalsitesettings"]
PUBLISHED = datetime.datetime(2025, 4, 1, 9, 0, tzinfo=datetime.UTC)


def permissions(group):
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def write_content_before_the_move(apps):
    """Rows as the site had them with the models in programs: a page with its history, the site
    settings, an old URL and an admin log entry for the page, and the editor roles."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    fields = {
        "title": "About",
        "slug": "about",
        "summary": "What the program is.",
        "body": "Some **text**.",
        "status": "published",
        "publish_at": PUBLISHED,
        "show_in_menu": True,
        "order": 3,
    }
    page = apps.get_model("programs", "Page").objects.create(**fields)
    apps.get_model("programs", "HistoricalPage").objects.create(
        id=page.id,
        created_at=page.created_at,
        updated_at=page.updated_at,
        history_date=page.updated_at,
        history_type="+",
        **fields,
    )
    institution = apps.get_model("programs", "Institution").objects.create(name="LMU Munich", slug="lmu")
    apps.get_model("programs", "SiteSettings").objects.create(
        pk=1, short_name="SPP 2298", contact_email="office@example.org", coordinating_institution=institution
    )
    page_type = ContentType.objects.get(app_label="programs", model="page")
    apps.get_model("spp_site", "OldUrl").objects.create(
        path="/about-us/", content_type=page_type, object_id=page.id
    )
    user = apps.get_model("auth", "User").objects.create(username="editor", is_staff=True)
    apps.get_model("admin", "LogEntry").objects.create(
        user=user,
        content_type=page_type,
        object_id=str(page.id),
        object_repr="About",
        action_flag=ADDITION,
        change_message="",
        action_time=timezone.now(),
    )
    editor, _ = sync_groups(apps)  # as spp_site 0002 did: programs was a content app, every model of it
    assert {"programs.change_page", "programs.change_sitesettings"} <= permissions(editor)
    return {"page": page.id, "page_type": page_type.id, "institution": institution.id, "user": user.id}


@pytest.mark.django_db(transaction=True)
def test_pages_and_site_settings_keep_their_rows_and_references_when_they_move_to_spp_site():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE_THE_MOVE)
        untouched = [node for node in latest if node[0] not in {"programs", "spp_site"}]
        ids = write_content_before_the_move(executor.loader.project_state(BEFORE_THE_MOVE + untouched).apps)
    finally:
        # The rest of the test suite needs the latest schema, whatever happened above.
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    ContentType.objects.clear_cache()  # the migrations moved content types behind the cache's back

    page = Page.objects.get()
    assert (page.pk, page.slug, page.title, page.publish_at, page.show_in_menu, page.order) == (
        ids["page"],
        "about",
        "About",
        PUBLISHED,
        True,
        3,
    )
    assert [(h.id, h.title, h.history_type) for h in Page.history.all()] == [(ids["page"], "About", "+")]
    assert PageFactory().pk > page.pk  # the renamed tables' id sequences go on counting
    settings = SiteSettings.load()
    assert (settings.pk, settings.contact_email, settings.coordinating_institution_id) == (
        1,
        "office@example.org",
        ids["institution"],
    )
    assert OldUrl.objects.get(path="/about-us/").target == page
    entry = LogEntry.objects.get()
    assert (entry.content_type_id, entry.get_edited_object(), entry.user_id) == (
        ids["page_type"],
        page,
        ids["user"],
    )
    assert ContentType.objects.get_for_id(ids["page_type"]).model_class() is Page
    editor = permissions(Group.objects.get(name=EDITOR))
    assert {
        "spp_site.add_page",
        "spp_site.change_page",
        "spp_site.delete_page",
        "spp_site.view_page",
    } <= editor
    assert not {p for p in editor if p.endswith("sitesettings")}
    assert not ContentType.objects.filter(app_label="programs", model__in=MOVED_MODELS).exists()


# --- every migration of the site's apps can be unapplied --------------------------------------------

SITE_APPS = ["spp_site", "programs", "events", "news"]


def test_every_operation_in_the_sites_migrations_can_be_reversed():
    """Data migrations name their way back (RunPython's reverse_code, RunSQL's reverse_sql): a
    release can be rolled back with `migrate <app> <earlier migration>`."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    irreversible = [
        f"{app}.{name}: {operation.describe()}"
        for (app, name), migration in loader.disk_migrations.items()
        if app in SITE_APPS
        for operation in migration.operations
        if not operation.reversible
    ]
    assert irreversible == []


@pytest.mark.django_db(transaction=True)
def test_the_sites_apps_migrate_to_zero_and_forward_again_on_a_database_with_content(media_root):
    content_of_every_kind()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        for app in SITE_APPS:
            call_command("migrate", app, "zero", verbosity=0, skip_checks=True)
            assert not {name for a, name in MigrationRecorder(connection).applied_migrations() if a == app}
        tables = connection.introspection.table_names()
        assert [t for t in tables if t.split("_")[0] in {"programs", "events", "news"}] == []
        call_command("migrate", verbosity=0, skip_checks=True)
    finally:
        # The rest of the test suite needs the latest schema, whatever happened above.
        MigrationExecutor(connection).migrate(latest)
    ContentType.objects.clear_cache()
    assert MigrationExecutor(connection).migration_plan(latest) == []
    content_of_every_kind()  # every table is there again and takes rows
