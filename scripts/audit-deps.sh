#!/usr/bin/env bash
# Known vulnerabilities in the project's installed Python packages (`make audit-deps`): pip-audit
# (from PyPI, in its own tool venv so its dependencies stay out of the project's) on the exact
# versions in .venv. pip-audit asks an advisory service about every package: PyPI's JSON API, or
# else OSV. Where neither answers, there is no verdict, and this fails saying so: never a silent pass.
set -euo pipefail
cd "$(dirname "$0")/.."

TOOL=.tools/pip-audit
OUT=var/audit-deps
# pip-audit asks PyPI about each exact version (/pypi/NAME/VERSION/json): probe that, for Django.
DJANGO_VERSION=$(.venv/bin/python -c 'import django; print(django.__version__)')
PYPI_PROBE="https://pypi.org/pypi/Django/$DJANGO_VERSION/json"
OSV_PROBE=https://api.osv.dev/v1/query

if [ ! -x "$TOOL/bin/pip-audit" ]; then
  python3 -m venv "$TOOL"
  "$TOOL/bin/pip" install --quiet --disable-pip-version-check 'pip-audit>=2.10,<3'
fi

status() { curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$@" || true; }
pypi=$(status "$PYPI_PROBE")
if [ "$pypi" = 200 ]; then
  service=pypi
else
  osv=$(status -X POST -H 'Content-Type: application/json' \
    -d "{\"package\": {\"name\": \"Django\", \"ecosystem\": \"PyPI\"}, \"version\": \"$DJANGO_VERSION\"}" "$OSV_PROBE")
  if [ "$osv" = 200 ]; then
    service=osv
  else
    echo "make audit-deps: NO VERDICT. pip-audit needs an advisory service, and this machine reaches none:" >&2
    echo "  PyPI JSON API ($PYPI_PROBE): HTTP ${pypi:-000} (000 = no connection; a registry proxy that" >&2
    echo "  serves package downloads but not the per-version JSON answers 404)" >&2
    echo "  OSV ($OSV_PROBE): HTTP ${osv:-000}" >&2
    echo "Run it where pypi.org or api.osv.dev can be reached (a developer machine, or CI with internet)." >&2
    exit 2
  fi
fi

mkdir -p "$OUT"
# Every installed distribution with its exact version (pip and setuptools too), not the editable project.
.venv/bin/pip freeze --all --exclude-editable --disable-pip-version-check >"$OUT/requirements.txt"
echo "Auditing $(wc -l <"$OUT/requirements.txt") packages of .venv against $service advisories"
# --strict: a package the service cannot look up fails the audit instead of being skipped.
"$TOOL/bin/pip-audit" --requirement "$OUT/requirements.txt" --no-deps --disable-pip --strict \
  --vulnerability-service "$service" --desc on --progress-spinner off
