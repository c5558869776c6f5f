#!/usr/bin/env bash
# Renders a tracemark report.html in headless Chromium (Debian package "chromium") and checks that
# it renders (the DOM has the charts: 3, or 2 for score-sum schemes) and that the page makes no network request.
#
#   verifier/src/build/check-report-html.sh REPORT_DIR/report.html [OUT_DIR]
#
# Writes OUT_DIR/report.png (a screenshot), OUT_DIR/dom.html and OUT_DIR/netlog.json. Exit 0 when
# the page rendered with its three charts and the net log shows no request made for the page
# other than the file itself; 1 otherwise. Needs chromium and python3. --self-test runs it on a
# page with an external <img> and expects the failure.
set -euo pipefail

chromium_flags=(--headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check
  --disable-background-networking --disable-component-update --disable-sync --disable-default-apps
  --disable-extensions --disable-client-side-phishing-detection --disable-domain-reliability
  --disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,SpellCheck
  --metrics-recording-only --password-store=basic --use-mock-keychain)

check() {
  local html out
  html=$(realpath "$1")
  out=${2:-$(mktemp -d)}
  mkdir -p "$out"
  chromium "${chromium_flags[@]}" --window-size=1000,3000 --screenshot="$out/report.png" \
    "file://$html" >/dev/null 2>&1
  chromium "${chromium_flags[@]}" --log-net-log="$out/netlog.json" --dump-dom "file://$html" \
    >"$out/dom.html" 2>/dev/null
  local svgs requests
  svgs=$(grep -o '<svg' "$out/dom.html" | wc -l)
  # requests made on behalf of the page (their network isolation key is the file:// top frame);
  # the browser's own background traffic (update checks, time) has another key and is ignored
  requests=$(python3 - "$out/netlog.json" "file://$html" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
seen = set()
for e in log["events"]:
    p = e.get("params", {})
    if names.get(e["type"]) == "URL_REQUEST_START_JOB" and p.get("network_isolation_key", "").startswith("file://"):
        if p.get("url") != sys.argv[2] and p["url"] not in seen:
            seen.add(p["url"])
            print(p["url"])
PY
)
  echo "rendered: $(wc -c <"$out/dom.html") bytes of DOM, $svgs inline SVG charts; screenshot $out/report.png"
  if [[ -n "$requests" ]]; then
    echo "FAIL: network requests:"
    echo "$requests"
    return 1
  fi
  # 3 charts; reports of score-sum schemes (no green rate) have 2
  if [[ "$svgs" -lt 2 ]]; then
    echo "FAIL: expected at least 2 charts, found $svgs"
    return 1
  fi
  echo "OK: no network request"
}

if [[ "${1:-}" == "--self-test" ]]; then
  tmp=$(mktemp -d)
  printf '<!DOCTYPE html><html><body><svg></svg><svg></svg><svg></svg><img src="http://192.0.2.1/x.png"></body></html>' \
    >"$tmp/external.html"
  if check "$tmp/external.html" "$tmp/out"; then
    echo "self-test FAILED: the external request was not seen"
    exit 1
  fi
  echo "self-test passed: an external request is detected"
  exit 0
fi
check "$@"
