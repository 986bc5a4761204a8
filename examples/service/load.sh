#!/usr/bin/env bash
# The service's load figures (issue 19): sustained requests/s with p50/p99 latency, from oha
# (installed with cargo when missing), against the release build on a fresh store.
#   POST only: 8 connections posting reports (each one SQLite transaction, synced).
#   Mixed: 4 connections posting, 4 reading one request (XML), 2 listing pages of 20 (JSON).
# Usage: examples/service/load.sh [seconds]   (make bench-service)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs="${1:-15}"
target="${CARGO_TARGET_DIR:-target}"
command -v oha >/dev/null || cargo install oha --locked
cargo build --release -q -p wangge-service
dir="$(mktemp -d)"
trap 'kill $server 2>/dev/null || true; rm -rf "$dir"' EXIT
"$target/release/wangge-service" serve "$dir/load.sqlite" 127.0.0.1:0 > "$dir/serve.log" &
server=$!
for _ in $(seq 100); do grep -q Open311 "$dir/serve.log" && break; sleep 0.05; done
base="$(grep -o 'http://[0-9.:]*' "$dir/serve.log")/open311/v2"
form='api_key=demo-key&service_code=livelihood.parking&lat=32.633628&long=116.819763&description=load'
post() { oha -z "${secs}s" -c "$1" --no-tui --output-format json -m POST \
  -H 'Content-Type: application/x-www-form-urlencoded' -d "$form" "$base/requests.json" > "$dir/$2.json"; }
get() { oha -z "${secs}s" -c "$1" --no-tui --output-format json "$base/$2" > "$dir/$3.json"; }
post 8 post
post 4 mixed-post &
writer=$!
get 4 requests/xinjian-000100.xml mixed-get &
reader=$!
get 2 'requests.json?page_size=20' mixed-list
wait "$writer" "$reader"
python3 - "$dir" <<'PY'
import json, sys
for name in ["post", "mixed-post", "mixed-get", "mixed-list"]:
    d = json.load(open(f"{sys.argv[1]}/{name}.json"))
    s, p = d["summary"], d["latencyPercentiles"]
    print(f"{name:11} {s['requestsPerSec']:8.0f} req/s  success {s['successRate']:.4f}  "
          f"p50 {p['p50'] * 1000:6.2f} ms  p99 {p['p99'] * 1000:6.2f} ms")
PY
