#!/usr/bin/env bash
# Lighthouse on every shopper page of the demo catalog (a measurement, not part of .ci/run).
#
# Builds the demo (`lookbook demo --no-serve`) into a temporary instance, serves it with
# `lookbook serve` on the first free port of 5610-5629 (override: LIGHTHOUSE_PORTS="a b"),
# runs the `lighthouse` npm package (installed into .ci/node_modules) in Debian's Chromium
# with its default mobile emulation, prints performance / accessibility / best-practices /
# SEO per page and exits 1 when any score is below 0.9 (LIGHTHOUSE_MIN).
#
#   .ci/lighthouse.sh                 # build the demo, serve it, audit every page
#   LIGHTHOUSE_URL=http://127.0.0.1:5610 .ci/lighthouse.sh   # audit a server already running
#   LIGHTHOUSE_KEEP=dir .ci/lighthouse.sh                     # keep the JSON reports in dir
set -euo pipefail
cd "$(dirname "$0")/.."
MIN="${LIGHTHOUSE_MIN:-0.9}"
PORTS="${LIGHTHOUSE_PORTS:-$(seq 5610 5629)}"
PY="${PYTHON:-.venv/bin/python}"
LOOKBOOK="${LOOKBOOK_BIN:-.venv/bin/lookbook}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"

if [ ! -x .ci/node_modules/.bin/lighthouse ]; then
  # Lighthouse 12 runs on Node 18+ (13 needs Node 22).
  npm install --silent --no-audit --no-fund --prefix .ci lighthouse@12 >/dev/null
fi

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

base="${LIGHTHOUSE_URL:-}"
if [ -z "$base" ]; then
  export LOOKBOOK_INSTANCE="$work/instance" LOOKBOOK_MODELS_DIR="$work/instance/models"
  export LOOKBOOK_RATE_LIMIT=off
  echo "== building the demo catalog in $LOOKBOOK_INSTANCE"
  "$LOOKBOOK" demo --no-serve >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; exit 1; }
  for port in $PORTS; do
    # Something already listens there (another server): not ours to audit.
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
    "$LOOKBOOK" serve --port "$port" >"$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 120); do
      sleep 0.5
      kill -0 "$server" 2>/dev/null || break  # taken meanwhile: try the next port
      if curl -sf "http://127.0.0.1:$port/health/live" >/dev/null; then base="http://127.0.0.1:$port"; break; fi
    done
    [ -n "$base" ] && break
    wait "$server" 2>/dev/null || true
    server=""
  done
  [ -n "$base" ] || { echo "no free port in: $PORTS" >&2; cat "$work/server.log" >&2; exit 1; }
  echo "== serving at $base"
fi

# The pages: home, the first lookbook, its first outfit and bag, browse (all, filtered, empty).
home=$(curl -sf "$base/")
book=$(grep -o 'href="/lookbooks/[^"#]*"' <<<"$home" | head -n1 | cut -d'"' -f2)
[ -n "$book" ] || { echo "the home page links to no lookbook" >&2; exit 1; }
lookbook=$(curl -sf "$base$book")
outfit=$(grep -o 'href="/outfits/[^"#]*"' <<<"$lookbook" | head -n1 | cut -d'"' -f2)
bag=$(grep -o 'href="/bags/[^"#]*"' <<<"$lookbook" | head -n1 | cut -d'"' -f2)
pages=("/" "$book" "$outfit" "$bag" "/browse" "/browse?kind=bag&occasion=evening&size=micro,mini"
       "/browse?kind=bag&colour=gold&occasion=business&max_price=20")

reports="${LIGHTHOUSE_KEEP:-$work/reports}"
mkdir -p "$reports"
n=0
for path in "${pages[@]}"; do
  n=$((n + 1))
  echo "== lighthouse $path" >&2
  .ci/node_modules/.bin/lighthouse "$base$path" --quiet --output=json --output-path="$reports/page-$n.json" \
    --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking" \
    >"$work/lighthouse-$n.log" 2>&1 || { cat "$work/lighthouse-$n.log" >&2; exit 1; }
done

echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
"$PY" - "$MIN" "$reports" "${pages[@]}" <<'EOF'
import json
import sys
from pathlib import Path

minimum, folder, paths = float(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
names = ("performance", "accessibility", "best-practices", "seo")
print(f"{'page':<62} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}")
low = []
for n, path in enumerate(paths, 1):
    report = json.loads((folder / f"page-{n}.json").read_text())
    scores = {c: report["categories"][c]["score"] for c in names}
    print(f"{path:<62} " + " ".join(f"{scores[c]:>5.2f}" for c in names))
    for c in names:
        if scores[c] is None or scores[c] < minimum:
            failed = [a["title"] for ref in report["categories"][c]["auditRefs"]
                      if ref["weight"] and (a := report["audits"][ref["id"]])["score"] is not None
                      and a["score"] < 1]
            low.append(f"{path} {c} {scores[c]}: " + "; ".join(failed[:6]))
if low:
    print("\nbelow " + str(minimum) + ":\n  " + "\n  ".join(low))
    sys.exit(1)
print(f"\nevery score >= {minimum}")
EOF
