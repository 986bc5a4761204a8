#!/usr/bin/env bash
# Builds the wangge WebAssembly package into bindings-wasm/pkg/ for the `web` (ES module) and
# `nodejs` targets, optimises it with wasm-opt from the npm `binaryen` package, and prints the
# raw and gzip size of the module. Idempotent: tools are installed only when missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
# Cargo's target directory: CARGO_TARGET_DIR if set (relative to where we were called from,
# as cargo reads it), else target/ at the repository root.
target_dir="${CARGO_TARGET_DIR:-$root/target}"
case "$target_dir" in /*) ;; *) target_dir="$(pwd)/$target_dir" ;; esac
export CARGO_TARGET_DIR="$target_dir"
cd "$here"

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pin in Cargo.toml
BUDGET_GZIP=307200             # 300 KB

say() { printf '\033[1m[wasm]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! command -v wasm-bindgen >/dev/null 2>&1 || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/tsc ]; then
  say "npm install (binaryen, typescript, playwright-core, xstate)"
  npm install --no-audit --no-fund --loglevel=error
fi

# The module is built for size: opt-level z, fat LTO, one codegen unit, and, when the rust-src
# component is there (scripts/setup.sh installs it), the standard library rebuilt with its
# `optimize_for_size` feature (small sort and formatting code) and panics that trap at once
# (a panic in WebAssembly has no message to show anyway): about 10% less gzip than the
# prebuilt std. Those are unstable cargo/rustc flags, enabled with RUSTC_BOOTSTRAP for this
# one build; if the toolchain refuses them, the build falls back to the prebuilt std.
build() {
  CARGO_PROFILE_RELEASE_OPT_LEVEL=${WANGGE_WASM_OPT:-z} \
  CARGO_PROFILE_RELEASE_LTO=fat \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  CARGO_PROFILE_RELEASE_PANIC=abort \
    cargo build --release -p wangge-wasm --target wasm32-unknown-unknown --manifest-path "$root/Cargo.toml" "$@"
}
if [ "${WANGGE_WASM_BUILD_STD:-1}" = 1 ] && rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  say "cargo build (release, wasm32, size-optimised, std rebuilt for size)"
  if ! RUSTC_BOOTSTRAP=1 \
       CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
       build -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size; then
    say "this toolchain refused the std-for-size flags: building with the prebuilt std"
    build
  fi
else
  say "cargo build (release, wasm32, size-optimised)"
  build
fi
wasm="$target_dir/wasm32-unknown-unknown/release/wangge_wasm.wasm"

out="$here/pkg"
rm -rf "$out"
mkdir -p "$out"
for target in web nodejs; do
  dir="$out/$([ "$target" = nodejs ] && echo node || echo web)"
  wasm-bindgen --target "$target" --weak-refs --out-dir "$dir" --out-name wangge "$wasm"
done

say "wasm-opt -Oz"
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$out/web/wangge_bg.wasm" -o "$out/web/wangge_bg.wasm"
cp "$out/web/wangge_bg.wasm" "$out/node/wangge_bg.wasm"

version="$(grep -m1 '^version' "$root/Cargo.toml" | sed 's/.*"\(.*\)".*/\1/')"
cat > "$out/package.json" <<JSON
{
  "name": "wangge",
  "version": "$version",
  "description": "Community grid governance (网格化治理): hierarchy, closed-loop tickets, escalation in working time, quorum under the Civil Code. WebAssembly build of the wangge Rust library.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./node/wangge.js",
  "module": "./web/wangge.js",
  "types": "./web/wangge.d.ts",
  "exports": {
    ".": {
      "types": "./web/wangge.d.ts",
      "node": "./node/wangge.cjs",
      "import": "./web/wangge.js",
      "default": "./web/wangge.js"
    },
    "./node": { "types": "./node/wangge.d.ts", "default": "./node/wangge.cjs" },
    "./web": { "types": "./web/wangge.d.ts", "default": "./web/wangge.js" },
    "./wangge_bg.wasm": "./web/wangge_bg.wasm"
  },
  "files": ["web", "node", "README.md"],
  "sideEffects": ["./web/wangge.js", "./node/wangge.cjs"]
}
JSON
# The nodejs glue is CommonJS: give it a .cjs name inside this "type": "module" package.
mv "$out/node/wangge.js" "$out/node/wangge.cjs"
cp "$here/README.package.md" "$out/README.md"

raw=$(wc -c < "$out/web/wangge_bg.wasm")
gz=$(gzip -9 -c "$out/web/wangge_bg.wasm" | wc -c)
say "module size: $raw bytes raw, $gz bytes gzip (budget $BUDGET_GZIP)"
if [ "$gz" -gt "$BUDGET_GZIP" ]; then
  say "WARNING: the module is over the 300 KB gzip budget by $((gz - BUDGET_GZIP)) bytes"
  if [ "${WANGGE_WASM_STRICT_BUDGET:-0}" = 1 ]; then exit 1; fi
fi
