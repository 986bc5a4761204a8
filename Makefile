# The project's commands. CI (.ci/run) runs `make test`; the README documents `make demo`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: serve bench-service demo test setup lint rust-test fuzz-smoke fuzz-long doc package wasm wasm-test python-test differential examples bench bench-wasm bench-python bench-city-year

## Sets everything up, then runs the main example (新建社区).
demo: setup
	$(CARGO) run -q -p wangge --example xinjian

## Runs the service example (examples/service) on xinjian.sqlite, http://127.0.0.1:3311.
serve:
	$(CARGO) run --release -q -p wangge-service -- serve xinjian.sqlite 127.0.0.1:3311

## The service's load figures (oha, installed with cargo when missing): examples/service/load.sh.
bench-service:
	bash examples/service/load.sh

## Runs every test suite: Rust (unit, integration, property, doc), Python, WebAssembly
## (Node, TypeScript, headless Chromium), the examples, and the docs build.
test: setup lint rust-test fuzz-smoke doc package examples wasm-test python-test differential

setup:
	@scripts/setup.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

rust-test:
	python3 tests/conformance/generate.py --check
	python3 tests/open311/expect.py --check
	$(CARGO) test --workspace -- --skip conformance_corpus
	$(CARGO) test -q -p wangge --features arrow --test conformance -- --nocapture conformance_corpus

## The fuzz targets (core/fuzz, docs/FUZZING.md): built, seeded from the conformance cases and
## run a few seconds each. `make fuzz-long FUZZ_SECONDS=600` runs each for longer.
FUZZ_SECONDS ?= 600
fuzz-smoke:
	bash scripts/fuzz.sh smoke

fuzz-long:
	bash scripts/fuzz.sh long $(FUZZ_SECONDS)

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p wangge --no-deps

## The crate as crates.io would get it: packaged and built from the tarball, checked with the
## declared minimum Rust version, and its public API compared with core/public-api.txt.
MSRV := $(shell sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
package:
	$(CARGO) package -q -p wangge --allow-dirty
	CARGO_TARGET_DIR=$(TARGET_DIR)/msrv $(CARGO) +$(MSRV) check -q -p wangge --all-features
	python3 scripts/public_api.py
	python3 scripts/gen_types.py --check

examples:
	$(CARGO) run -q -p wangge --example xinjian > /dev/null
	$(CARGO) run -q -p wangge --example pocket_park > /dev/null
	$(CARGO) run -q -p wangge --example hongfu_charging > /dev/null
	$(CARGO) run -q -p wangge --example leak > /dev/null
	$(CARGO) run -q -p wangge --example elevator > /dev/null
	$(CARGO) run -q -p wangge --example daoxiangcun > /dev/null
	$(CARGO) run -q -p wangge --example linghu_yunshu > /dev/null

wasm:
	bash bindings-wasm/build.sh

wasm-test: wasm
	cd bindings-wasm && node_modules/.bin/tsc -p tests/tsconfig.json
	python3 scripts/api_names.py --check
	$(CARGO) build -q -p wangge-service
	cd bindings-wasm && WANGGE_SERVICE_BIN=$(abspath $(TARGET_DIR))/debug/wangge-service node --test tests/*.test.mjs
	cd bindings-wasm && WANGGE_WASM_MODULE=web node --test tests/conformance.test.mjs
	node examples/js/leak.mjs > /dev/null
	node examples/js/elevator.mjs > /dev/null

python-test:
	@if [ -f scripts/python.sh ]; then bash scripts/python.sh test; fi

## The differential test: random operation sequences through Python and through JavaScript
## must give byte-identical transcripts (results, error codes, logs, documents). CI runs a quick
## count; `make differential SEQUENCES=10000` before a release.
SEQUENCES ?= 1000
DIFF_DIR := $(TARGET_DIR)/differential
differential: wasm
	@bash scripts/python.sh setup
	@mkdir -p $(DIFF_DIR)
	python3 tests/differential/generate.py --count $(SEQUENCES) > $(DIFF_DIR)/sequences.jsonl
	.venv/bin/python bindings-python/tests/differential.py $(DIFF_DIR)/sequences.jsonl > $(DIFF_DIR)/python.jsonl
	node bindings-wasm/tests/differential.mjs $(DIFF_DIR)/sequences.jsonl > $(DIFF_DIR)/js.jsonl
	python3 tests/differential/compare.py $(DIFF_DIR)/sequences.jsonl $(DIFF_DIR)/python.jsonl $(DIFF_DIR)/js.jsonl

bench:
	$(CARGO) bench -p wangge

bench-wasm: wasm
	cd bindings-wasm && node bench/bench.mjs

bench-python:
	@if [ -f scripts/python.sh ]; then bash scripts/python.sh bench; fi

# The city-year (21.4 M requests; about 8 GB): Rust on one thread and on one ledger per core,
# then the same through the Python API. CITY_YEAR_N=200000 for a small one.
CITY_YEAR_N ?= 21400000
bench-city-year:
	WANGGE_CITY_YEAR_N=$(CITY_YEAR_N) WANGGE_CITY_YEAR_THREADS=1 $(CARGO) bench -p wangge --bench city_year
	WANGGE_CITY_YEAR_N=$(CITY_YEAR_N) $(CARGO) bench -p wangge --bench city_year
	bash scripts/python.sh setup
	.venv/bin/python benches/python/city_year.py -n $(CITY_YEAR_N)
