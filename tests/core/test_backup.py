"""`manage.py backup` and `manage.py restore` (spp_site/backup.py): one archive holds the database,
every stored file and a manifest of their SHA-256 sums; restoring it into a fresh database and an
empty storage gives the same rows and the same bytes. Run on SQLite and on PostgreSQL (whichever
the test database is; the fresh database is another SQLite file, or another PostgreSQL database
next to the test database)."""

import contextlib
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import load_backend

from news.models import NewsItem
from spp_site import pagecache
from spp_site.backup import MANIFEST
from tests.conftest import files_in
from tests.core.factories import content_of_every_kind
from tests.core.test_settings import ROOT, clean_env
from tests.news.factories import NewsItemFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Tables the content fills: the comparison below must not pass by comparing empty tables.
FILLED = [
    "auth_user", "auth_group_permissions", "django_migrations", "django_admin_log", "spp_site_oldurl",
    "spp_site_markdownimage", "spp_site_page", "spp_site_sitesettings", "programs_person",
    "programs_historicalperson", "programs_projectmembership", "events_event", "events_agendaitem",
    "events_slidedeck", "events_slidedeckversion", "news_newsitem",
]  # fmt: skip


def database_rows(db) -> dict[str, list[tuple]]:
    """Every row of every table of the connection `db`, in a stable order, and on PostgreSQL where
    each sequence stands (the next new row's id)."""
    rows = {}
    with db.cursor() as cursor:
        for table in db.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {db.ops.quote_name(table)} WHERE 1 = 0")
            columns = len(cursor.description)
            cursor.execute(
                f"SELECT * FROM {db.ops.quote_name(table)} ORDER BY {', '.join(map(str, range(1, columns + 1)))}"
            )
            rows[table] = cursor.fetchall()
        if db.vendor == "postgresql":
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename")
            rows["(sequences)"] = cursor.fetchall()
    return rows


def stored_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in files_in(folder)}


@contextlib.contextmanager
def connected(settings_dict):
    """A connection of its own to another database (not one of the test settings' aliases)."""
    db = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="other")
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def site(media_root):
    content_of_every_kind()
    return media_root


@pytest.fixture
def archive(site, tmp_path):
    out = io.StringIO()
    call_command("backup", output_dir=tmp_path / "backups", stdout=out)
    return Path(out.getvalue().splitlines()[-1])  # the last line names the archive


@pytest.fixture
def fresh_database(transactional_db, tmp_path):
    """(DATABASE_URL, settings) of a database with nothing in it: an SQLite file, or a PostgreSQL
    database next to the test database, dropped afterwards."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        yield f"sqlite:///{path}", {**connection.settings_dict, "NAME": str(path)}
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")
        cursor.execute(f"CREATE DATABASE {quoted}")
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{name}")
    try:
        yield url.geturl(), {**connection.settings_dict, "NAME": name}
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)")


def restore_in_another_process(archive, database_url, media, cache):
    """`manage.py restore` as `make restore` runs it, against another database and storage."""
    env = clean_env(DATABASE_URL=database_url, MEDIA_ROOT=str(media), CACHE_DIR=str(cache))
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(archive)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_archive_holds_the_database_every_stored_file_and_a_manifest_of_their_sums(archive, site):
    assert re.fullmatch(r"spp-\d{8}-\d{6}\.tar", archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes and two-factor secrets inside
    assert [p.name for p in archive.parent.iterdir()] == [archive.name]  # nothing half-written left
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile(MANIFEST))
        contents = {name: tar.extractfile(name).read() for name in names if name != MANIFEST}
    database = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]
    assert names == [database, *(f"media/{name}" for name in files_in(site)), MANIFEST]
    assert {name.removeprefix("media/"): data for name, data in contents.items() if name != database} == (
        stored_bytes(site)
    )
    # Portraits and a pasted image with their renditions, a deck's file, earlier file and thumbnail.
    assert {name.split("/")[0] for name in files_in(site)} == {"people", "markdown", "decks", "slides"}
    if connection.vendor == "postgresql":
        assert contents[database].startswith(b"PGDMP")  # pg_dump's custom format
    else:
        assert contents[database].startswith(b"SQLite format 3\x00")
    assert manifest["members"] == [
        {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        for name, data in contents.items()
    ]
    applied = MigrationRecorder(connection).applied_migrations()
    assert sorted((app, name) for app, names in manifest["migrations"].items() for name in names) == sorted(
        applied
    )
    assert manifest["database"]["engine"] == connection.vendor
    assert manifest["media"]["files"] == len(files_in(site))
    assert manifest["site_version"] and manifest["created"]


def test_restore_into_a_fresh_database_and_an_empty_storage_gives_the_same_rows_and_files(
    archive, site, fresh_database, tmp_path
):
    url, settings_dict = fresh_database
    media = tmp_path / "restored-media"
    media.mkdir()
    (media / "left-over.txt").write_bytes(b"not from the archive")
    refused = restore_in_another_process(archive, url, media, tmp_path / "cache")
    assert refused.returncode == 1
    assert "the storage holds files (for example left-over.txt)" in refused.stderr
    assert "FORCE=1" in refused.stderr and "Traceback" not in refused.stderr
    with connected(settings_dict) as restored:
        assert restored.introspection.table_names() == []  # nothing was restored

    (media / "left-over.txt").unlink()
    result = restore_in_another_process(archive, url, media, tmp_path / "cache")
    assert result.returncode == 0, result.stderr
    assert f"{len(files_in(site))} files" in result.stdout

    expected = database_rows(connection)
    assert all(expected[table] for table in FILLED)
    with connected(settings_dict) as restored:
        assert database_rows(restored) == expected
    assert stored_bytes(media) == stored_bytes(site)


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(archive, site):
    before = database_rows(connection), stored_bytes(site)
    with pytest.raises(CommandError) as refused:
        call_command("restore", archive)
    message = str(refused.value)
    assert message.startswith("Nothing was restored: the database")
    assert "tables" in message and "the storage holds files" in message and "--force" in message
    assert (database_rows(connection), stored_bytes(site)) == before


def test_restore_with_force_replaces_the_database_and_the_files_with_the_archived_ones(archive, site):
    before = database_rows(connection), stored_bytes(site)
    NewsItemFactory(title="Written after the backup")
    NewsItem.objects.filter(title__startswith="News item").delete()
    (site / "stray.txt").write_bytes(b"written after the backup")
    removed = files_in(site)[0]
    (site / removed).unlink()
    token = pagecache.current_token()

    call_command("restore", archive, force=True, stdout=io.StringIO())

    assert (database_rows(connection), stored_bytes(site)) == before
    assert pagecache.current_token() != token  # pages of the replaced content are not served again


def _rewritten(archive: Path, target: Path, change) -> Path:
    """A copy of `archive` whose members (name, bytes) pass through `change` (manifest included)."""
    with tarfile.open(archive) as tar:
        members = [(m.name, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(target, "w") as tar:
        for name, data in change(members):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return target


def _with_manifest(change):
    def rewrite(members):
        for name, data in members:
            if name == MANIFEST:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
            yield name, data

    return rewrite


def _unreadable_dump(members):
    """The database dump replaced by bytes no database program reads, listed with their right sum."""
    members = list(members)
    database, garbage = members[0][0], b"not a database dump " * 100

    def relist(manifest):
        entry = manifest["members"][0]
        entry.update(size=len(garbage), sha256=hashlib.sha256(garbage).hexdigest())

    return _with_manifest(relist)([(database, garbage), *members[1:]])


def _listed(name, data):
    """Adds a member, listed in the manifest with its right size and sum."""

    def add(manifest):
        manifest["members"].append(
            {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )

    def rewrite(members):
        members = list(members)
        return _with_manifest(add)([*members[:-1], (name, data), members[-1]])

    return rewrite


def _other_engine(members):
    """The archive as if made on the other engine (a PostgreSQL dump for SQLite, or the reverse)."""
    engine, member = {
        "sqlite": ("postgresql", "database.pgdump"),
        "postgresql": ("sqlite", "database.sqlite3"),
    }[connection.vendor]
    for name, data in members:
        if name == MANIFEST:
            manifest = json.loads(data)
            old = manifest["database"]["member"]
            manifest["database"].update(engine=engine, member=member)
            for entry in manifest["members"]:
                if entry["name"] == old:
                    entry["name"] = member
            data = json.dumps(manifest).encode()
        elif not name.startswith("media/"):
            name = member
        yield name, data


def test_a_damaged_or_unfitting_archive_is_refused_before_anything_changes(archive, site, tmp_path):
    raw = archive.read_bytes()
    with tarfile.open(archive) as tar:
        media_member = next(m for m in tar.getmembers() if m.name.startswith("media/"))
    flipped = bytearray(raw)
    flipped[media_member.offset_data + 10] ^= 0xFF
    variants = {
        "flipped": (bytes(flipped), f"{media_member.name} does not match its SHA-256 sum"),
        "truncated": (raw[: len(raw) // 2], "is damaged"),
        "not-a-tar": (b"%PDF-1.7 not an archive", "is not a backup made by `manage.py backup`"),
    }
    for name, (data, _) in variants.items():
        (tmp_path / name).write_bytes(data)
    variants["no-such-file"] = (None, "no-such-file: no such file.")
    rewritten = {
        "extra-member": (
            lambda members: [*members, ("media/extra.txt", b"extra")],
            "media/extra.txt is not in the manifest",
        ),
        "missing-member": (lambda members: [m for m in members if m[0] != media_member.name], "is missing"),
        "outside-the-storage": (_listed("media/../../outside.txt", b"x"), "is not a name a file may have"),
        "other-engine": (_other_engine, "database, and this site is configured for"),
        "unreadable-dump": (
            _unreadable_dump,
            "pg_restore failed" if connection.vendor == "postgresql" else "SQLite database cannot be used",
        ),
        "newer-release": (
            _with_manifest(lambda m: m["migrations"]["news"].append("9999_from_the_future")),
            "news.9999_from_the_future",
        ),
    }
    for name, (change, _) in rewritten.items():
        _rewritten(archive, tmp_path / name, change)
    before = database_rows(connection), stored_bytes(site)

    for name, (_, expected) in {**variants, **rewritten}.items():
        with pytest.raises(CommandError) as refused:
            call_command("restore", tmp_path / name, force=True)
        assert expected in str(refused.value), name

    assert (database_rows(connection), stored_bytes(site)) == before


def test_a_backup_that_cannot_be_written_says_why_without_a_traceback(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(CommandError, match="A file could not be read or written: .*a-file"):
        call_command("backup", output_dir=tmp_path / "a-file" / "backups")
