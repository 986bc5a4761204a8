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
# 300 KiB until issue 15, which adds calendars that know their years (the shipped 2025 and
# 2026 notices, coverage checks, checked arithmetic: +6.6 KB gzip measured) and signed logs
# (the Ed25519 verifier, curve25519-dalek and SHA-512: 17,138 bytes gzip, signing 504 more;
# the 64-bit field backend on wasm32 weighed the same), rounded up to the next 4 KiB.
# 328 KiB until issue 16 (city-scale speed), which adds the calendar's working-time table,
# the deadline index by kind, sweeps that can split over threads (one thread on wasm32) and
# inline ticket ids (compact_str, 1.0 KB): 330,473 → 336,079 bytes gzip; next 4 KiB up.
# 344 KiB until issue 18 (grids on the map, Open311 as real servers write it): boundaries and
# coordinate systems (up to 351,532 bytes), then GeoReport v2 documents in XML (roxmltree:
# 14.2 KB gzip measured by leaving it out), documents told apart, service lists, the status
# table and import events: 351,532 → 381,299 bytes gzip; next 4 KiB up.
# 376 KiB until issue 16's decisions that share their texts (SharedStr), the ledger's table of
# rule names and the packed deadline index keys: 384,740 → 386,514 bytes gzip; next 4 KiB up.
# 392 KiB until issue 16's sweeps that apply each ticket's decisions right after deciding
# them, with the check that nothing can refuse the evaluation half-way, and share the reason
# texts of firings due at one instant (W3 on one thread 1.2-1.4x faster in Rust):
# 401,243 -> 402,230 bytes gzip; next 4 KiB up.
BUDGET_GZIP=405504             # 396 KiB

say() { printf '\033[1m[wasm]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! command -v wasm-bindgen >/dev/null 2>&1 || [ "$(wasm-bindgen --version | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if [ ! -x node_modules/.bin/wasm-opt ]; then
  say "npm ci (dev tools)"
  npm ci --no-audit --no-fund --loglevel=error
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
# The standard library's own code (the allocator, memcpy/memcmp, formatting, B-tree nodes,
# vector growth) is compiled at opt-level 3 even so, as the prebuilt std is: rebuilt at "z"
# with everything else it made the 30-sweep escalation benchmark 1.4-1.6x slower, and at 3
# it costs 1.8 KB gzip (measured in one run, bench W3 at N = 100,000: std at "z" 3,801 ms,
# at 3 2,691 ms, the earlier prebuilt-std build 2,512 ms).
std_fast=()
for crate in core alloc std dlmalloc compiler_builtins; do
  std_fast+=(--config "profile.release.package.$crate.opt-level=3")
done
std_for_size=0
if [ "${WANGGE_WASM_BUILD_STD:-1}" = 1 ] && rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
  say "cargo build (release, wasm32, size-optimised, std rebuilt for size)"
  if RUSTC_BOOTSTRAP=1 \
       CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none" \
       build -Zbuild-std=std,panic_abort ${WANGGE_WASM_STD_FEATURES--Zbuild-std-features=optimize_for_size} \
         "${std_fast[@]}"; then
    std_for_size=1
  else
    say "this toolchain refused the std-for-size flags: building with the prebuilt std"
    build
  fi
else
  say "cargo build (release, wasm32, size-optimised)"
  build
fi
wasm="$target_dir/wasm32-unknown-unknown/release/wangge_wasm.wasm"

# The package (pkg/): one crate, built twice, for what each runtime pays for:
#   wangge.js / wangge.d.ts      the ES module glue (browsers, bundlers); `await init()` loads the
#                                module from `new URL("wangge_bg.wasm", import.meta.url)`
#   node.mjs                     Node's ES module entry: the same glue, initialised at import
#                                from wangge_node.wasm next to it; `init()` is then a no-op
#   wangge.cjs / wangge.d.cts    Node's CommonJS entry (wasm-bindgen's nodejs glue), loading
#                                wangge_node.wasm
#   wangge_bg.wasm               the module for browsers and bundlers, built for size (the
#                                budget above); wasm.d.ts types `import url from "wangge/wangge_bg.wasm"`
#   wangge_node.wasm             the module for Node, built for speed (below): a server reads it
#                                from disk once, and the bulk paths run 1.5-2.4x as fast
out="$here/pkg"
scratch="$target_dir/wangge-wasm-bindgen"
rm -rf "$out" "$scratch"
mkdir -p "$out" "$scratch"
wasm-bindgen --target web --weak-refs --out-dir "$scratch/web" --out-name wangge "$wasm"
wasm-bindgen --target nodejs --weak-refs --out-dir "$scratch/node" --out-name wangge "$wasm"
cp "$scratch/web/wangge.js" "$scratch/web/wangge.d.ts" "$out/"
cp "$scratch/node/wangge.js" "$out/wangge.cjs"
cp "$scratch/node/wangge.d.ts" "$out/wangge.d.cts"
# Type guards in the glue: a value of the wrong type is a WanggeError before it reaches the
# module, never a trap (see guard-glue.mjs).
node "$here/guard-glue.mjs" "$out/wangge.js" "$out/wangge.cjs"
# Both glues drive the same module (wasm-bindgen gives them the same imports); check it.
cmp -s "$scratch/web/wangge_bg.wasm" "$scratch/node/wangge_bg.wasm" \
  || { say "the web and nodejs modules differ: they cannot share one file"; exit 1; }

# wasm-opt at -O2 without inlining functions into their only caller (-ocimfs 0) or
# "lightweight" ones (-fimfs 0), to a fixed point, with code folding: the module is what it
# weighs gzipped, and inlining is what makes it compress badly (a callee's code, once inlined,
# no longer repeats its siblings'). Measured on the same module: -Oz 901,813 bytes raw,
# 354,641 gzip; no wasm-opt at all 1,004,487 / 315,303; these flags 949,518 / 306,311.
say "wasm-opt -O2 (no one-caller inlining)"
node_modules/.bin/wasm-opt -O2 -ocimfs 0 -fimfs 0 --converge --code-folding \
  --strip-debug --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$scratch/web/wangge_bg.wasm" -o "$out/wangge_bg.wasm"

# The module for Node: the same crate at opt-level 3, with the prebuilt std (itself built at
# opt-level 3), in a target directory of its own so that the two builds do not rebuild each
# other. bench/bench.mjs (N = 1M), the two modules in the same hour: W2 1,375 ms at "z" (this
# build, for browsers) against 575 ms at 3 with wasm-opt -O3 (for Node), W3 7,973 against
# 3,864 ms, W4 17.3 against 11.5 ms; gzip 401 KB against 666 KB. ("s", in another hour: W2
# 899 ms, 451 KB.) Size is what a browser pays for, and Node reads the file from disk: Node
# gets speed, browsers keep the budget. The glues (web and nodejs) generated from each build
# must be byte for byte the same (the modules have the same imports and exports), so one glue
# drives either module.
say "cargo build (release, wasm32, speed-optimised, for Node)"
CARGO_TARGET_DIR="$target_dir/wasm-node" WANGGE_WASM_OPT=3 build
node_wasm="$target_dir/wasm-node/wasm32-unknown-unknown/release/wangge_wasm.wasm"
wasm-bindgen --target nodejs --weak-refs --out-dir "$scratch/node-fast" --out-name wangge "$node_wasm"
wasm-bindgen --target web --weak-refs --out-dir "$scratch/web-fast" --out-name wangge "$node_wasm"
for target in node web; do
  cmp -s "$scratch/$target/wangge.js" "$scratch/$target-fast/wangge.js" \
    || { say "the $target glue of the speed build differs from the size build's: one glue cannot drive both"; exit 1; }
done
say "wasm-opt -O3 (the Node module)"
node_modules/.bin/wasm-opt -O3 \
  --strip-debug --strip-producers --strip-target-features \
  --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
  "$scratch/node-fast/wangge_bg.wasm" -o "$out/wangge_node.wasm"
# The CommonJS glue loads the Node module (one place in wasm-bindgen's nodejs glue).
load='`${__dirname}/wangge_bg.wasm`'
[ "$(grep -cF "$load" "$out/wangge.cjs")" = 1 ] \
  || { say "wangge.cjs does not load wangge_bg.wasm in one place: cannot point it at wangge_node.wasm"; exit 1; }
sed -i 's|`${__dirname}/wangge_bg.wasm`|`${__dirname}/wangge_node.wasm`|' "$out/wangge.cjs"

cat > "$out/node.mjs" <<'JS'
// Node's ES module entry: the web glue, initialised synchronously from the Node module next to
// this file (the same crate as wangge_bg.wasm, built for speed rather than size), so that
// `import init, { Ledger } from "wangge"` works as in a browser (`await init()` returns at once).
import { readFileSync } from "node:fs";
import init, { initSync } from "./wangge.js";

initSync({ module: readFileSync(new URL("./wangge_node.wasm", import.meta.url)) });

export * from "./wangge.js";
export default init;
JS
cat > "$out/wasm.d.ts" <<'TS'
/**
 * The WebAssembly module's URL, as bundlers give it for an asset import
 * (`import url from "wangge/wangge_bg.wasm"` with esbuild's `file` loader, webpack's
 * `asset/resource`; Vite: `"wangge/wangge_bg.wasm?url"`). Pass it to `init`:
 * `await init({ module_or_path: url })`.
 */
declare const url: string;
export default url;
TS
cp "$out/wasm.d.ts" "$out/wasm.d.cts"

version="$(grep -m1 '^version' "$root/Cargo.toml" | sed 's/.*"\(.*\)".*/\1/')"
cat > "$out/package.json" <<JSON
{
  "name": "wangge",
  "version": "$version",
  "description": "Community grid governance (网格化治理): hierarchy, closed-loop tickets, escalation in working time, quorum under the Civil Code. WebAssembly build of the wangge Rust library.",
  "keywords": ["grid-governance", "wasm", "tickets", "quorum", "civil-code"],
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./wangge.cjs",
  "module": "./wangge.js",
  "types": "./wangge.d.cts",
  "exports": {
    ".": {
      "node": {
        "import": { "types": "./wangge.d.ts", "default": "./node.mjs" },
        "require": { "types": "./wangge.d.cts", "default": "./wangge.cjs" }
      },
      "import": { "types": "./wangge.d.ts", "default": "./wangge.js" },
      "require": { "types": "./wangge.d.cts", "default": "./wangge.cjs" },
      "default": { "types": "./wangge.d.ts", "default": "./wangge.js" }
    },
    "./wangge_bg.wasm": {
      "import": { "types": "./wasm.d.ts", "default": "./wangge_bg.wasm" },
      "require": { "types": "./wasm.d.cts", "default": "./wangge_bg.wasm" }
    },
    "./package.json": "./package.json"
  },
  "typesVersions": { "*": { "wangge_bg.wasm": ["./wasm.d.cts"] } },
  "files": ["wasm.d.cts", "wangge.js", "wangge.d.ts", "node.mjs", "wangge.cjs", "wangge.d.cts", "wangge_bg.wasm", "wangge_node.wasm", "wasm.d.ts", "README.md"],
  "sideEffects": ["./node.mjs", "./wangge.cjs"],
  "engines": { "node": ">=18" }
}
JSON
cp "$here/README.package.md" "$out/README.md"

raw=$(wc -c < "$out/wangge_bg.wasm")
gz=$(gzip -9 -c "$out/wangge_bg.wasm" | wc -c)
say "module size: $raw bytes raw, $gz bytes gzip (budget $BUDGET_GZIP)"
say "Node module size: $(wc -c < "$out/wangge_node.wasm") bytes raw, $(gzip -9 -c "$out/wangge_node.wasm" | wc -c) bytes gzip (no budget: read from disk)"
if [ "$gz" -gt "$BUDGET_GZIP" ]; then
  say "WARNING: the module is over the $((BUDGET_GZIP / 1024)) KiB gzip budget by $((gz - BUDGET_GZIP)) bytes"
  if [ "$std_for_size" != 1 ]; then
    say "(built with the prebuilt std, about 10% larger: the budget is for the build with std rebuilt for size, which needs rust-src; scripts/setup.sh installs it)"
  fi
  # The budget is enforced for the build CI makes (std rebuilt for size, as scripts/setup.sh
  # arranges); a build with the prebuilt std is about 10% larger and only warned about.
  if [ "$std_for_size" = 1 ] && [ "${WANGGE_WASM_ALLOW_OVER_BUDGET:-0}" != 1 ]; then exit 1; fi
fi
