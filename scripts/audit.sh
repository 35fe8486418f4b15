#!/usr/bin/env bash
# Lighthouse scores (performance, accessibility, best practices, SEO; mobile and desktop) for the
# home page and an event page, against `make serve` (DEBUG off, gunicorn, WhiteNoise). Offline:
# Lighthouse comes from the npm registry and drives the machine's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${AUDIT_PORT:-8765}"
TOOLS=.tools
LIGHTHOUSE="$TOOLS/node_modules/.bin/lighthouse"
CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
OUT=var/lighthouse
PAGES=("/" "/events/annual-meeting-2023/")

command -v npm >/dev/null || { echo "npm is needed for Lighthouse (Debian: apt-get install npm)"; exit 1; }
[ -x "$CHROME_PATH" ] || { echo "Chromium not found at $CHROME_PATH (Debian: apt-get install chromium)"; exit 1; }
if [ ! -x "$LIGHTHOUSE" ]; then
  # Lighthouse 13 needs Node 22; 12 runs on Node 20.
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error lighthouse@12.8.2
fi

mkdir -p "$OUT"
# The site as `make serve` runs it (DEBUG off, collectstatic, gunicorn, WhiteNoise).
HOST=127.0.0.1 PORT="$PORT" scripts/serve.sh >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$PORT/" >/dev/null && break; sleep 0.2; done
FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run"
for page in "${PAGES[@]}"; do
  name=$(echo "$page" | tr '/' '_' | sed 's/^_$/home/;s/^_//;s/_$//')
  for preset in mobile desktop; do
    extra=()
    [ "$preset" = desktop ] && extra=(--preset=desktop)
    # Lighthouse now and then fails to record a trace (NO_NAVSTART) on a cold start: try again.
    for attempt in 1 2 3; do
      if CHROME_PATH="$CHROME_PATH" "$LIGHTHOUSE" "http://127.0.0.1:$PORT$page" --quiet \
        --chrome-flags="$FLAGS" --only-categories=performance,accessibility,best-practices,seo \
        --output=json --output=html --output-path="$OUT/$name-$preset" "${extra[@]}" >/dev/null; then
        break
      fi
      [ "$attempt" = 3 ] && { echo "Lighthouse failed three times on $page ($preset)"; exit 1; }
      echo "Lighthouse failed on $page ($preset); trying again"
    done
  done
done
.venv/bin/python - "$OUT" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
print(f"{'page':<40} {'preset':<8} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}")
for report in sorted(out.glob("*.report.json")):
    data = json.loads(report.read_text())
    c = data["categories"]
    scores = [round(c[k]["score"] * 100) for k in ("performance", "accessibility", "best-practices", "seo")]
    name, preset = report.name.removesuffix(".report.json").rsplit("-", 1)
    print(f"{data['finalDisplayedUrl'].split(':', 2)[-1][4:]:<40} {preset:<8} " + " ".join(f"{s:>5}" for s in scores))
print(f"Full reports: {out}/*.report.html")
PY
