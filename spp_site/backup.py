"""Backups of the whole site in one archive, and restoring one (`manage.py backup`, `manage.py restore`;
`make backup`, `make restore FILE=…`).

An archive is a plain tar file, `spp-YYYYmmdd-HHMMSS.tar` (UTC), readable by the operating system's
`tar`, holding:

- `database.pgdump` (`pg_dump --format=custom`, one consistent snapshot) on PostgreSQL, or
  `database.sqlite3` (SQLite's online backup API: a consistent copy while the site runs) on SQLite;
- `media/<name>` for every file in the storage the site is configured with (`default_storage`,
  listed and read through the storage API: the local folder or an object store alike);
- `manifest.json`, written last: the size and SHA-256 of every other member, the release and the
  applied migrations. Nothing is restored from an archive that does not match it.

The database is dumped first, then the files: a file uploaded in between is in the archive without
a row (harmless: `cleanup_media` removes it later); only a file deleted in those seconds can be
missing. The archive is written under a temporary name, renamed when complete, readable by its
owner only (it holds password hashes and two-factor secrets).

A restore checks the whole archive against its manifest, that it fits this site (same database
engine, no migration this release does not know) and that the database has no tables and the
storage no files, before it changes anything; `force` replaces what is there instead. The cache is
marked as changed afterwards (spp_site.pagecache), so no page of the previous content is served.

django-dbbackup was considered and not used: it writes the database and the files as two separate
archives without checksums and restores over whatever is there; the manifest, the verification and
the refusal would have had to be written around it anyway, and what it would have added (calling
`pg_dump` and SQLite's backup API) is a few lines here.
"""

import contextlib
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import DatabaseError, connections
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from . import pagecache
from .files import listed_files

FORMAT = "spp-site-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DATABASE_MEMBERS = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
ENGINES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
CHUNK_SIZE = 1024 * 1024
SHOWN_PROBLEMS = 5


class BackupError(Exception):
    """What went wrong, written for the operator (the commands show it as it is)."""


@contextlib.contextmanager
def command_errors():
    """The errors an operator can meet (a bad archive, the database or a file out of reach) as the
    one-line message a management command shows, without a traceback."""
    try:
        yield
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    except DatabaseError as exc:
        raise CommandError(f"The database could not be reached, read or changed: {exc}") from exc
    except OSError as exc:
        raise CommandError(f"A file could not be read or written: {exc}") from exc


# --- PostgreSQL's programs -----------------------------------------------------------------------


def pg_program(name: str) -> str:
    """`pg_dump` or `pg_restore`: on PATH (Debian's wrapper picks the newest installed version), else
    in `pg_config --bindir`, else the newest in /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        bindir = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout.strip()
        if bindir:
            candidates.append(Path(bindir) / name)

    def major(path: Path) -> int:
        version = path.parent.parent.name
        return int(version) if version.isdigit() else 0

    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=major, reverse=True)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise BackupError(
        f"{name} was not found (PATH, pg_config --bindir, /usr/lib/postgresql/*/bin): install "
        "PostgreSQL's client programs (Debian/Ubuntu: apt-get install postgresql-client)."
    )


def run_pg_program(name: str, *options: str, settings_dict: dict | None = None) -> str:
    """Run `name` with `options`; with `settings_dict`, connected to that database as Django connects
    (user, host, port, database, and in the environment as for Django's own client, psql: password,
    service, TLS and password-file options)."""
    command, env = [pg_program(name)], dict(os.environ)
    if settings_dict is not None:
        env.update(DatabaseClient.settings_to_cmd_args_env(settings_dict, [])[1] or {})
        for flag, key in (
            ("--username", "USER"),
            ("--host", "HOST"),
            ("--port", "PORT"),
            ("--dbname", "NAME"),
        ):
            if settings_dict.get(key):
                command.append(f"{flag}={settings_dict[key]}")
    result = subprocess.run([*command, *options], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip() or f'exit status {result.returncode}'}")
    return result.stdout


# --- the database -------------------------------------------------------------------------------


def engine(connection) -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def dump_database(connection, target: Path) -> str:
    """Write a consistent copy of the database to `target`; returns what made it."""
    if engine(connection) == "postgresql":
        run_pg_program(
            "pg_dump", "--format=custom", f"--file={target}", settings_dict=connection.settings_dict
        )
        return run_pg_program("pg_dump", "--version").strip()
    connection.ensure_connection()
    with contextlib.closing(sqlite3.connect(target)) as copy:
        connection.connection.backup(copy)
    return f"SQLite {sqlite3.sqlite_version} online backup API"


def check_dump(vendor: str, dump: Path) -> None:
    """The dump can be read by the program that will load it (before anything is dropped)."""
    if vendor == "postgresql":
        run_pg_program("pg_restore", "--list", str(dump))  # reads the table of contents
        return
    try:
        with contextlib.closing(sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)) as db:
            problems = [row[0] for row in db.execute("PRAGMA quick_check")]
    except sqlite3.Error as exc:
        problems = [str(exc)]
    if problems != ["ok"]:
        raise BackupError(
            f"The archive's SQLite database cannot be used: {'; '.join(problems[:SHOWN_PROBLEMS])}."
        )


def load_database(connection, dump: Path, *, force: bool) -> None:
    """Replace the database's content with `dump` (its tables must be gone unless `force`)."""
    vendor = engine(connection)
    check_dump(vendor, dump)
    if vendor == "postgresql":
        if force:
            drop_tables(connection)
        # Objects are owned by, and granted as, the user the site connects as: the dump's owners
        # and grants belong to the server it was made on.
        run_pg_program(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
            settings_dict=connection.settings_dict,
        )
    else:
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(dump)) as source:
            source.backup(connection.connection)  # page by page, replacing everything
    connection.close()  # the next query reconnects and sees the restored schema


def drop_tables(connection) -> None:
    with connection.cursor() as cursor:
        for table in connection.introspection.get_table_list(cursor):
            kind = "VIEW" if table.type == "v" else "TABLE"
            cursor.execute(f"DROP {kind} IF EXISTS {connection.ops.quote_name(table.name)} CASCADE")


def applied_migrations(connection) -> dict[str, list[str]]:
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def site_version() -> str:
    try:
        return importlib.metadata.version("spp-site")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# --- writing an archive -------------------------------------------------------------------------


class _Hashing:
    """A reader that hashes and counts what is read through it (by tarfile, in blocks)."""

    def __init__(self, file):
        self.file, self.sha256, self.size = file, hashlib.sha256(), 0

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add(tar: tarfile.TarFile, name: str, file, size: int, mtime: float) -> dict:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, mtime, 0o600
    reader = _Hashing(file)
    tar.addfile(info, reader)  # reads exactly `size` bytes, or fails if there are fewer
    return {"name": name, "size": reader.size, "sha256": reader.sha256.hexdigest()}


def create_backup(directory: Path, *, using: str = "default", storage=None) -> tuple[Path, dict]:
    """Write one archive of the database `using` and every file in `storage` into `directory`."""
    storage = storage or default_storage
    connection = connections[using]
    vendor = engine(connection)
    created = timezone.now().replace(microsecond=0)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"spp-{created:%Y%m%d-%H%M%S}.tar"
    if target.exists():
        raise BackupError(f"{target} exists already; try again in a second.")
    partial = target.with_name(f"{target.name}.part")
    mtime = created.timestamp()
    try:
        with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as scratch:
            dump = Path(scratch) / DATABASE_MEMBERS[vendor]
            made_by = dump_database(connection, dump)
            migrations = applied_migrations(connection)
            members = []
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(descriptor, "wb") as out, tarfile.open(fileobj=out, mode="w") as tar:
                with dump.open("rb") as file:
                    members.append(_add(tar, dump.name, file, dump.stat().st_size, mtime))
                media_bytes = 0
                for name in sorted(listed_files(storage)):
                    with storage.open(name, "rb") as file:
                        try:
                            member = _add(tar, MEDIA_PREFIX + name, file, file.size, mtime)
                        except OSError as exc:
                            raise BackupError(f"Could not read the stored file {name}: {exc}") from exc
                    members.append(member)
                    media_bytes += member["size"]
                manifest = {
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "created": created.isoformat(),
                    "site_version": site_version(),
                    "django_version": django.get_version(),
                    "database": {"engine": vendor, "member": dump.name, "made_by": made_by},
                    "migrations": migrations,
                    "media": {
                        "storage": f"{type(storage).__module__}.{type(storage).__qualname__}",
                        "files": len(members) - 1,
                        "bytes": media_bytes,
                    },
                    "members": members,
                }
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), mtime, 0o600
                tar.addfile(info, io.BytesIO(data))
                out.flush()
                os.fsync(out.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target, manifest


# --- reading and checking an archive ------------------------------------------------------------


def _safe_media_name(name: str) -> bool:
    """A relative name without `..`, empty or `.` parts, backslashes or control characters: a name
    the storage keeps below its root."""
    if not name.startswith(MEDIA_PREFIX):
        return False
    path = name.removeprefix(MEDIA_PREFIX)
    parts = PurePosixPath(path).parts
    return bool(
        path
        and not path.startswith("/")
        and "\\" not in path
        and not any(ord(c) < 32 for c in path)
        and all(part not in {"", ".", ".."} for part in parts)
        and "/".join(parts) == path
    )


def _problems_text(problems: list[str]) -> str:
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    return shown + (f"; and {more} more" if more > 0 else "")


@dataclass
class Archive:
    path: Path
    manifest: dict
    tar: tarfile.TarFile

    @property
    def database_member(self) -> str:
        return self.manifest["database"]["member"]

    @property
    def media_names(self) -> list[str]:
        return [
            m["name"].removeprefix(MEDIA_PREFIX)
            for m in self.manifest["members"]
            if m["name"].startswith(MEDIA_PREFIX)
        ]


@contextlib.contextmanager
def open_archive(path: Path):
    """`with open_archive(path) as archive:` the archive at `path`, every member checked against the
    manifest first (sizes and SHA-256 sums, nothing missing, nothing extra); raises BackupError
    saying what does not match."""
    path = Path(path)
    not_ours = f"{path} is not a backup made by `manage.py backup`"
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    try:
        # Also compressed (an operator may gzip archives for keeping elsewhere).
        tar = tarfile.open(path, mode="r:*")  # noqa: SIM115 (closed when the block below ends)
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{not_ours} (not a tar file: {exc}).") from exc
    with tar:
        try:
            members = tar.getmembers()
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"{path} is damaged (not a complete tar file: {exc}).") from exc
        by_name = {}
        for member in members:
            if member.name in by_name:
                raise BackupError(f"{not_ours}: it holds {member.name} twice.")
            if not member.isreg():
                raise BackupError(f"{not_ours}: {member.name} is not a regular file.")
            by_name[member.name] = member
        if MANIFEST not in by_name:
            raise BackupError(f"{not_ours}: it has no {MANIFEST}.")
        manifest = _read_manifest(tar, by_name.pop(MANIFEST), path, not_ours)
        listed = {entry["name"]: entry for entry in manifest["members"]}
        database, engine_name = manifest["database"]["member"], manifest["database"]["engine"]
        problems = []
        if DATABASE_MEMBERS.get(engine_name) != database or database not in listed:
            problems.append(f"the manifest names no database dump for {engine_name!r}")
        for name in sorted(listed.keys() - by_name.keys()):
            problems.append(f"{name} is missing")
        for name in sorted(by_name.keys() - listed.keys()):
            problems.append(f"{name} is not in the manifest")
        for name in (member.name for member in members if member.name in listed):  # in archive order
            if name != database and not _safe_media_name(name):
                problems.append(f"{name} is not a name a file may have in the storage")
                continue
            problems += _check_member(tar, by_name[name], listed[name])
        if problems:
            raise BackupError(
                f"{path} is damaged or was changed after it was made: {_problems_text(problems)}."
            )
        yield Archive(path, manifest, tar)


def _read_manifest(tar, member, path, not_ours) -> dict:
    try:
        manifest = json.load(tar.extractfile(member))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} manifest")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                f"{path} is in backup format {manifest.get('format_version')}; this release reads "
                f"format {FORMAT_VERSION}. Restore it with the release that made it "
                f"({manifest.get('site_version')})."
            )
        shapes = [
            (manifest.get("members"), list),
            (manifest.get("database"), dict),
            (manifest.get("migrations"), dict),
            (manifest.get("media"), dict),
        ]
        if not all(isinstance(value, kind) for value, kind in shapes):
            raise ValueError("members, database, migrations or media are missing")
        for names in manifest["migrations"].values():
            if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
                raise ValueError("migrations are not lists of names")
        for entry in manifest["members"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise ValueError("a member without a name")
        for key in ("member", "engine"):
            if not isinstance(manifest["database"].get(key), str):
                raise ValueError(f"no database {key}")
    except (ValueError, UnicodeDecodeError, tarfile.TarError, OSError) as exc:
        raise BackupError(f"{not_ours}: its {MANIFEST} is not readable ({exc}).") from exc
    return manifest


def _check_member(tar, member, entry) -> list[str]:
    digest, size = hashlib.sha256(), 0
    try:
        with tar.extractfile(member) as file:
            while chunk := file.read(CHUNK_SIZE):
                digest.update(chunk)
                size += len(chunk)
    except (tarfile.TarError, OSError, EOFError) as exc:
        return [f"{member.name} cannot be read ({exc})"]
    if size != entry.get("size"):
        return [f"{member.name} has {size} bytes, the manifest says {entry.get('size')}"]
    if digest.hexdigest() != entry.get("sha256"):
        return [f"{member.name} does not match its SHA-256 sum"]
    return []


# --- restoring ----------------------------------------------------------------------------------


@dataclass
class Restored:
    tables: int
    files: int
    bytes: int
    pending_migrations: list[str]


def check_fits(archive: Archive, connection) -> None:
    """The archive's database can go into this site's database and is understood by this release."""
    made_for = archive.manifest["database"]["engine"]
    here = engine(connection)
    if made_for != here:
        raise BackupError(
            f"{archive.path} holds a {ENGINES.get(made_for, made_for)} database, and this site is "
            f"configured for {ENGINES[here]} (DATABASE_URL). Restore it into a {ENGINES.get(made_for, made_for)} database."
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(
        f"{app}.{name}"
        for app, names in archive.manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            f"{archive.path} was made by a release with database migrations this one does not have "
            f"({_problems_text(unknown)}). Restore it with that release "
            f"({archive.manifest.get('site_version')}) or a later one."
        )


def existing_content(connection, storage) -> list[str]:
    """What a restore would overwrite: the database's tables and the storage's files."""
    found = []
    tables = connection.introspection.table_names()
    if tables:
        found.append(
            f"the database {connection.settings_dict.get('NAME')} has {len(tables)} tables "
            f"({', '.join(tables[:3])}{', …' if len(tables) > 3 else ''})"
        )
    example = next(iter(listed_files(storage)), None)
    if example is not None:
        found.append(f"the storage holds files (for example {example})")
    return found


def restore_backup(
    path: Path, *, force: bool = False, using: str = "default", storage=None
) -> tuple[Restored, dict]:
    """Restore the archive at `path` into the database `using` and `storage`, which must be empty
    unless `force` (then what they hold is replaced). Everything is checked before anything changes."""
    storage = storage or default_storage
    connection = connections[using]
    with open_archive(path) as archive:
        check_fits(archive, connection)
        existing = existing_content(connection, storage)
        if existing and not force:
            raise BackupError(
                f"Nothing was restored: {' and '.join(existing)}. Restore into an empty database and "
                "an empty storage, or replace what they hold with --force (make restore … FORCE=1)."
            )
        with tempfile.TemporaryDirectory(prefix="spp-restore-") as scratch:
            dump = Path(scratch) / archive.database_member
            with archive.tar.extractfile(archive.database_member) as source, dump.open("wb") as target:
                shutil.copyfileobj(source, target, CHUNK_SIZE)
            load_database(connection, dump, force=force)
        if force:
            for name in list(listed_files(storage)):
                storage.delete(name)
        names, size = archive.media_names, 0
        for name in names:
            member = archive.tar.getmember(MEDIA_PREFIX + name)
            with archive.tar.extractfile(member) as source:
                content = File(source, name=name)
                content.size = member.size  # not guessed from a file of that name in the working folder
                saved = storage.save(name, content)
            if saved != name:
                raise BackupError(f"The storage kept {name} as {saved}: is another process writing to it?")
            size += member.size
    pagecache.content_changed()  # no page of what was there before is served any more
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    restored = Restored(
        tables=len(connection.introspection.table_names()),
        files=len(names),
        bytes=size,
        pending_migrations=[f"{migration.app_label}.{migration.name}" for migration, _ in pending],
    )
    return restored, archive.manifest


def describe(manifest: dict) -> str:
    media = manifest["media"]
    return (
        f"{ENGINES[manifest['database']['engine']]} database and {media['files']} stored files "
        f"({filesizeformat(media['bytes'])}), made {manifest['created']} by release {manifest['site_version']}"
    ).replace("\xa0", " ")
