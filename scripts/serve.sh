#!/usr/bin/env bash
# The site as in production, on this machine (`make serve`): DEBUG off, migrations applied, static
# files collected (hashed names, gzip and brotli, far-future caching through WhiteNoise), gunicorn
# with threaded workers (deploy/gunicorn.conf.py). What differs from production: no TLS here, so
# the HTTPS redirect is off (DJANGO_SECURE_SSL_REDIRECT=0; HSTS and secure cookies stay on, and
# browsers accept secure cookies from 127.0.0.1), the host names are the loopback ones, and the
# secret key is a local one, made once in var/ (which git ignores).
#
# Environment: HOST (127.0.0.1), PORT (8000), WEB_WORKERS, WEB_THREADS, WEB_TIMEOUT (see
# deploy/gunicorn.conf.py); SERVE_SETUP=0 skips migrate and collectstatic (another instance did
# them). Other scripts start it in the background and stop it with SIGTERM (make audit-security).
set -euo pipefail
cd "$(dirname "$0")/.."

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
KEY_FILE=var/serve-secret-key

mkdir -p var
if [ ! -s "$KEY_FILE" ]; then
  (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' >"$KEY_FILE")
fi

export DJANGO_DEBUG=0
DJANGO_SECRET_KEY="$(cat "$KEY_FILE")"
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost,[::1]}"
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-0}"
export WEB_BIND="${WEB_BIND:-$HOST:$PORT}"

if [ "${SERVE_SETUP:-1}" != 0 ]; then
  .venv/bin/python manage.py migrate --noinput -v0
  .venv/bin/python manage.py collectstatic --noinput -v0
  .venv/bin/python manage.py prerender_markdown -v0
fi
SCHEME=http
[ -n "${WEB_CERTFILE:-}" ] && SCHEME=https
echo "Serving on $SCHEME://$WEB_BIND/ as in production (DEBUG off, gunicorn gthread; HTTPS redirect: $DJANGO_SECURE_SSL_REDIRECT)"
exec .venv/bin/gunicorn -c deploy/gunicorn.conf.py spp_site.wsgi
