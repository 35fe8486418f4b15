"""Compile the site's translations (locale/<language>/LC_MESSAGES/django.po) into the .mo files
Django reads: `make messages`, which `make run`, `serve`, `test` and the deployment steps run. The
.mo files are generated, not committed (README "Languages").

With GNU gettext's msgfmt when it is installed (as Django's `compilemessages` uses it, with the same
format checks); on a machine without it, with polib (a development dependency). Only catalogues
whose .po is newer than their .mo are compiled, and only the site's own (LOCALE_PATHS): not every
`locale` folder below the working directory, which would include the virtualenv's packages."""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    return sorted(po for folder in settings.LOCALE_PATHS for po in Path(folder).glob("*/LC_MESSAGES/*.po"))


def compile_catalogue(po: Path, mo: Path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt:
        result = subprocess.run(
            [msgfmt, "--check-format", "-o", str(mo), str(po)], capture_output=True, text=True, check=False
        )
        if result.returncode:
            raise CommandError(f"msgfmt refused {po}:\n{result.stderr}")
        return
    try:
        import polib
    except ImportError as exc:
        raise CommandError(
            "Compiling translations needs GNU gettext's msgfmt (Debian: apt-get install gettext) "
            "or polib (pip install polib)."
        ) from exc
    polib.pofile(str(po)).save_as_mofile(str(mo))


class Command(BaseCommand):
    help = "Compile the site's translation catalogues (.po) into .mo files where they changed."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compile every catalogue, changed or not.")

    def handle(self, *args, force=False, **options):
        compiled = 0
        for po in catalogues():
            mo = po.with_suffix(".mo")
            if force or not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
                compile_catalogue(po, mo)
                compiled += 1
        if options["verbosity"]:
            self.stdout.write(f"{compiled} translation catalogue(s) compiled.")
