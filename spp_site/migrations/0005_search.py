"""The site search's index (spp_site.search): its rows, and what each database needs beside them.
PostgreSQL: a GIN index on the stored search vector. SQLite: an FTS5 table that triggers keep in
step with the rows. Each database's part does nothing on the other, so both share this one model
state (and `makemigrations --check` stays clean on both)."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class RunSQLOn(migrations.RunSQL):
    """RunSQL on one database vendor only ("postgresql", "sqlite")."""

    def __init__(self, vendor, sql, reverse_sql):
        self.vendor = vendor
        super().__init__(sql, reverse_sql)

    def deconstruct(self):
        name, args, kwargs = super().deconstruct()
        return name, args, {"vendor": self.vendor, **kwargs}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


POSTGRESQL_INDEX = "CREATE INDEX spp_site_searchentry_vector_gin ON spp_site_searchentry USING gin (vector)"

# A regular FTS5 table (it keeps its own copy of the texts: snippet() reads it) whose rowid is the
# entry's id. Porter stemming for English; diacritics folded ("Zürich" finds "Zurich").
SQLITE_FTS = [
    """CREATE VIRTUAL TABLE spp_site_searchentry_fts USING fts5(
        title, teaser, body, extra, tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
    """CREATE TRIGGER spp_site_searchentry_fts_insert AFTER INSERT ON spp_site_searchentry BEGIN
        INSERT INTO spp_site_searchentry_fts (rowid, title, teaser, body, extra)
        VALUES (new.id, new.title, new.teaser, new.body, new.extra);
    END""",
    """CREATE TRIGGER spp_site_searchentry_fts_delete AFTER DELETE ON spp_site_searchentry BEGIN
        DELETE FROM spp_site_searchentry_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER spp_site_searchentry_fts_update AFTER UPDATE ON spp_site_searchentry BEGIN
        DELETE FROM spp_site_searchentry_fts WHERE rowid = old.id;
        INSERT INTO spp_site_searchentry_fts (rowid, title, teaser, body, extra)
        VALUES (new.id, new.title, new.teaser, new.body, new.extra);
    END""",
]
SQLITE_FTS_REVERSE = [
    "DROP TRIGGER IF EXISTS spp_site_searchentry_fts_update",
    "DROP TRIGGER IF EXISTS spp_site_searchentry_fts_delete",
    "DROP TRIGGER IF EXISTS spp_site_searchentry_fts_insert",
    "DROP TABLE IF EXISTS spp_site_searchentry_fts",
]


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("spp_site", "0004_sign_in_security_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("next_due", models.DateTimeField(blank=True, null=True)),
                (
                    "checked_at",
                    models.DateTimeField(help_text="Items published up to this moment are in the index."),
                ),
            ],
            options={
                "verbose_name": "search index state",
                "verbose_name_plural": "search index state",
            },
        ),
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("news", "News"),
                            ("event", "Event"),
                            ("talk", "Talk"),
                            ("deck", "Slides"),
                            ("project", "Project"),
                            ("person", "Person"),
                            ("perspective", "Research perspective"),
                            ("page", "Page"),
                            ("call", "Call"),
                        ],
                        max_length=20,
                    ),
                ),
                ("title", models.CharField(max_length=400)),
                ("teaser", models.TextField(blank=True)),
                ("body", models.TextField(blank=True)),
                ("extra", models.TextField(blank=True, help_text="Speakers' names, text of the slides.")),
                ("date", models.DateTimeField(blank=True, null=True)),
                ("url", models.CharField(max_length=500)),
                ("meta", models.JSONField(blank=True, default=dict)),
                ("vector", django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "ordering": ["kind", "title"],
                "constraints": [
                    models.UniqueConstraint(fields=("content_type", "object_id"), name="unique_search_entry")
                ],
            },
        ),
        RunSQLOn("postgresql", POSTGRESQL_INDEX, "DROP INDEX IF EXISTS spp_site_searchentry_vector_gin"),
        RunSQLOn("sqlite", SQLITE_FTS, SQLITE_FTS_REVERSE),
    ]
