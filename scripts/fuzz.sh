#!/usr/bin/env bash
# The fuzz targets of the core (core/fuzz, cargo-fuzz and libFuzzer; see docs/FUZZING.md).
#   scripts/fuzz.sh smoke            build every target, seed the corpora, run each for a few
#                                    seconds (CI: `make fuzz-smoke`)
#   scripts/fuzz.sh long SECONDS     run each target for SECONDS, one after the other, and
#                                    print its executions and whether it crashed
#   scripts/fuzz.sh build            build every target
#   scripts/fuzz.sh list             the targets, in the order `long` runs them
# Targets may be named after the command (`scripts/fuzz.sh long 600 time calendar`).
# Needs the nightly toolchain and cargo-fuzz (scripts/setup.sh installs both). Builds go to
# $CARGO_TARGET_DIR/fuzz when CARGO_TARGET_DIR is set, else core/fuzz/target. Corpora are in
# core/fuzz/corpus/<target>, crashes in core/fuzz/artifacts/<target>; neither is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

# Cheap targets first; the calendar and the ledger's operation sequences last.
TARGETS=(time hierarchy_json division_codes action event_log table_rows documents open311
  vote_record calendar ledger_ops)
SMOKE_SECONDS="${FUZZ_SMOKE_SECONDS:-4}"

say() { printf '\033[1m[fuzz]\033[0m %s\n' "$*"; }

if [ -n "${CARGO_TARGET_DIR:-}" ]; then
  TARGET_DIR="$CARGO_TARGET_DIR/fuzz"
else
  TARGET_DIR="$ROOT/core/fuzz/target"
fi
# No sanitizer: the core forbids unsafe code, and libFuzzer runs about twice as fast without
# AddressSanitizer. Debug assertions and overflow checks stay on (cargo-fuzz's default). The
# smoke builds without optimizations (`--dev`: a cold build in about half the time, and a few
# seconds a target need no speed); `long` builds optimized.
BUILD_FLAGS=(--sanitizer none --target-dir "$TARGET_DIR")
PROFILE=release

build() {
  local flags=("${BUILD_FLAGS[@]}")
  [ "$PROFILE" = release ] || flags+=(--dev)
  say "building the fuzz targets (cargo +nightly fuzz build, $PROFILE)"
  (cd core && cargo +nightly fuzz build "${flags[@]}" "$@")
}

bin() {
  local dir=release
  [ "$PROFILE" = release ] || dir=debug
  printf '%s' "$TARGET_DIR/x86_64-unknown-linux-gnu/$dir/$1"
}

# The corpora: core/fuzz/corpus, kept and grown by `long`; the smoke runs on fresh copies of
# the seeds alone, so that its time does not grow with the kept corpora.
CORPUS_ROOT="$ROOT/core/fuzz/corpus"

# Runs one target for $2 seconds; prints `target executions crashed|ok seconds`.
run() {
  local target="$1" seconds="$2" log
  local corpus="$CORPUS_ROOT/$target" artifacts="$ROOT/core/fuzz/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  log="$(mktemp)"
  local start end status=0
  start=$(date +%s)
  "$(bin "$target")" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
  end=$(date +%s)
  local execs
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  if [ "$status" -ne 0 ]; then
    printf '%-16s %12s  CRASHED (exit %s) after %ss; log: %s\n' "$target" "${execs:-?}" "$status" \
      "$((end - start))" "$log"
    grep -m1 -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | sed 's/^/    /' || true
    grep -m3 -E 'Test unit written to' "$log" | sed 's/^/    /' || true
    return 1
  fi
  printf '%-16s %12s  ok, %ss\n' "$target" "${execs:-?}" "$((end - start))"
  rm -f "$log"
}

run_all() {
  local seconds="$1"
  shift
  local targets=("$@") failed=()
  [ ${#targets[@]} -gt 0 ] || targets=("${TARGETS[@]}")
  python3 core/fuzz/seed.py --out "$CORPUS_ROOT"
  printf '%-16s %12s  %s\n' target executions result
  for t in "${targets[@]}"; do
    run "$t" "$seconds" || failed+=("$t")
  done
  if [ ${#failed[@]} -gt 0 ]; then
    say "crashed: ${failed[*]} (inputs in core/fuzz/artifacts/<target>/)"
    return 1
  fi
}

case "${1:-}" in
  smoke)
    shift
    PROFILE=dev
    CORPUS_ROOT="$(mktemp -d)"
    trap 'rm -rf "$CORPUS_ROOT"' EXIT
    build
    run_all "$SMOKE_SECONDS" "$@"
    ;;
  long)
    shift
    seconds="${1:?usage: scripts/fuzz.sh long SECONDS [TARGET...]}"
    shift
    build
    run_all "$seconds" "$@"
    ;;
  build)
    build
    ;;
  list)
    printf '%s\n' "${TARGETS[@]}"
    ;;
  *)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
