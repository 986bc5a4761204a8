#!/usr/bin/env bash
# Installs what the project needs and the machine lacks. Idempotent: every step is skipped
# when its result is already there, so running it twice costs seconds.
#   scripts/setup.sh          Rust toolchain pieces (with nightly and cargo-fuzz for fuzzing), the
#                             wasm toolchain, npm tools, Python venv
#   scripts/setup.sh rust     only the Rust pieces
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
what="${1:-all}"

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is required (https://rustup.rs)" >&2
  exit 1
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
    say "rustup component add $component"
    rustup component add "$component"
  fi
done
# The declared minimum Rust version (rust-version in Cargo.toml), to check that it is true.
MSRV="$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)"
if [ -n "$MSRV" ] && ! rustup toolchain list | grep -q "^$MSRV"; then
  say "rustup toolchain install $MSRV (the declared MSRV)"
  rustup toolchain install "$MSRV" --profile minimal
fi
# Fuzzing (scripts/fuzz.sh): the nightly toolchain and cargo-fuzz.
if ! cargo +nightly --version >/dev/null 2>&1; then
  say "rustup toolchain install nightly (for cargo fuzz)"
  rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "cargo install cargo-fuzz"
  cargo install cargo-fuzz --version 0.13.2 --locked
fi
[ "$what" = rust ] && exit 0

# WebAssembly: the target, wasm-bindgen-cli (pinned, matching the crate), npm tools.
if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
# The standard library's source, so that the module's std is rebuilt for size (build.sh).
if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  say "rustup component add rust-src"
  rustup component add rust-src || say "no rust-src: the module is built with the prebuilt std"
fi
WASM_BINDGEN_VERSION="$(grep -m1 '^wasm-bindgen = ' bindings-wasm/Cargo.toml | sed 's/.*"=\(.*\)".*/\1/')"
if ! command -v wasm-bindgen >/dev/null 2>&1 || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if ! command -v node >/dev/null 2>&1; then
  echo "node (and npm) are required for the WebAssembly package and its tests" >&2
  exit 1
fi
# npm tools (bindings-wasm/package.json, pinned by its lockfile): binaryen's wasm-opt,
# TypeScript, playwright-core (drives Chromium), Vite and esbuild (the bundler apps), publint
# and @arethetypeswrong/cli (the package checks), xstate (the lifecycle cross-check).
npm_missing=0
for tool in wasm-opt tsc vite esbuild publint attw; do
  [ -x "bindings-wasm/node_modules/.bin/$tool" ] || npm_missing=1
done
if [ "$npm_missing" = 1 ]; then
  say "npm ci (bindings-wasm dev tools)"
  (cd bindings-wasm && npm ci --no-audit --no-fund --loglevel=error)
fi

# A headless browser for the web demo's test (Debian's chromium), and CJK fonts so its
# screenshot is legible. Skipped where it cannot be installed (the test then says so).
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  say "apt-get install chromium fonts-wqy-microhei"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei >/dev/null; } \
    || say "could not install chromium: the browser test will be skipped"
fi

# Python: the venv and the package (see scripts/python.sh).
if [ -f scripts/python.sh ]; then
  bash scripts/python.sh setup
fi
say "ok"
