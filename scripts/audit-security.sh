#!/usr/bin/env bash
# Security scanners against `make serve` on loopback (`make audit-security`; `make seed` first, for
# the demo content):
# - the MDN HTTP Observatory (npm @mdn/mdn-http-observatory) on the home page and a slide PDF,
#   through a TLS listener with a certificate from a local CA made here (var/tls/), trusted by the
#   scanner only; plain HTTP redirects to it, as nginx does in production. Pass: score >= 130.
# - wapiti (PyPI wapiti3, in its own tool venv) crawling the site over the same TLS listener with
#   its header, CSP, cookie, CSRF, XSS, SQL, file, CRLF and redirect modules. Pass: no finding,
#   and no anomaly (an error 500 or a timeout).
# Only 127.0.0.1 is contacted. Reports: var/audit-security/.
set -euo pipefail
cd "$(dirname "$0")/.."

HTTP_PORT="${AUDIT_HTTP_PORT:-8780}"
HTTPS_PORT="${AUDIT_HTTPS_PORT:-8743}"
HOST=127.0.0.1
OUT=var/audit-security
TLS=var/tls
OBSERVATORY=.tools/observatory
WAPITI=.tools/wapiti
PAGES=("/" "/slides/information-session-phase-2-spp-2298-the-second-funding-period/download/")
MIN_SCORE=130
WAPITI_MODULES=http_headers,csp,cookieflags,csrf,xss,sql,file,crlf,redirect

command -v npm >/dev/null || { echo "npm is needed for the Observatory (Debian: apt-get install npm)"; exit 1; }
command -v openssl >/dev/null || { echo "openssl is needed for the local certificate (Debian: apt-get install openssl)"; exit 1; }
if [ ! -d "$OBSERVATORY/node_modules/@mdn/mdn-http-observatory" ]; then
  mkdir -p "$OBSERVATORY"
  # --ignore-scripts: its optional native PostgreSQL client (for its own web service) is not needed.
  npm install --prefix "$OBSERVATORY" --no-audit --no-fund --ignore-scripts --loglevel=error \
    @mdn/mdn-http-observatory@1.4.8
fi
# Its postinstall downloads Chromium's HSTS preload list from GitHub, which is out of reach here (and
# skipped above). Loopback addresses are on no preload list, so an empty one scores the same.
PRELOAD="$OBSERVATORY/node_modules/@mdn/mdn-http-observatory/conf/hsts-preload.json"
[ -s "$PRELOAD" ] || echo '{}' >"$PRELOAD"
if [ ! -x "$WAPITI/bin/wapiti" ]; then
  python3 -m venv "$WAPITI"
  "$WAPITI/bin/pip" install --quiet --disable-pip-version-check 'wapiti3>=3.2.3,<3.3'
fi

if [ ! -s "$TLS/server.pem" ]; then
  mkdir -p "$TLS"
  (
    umask 077
    cd "$TLS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=SPP 2298 local audit CA" \
      -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 \
      -extfile server.ext -out server.pem 2>/dev/null
  )
fi

mkdir -p "$OUT"
PIDS=()
# The site as `make serve` runs it, with TLS, and a plain-HTTP twin that only redirects to it.
# Sign-in lock-outs are lifted for the scan, so that wapiti's attacks reach the login form itself
# rather than the lock-out page; its failed sign-ins from 127.0.0.1 are forgotten afterwards.
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true
  .venv/bin/python manage.py axes_reset_ip "$HOST" >/dev/null' EXIT
export DJANGO_LOGIN_FAILURE_LIMIT=1000000
HOST=$HOST PORT=$HTTPS_PORT WEB_CERTFILE="$TLS/server.pem" WEB_KEYFILE="$TLS/server.key" WEB_WORKERS=2 \
  DJANGO_SECURE_SSL_REDIRECT=1 scripts/serve.sh >"$OUT/server-https.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do curl -fs --cacert "$TLS/ca.pem" "https://$HOST:$HTTPS_PORT/robots.txt" >/dev/null && break; sleep 0.2; done
curl -fs --cacert "$TLS/ca.pem" "https://$HOST:$HTTPS_PORT/robots.txt" >/dev/null \
  || { echo "The TLS server did not start; see $OUT/server-https.log"; exit 1; }
HOST=$HOST PORT=$HTTP_PORT WEB_WORKERS=1 SERVE_SETUP=0 DJANGO_SECURE_SSL_REDIRECT=1 \
  DJANGO_SECURE_SSL_HOST="$HOST:$HTTPS_PORT" scripts/serve.sh >"$OUT/server-http.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -s -o /dev/null "http://$HOST:$HTTP_PORT/" && break; sleep 0.2; done

echo "== MDN HTTP Observatory (pass: score >= $MIN_SCORE)"
NODE_EXTRA_CA_CERTS="$TLS/ca.pem" node scripts/observatory.mjs "$HOST" "$HTTP_PORT" "$HTTPS_PORT" "${PAGES[@]}" \
  >"$OUT/observatory.jsonl"

echo "== wapiti $("$WAPITI/bin/wapiti" --version 2>/dev/null | tail -1) ($WAPITI_MODULES)"
rm -rf "$OUT/wapiti-session"
"$WAPITI/bin/wapiti" -u "https://$HOST:$HTTPS_PORT/" -s "https://$HOST:$HTTPS_PORT/admin/login/" \
  --scope folder -m "$WAPITI_MODULES" --level 1 --tasks 4 --depth 4 --max-links-per-page 40 \
  --max-scan-time 1200 --max-attack-time 300 -t 20 --verify-ssl 0 --no-bugreport \
  -x "https://$HOST:$HTTPS_PORT/admin/logout/" -x "https://$HOST:$HTTPS_PORT/events/*/slides.zip" \
  --store-session "$OUT/wapiti-session" --store-config "$OUT/wapiti-config" \
  -f json -o "$OUT/wapiti.json" -v 0 >"$OUT/wapiti.log" 2>&1 \
  || { echo "wapiti failed; see $OUT/wapiti.log"; exit 1; }

.venv/bin/python - "$OUT" "$MIN_SCORE" <<'PY'
import json, pathlib, sys

out, min_score = pathlib.Path(sys.argv[1]), int(sys.argv[2])
failed = False
print(f"{'page':<82} {'score':>5} {'grade':>5}")
for line in (out / "observatory.jsonl").read_text().splitlines():
    scan = json.loads(line)
    print(f"{scan['path']:<82} {scan['score']:>5} {scan['grade']:>5}")
    for name, test in scan["tests"].items():
        if test["modifier"] or not test["pass"]:
            print(f"    {name:<32} {test['modifier']:+3d}  {test['result']}")
    failed |= scan["score"] < min_score

report = json.loads((out / "wapiti.json").read_text())
info = report.get("infos", {})
print(f"wapiti crawled {info.get('crawled_pages_nbr', '?')} pages of {info.get('target')}")
for section in ("vulnerabilities", "anomalies"):
    for category, findings in sorted(report.get(section, {}).items()):
        if findings:
            failed = True
            print(f"    {section[:-1]}: {category}: {len(findings)}")
            for finding in findings[:5]:
                print(f"        {finding.get('method')} {finding.get('path')} {finding.get('parameter') or ''}: {finding.get('info')}")
counts = {s: sum(len(v) for v in report.get(s, {}).values()) for s in ("vulnerabilities", "anomalies")}
print(f"wapiti: {counts['vulnerabilities']} vulnerabilities, {counts['anomalies']} anomalies (errors 500, timeouts)")
print(f"Reports: {out}/")
sys.exit(1 if failed else 0)
PY
