# The project's commands. CI (.ci/run) runs `make test`; the README documents `make demo`.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
CARGO ?= cargo

.PHONY: demo test setup rust-test lint bench doc

setup:
	@scripts/setup.sh

demo: setup
	$(CARGO) run -q -p wangge --example xinjian

test: setup lint rust-test doc

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

rust-test:
	$(CARGO) test --workspace
	$(CARGO) run -q -p wangge --example xinjian > /dev/null

doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p wangge --no-deps

bench:
	$(CARGO) bench -p wangge
