#!/usr/bin/env bash
# The Python package: a venv at .venv with the tools, the package built and installed into it.
#   scripts/python.sh setup   create .venv (if missing), install the tools (once per change of
#                             scripts/python-requirements.txt), build and install wangge
#   scripts/python.sh test    setup, then pytest, the stub check and the analyst example
#   scripts/python.sh bench   setup, then benches/python/bench.py (extra arguments passed on,
#                             e.g. --quick)
# Idempotent. Honours CARGO_TARGET_DIR (default: target/ at the repository root).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
say() { printf '\033[1m[python]\033[0m %s\n' "$*"; }

VENV="$ROOT/.venv"
PY="$VENV/bin/python"
REQ="$ROOT/scripts/python-requirements.txt"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"

hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

setup() {
  if [ ! -x "$PY" ]; then
    say "python3 -m venv .venv"
    python3 -m venv "$VENV"
  fi
  local stamp="$VENV/.wangge-requirements-$(hash_of "$REQ")"
  if [ ! -f "$stamp" ]; then
    say "pip install -r scripts/python-requirements.txt"
    "$PY" -m pip install -q --upgrade pip
    "$PY" -m pip install -q -r "$REQ"
    rm -f "$VENV"/.wangge-requirements-*
    touch "$stamp"
  fi
  # Rebuild only when the Rust or Python sources changed since the last install.
  local sources
  sources="$(find core/src core/Cargo.toml bindings-python/src bindings-python/python \
      bindings-python/Cargo.toml bindings-python/pyproject.toml Cargo.lock -type f \
      -not -name '*.so' -not -path '*/__pycache__/*' | sort)"
  local built="$VENV/.wangge-build-$(hash_of $sources)"
  if [ ! -f "$built" ] || ! "$PY" -c 'import wangge' >/dev/null 2>&1; then
    say "maturin develop --release (bindings-python; CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
    (cd bindings-python && VIRTUAL_ENV="$VENV" PATH="$VENV/bin:$PATH" \
      "$VENV/bin/maturin" develop --release -q)
    rm -f "$VENV"/.wangge-build-*
    touch "$built"
  fi
}

case "${1:-setup}" in
  setup)
    setup
    ;;
  test)
    setup
    say "pytest bindings-python/tests"
    "$PY" -m pytest -q bindings-python/tests
    say "examples/service: a third-party Open311 client (georeport) against the service"
    cargo build -q -p wangge-service
    WANGGE_SERVICE_BIN="$CARGO_TARGET_DIR/debug/wangge-service" \
      "$PY" -m pytest -q examples/service/tests/client
    say "stubtest wangge"
    "$PY" -m mypy.stubtest wangge --allowlist bindings-python/stubtest-allowlist.txt
    say "mypy on the example and the bench (typed use of the stubs)"
    "$PY" -m mypy --no-error-summary --ignore-missing-imports examples/python/analyst.py \
      examples/python/leak.py examples/python/elevator.py benches/python/bench.py \
      benches/python/city_year.py examples/python/city_year_analyst.py
    for example in analyst leak elevator; do
      say "examples/python/$example.py"
      "$PY" "examples/python/$example.py" > /dev/null
    done
    say "examples/python/city_year_analyst.py (small: 20,000 tickets, 2 Dask workers)"
    out="$(mktemp -d)"
    if ! "$PY" examples/python/city_year_analyst.py --tickets 20000 --workers 2 --out "$out" > "$out/log" 2>&1; then
      cat "$out/log"; exit 1
    fi
    test -s "$out/rates_by_month.png" && test -s "$out/loaded_grids.png"
    rm -rf "$out"
    ;;
  bench)
    setup
    shift || true
    "$PY" benches/python/bench.py "$@"
    ;;
  *)
    echo "usage: scripts/python.sh setup|test|bench [--quick]" >&2
    exit 2
    ;;
esac
