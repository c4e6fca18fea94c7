# Proctor: the two commands a newcomer runs on a fresh machine are `make quickstart` and `make test`.
SHELL := /bin/bash
SWIFT ?= swift
RELEASE_BIN = .build/release/proctor
DEBUG_BIN = .build/debug/proctor
DEMO = Examples/demo/ift-demo.json

.PHONY: quickstart test build release runtime runtime-status format lint bench-ift clean

## Build, install the local runtime, and run the IFT test on the demo data with both small models.
quickstart: release
	$(RELEASE_BIN) runtime install
	$(RELEASE_BIN) ift --data $(DEMO) --split all \
		--model local:smollm2-135m-instruct --model local:gemma3-270m \
		--judge local:smollm2-135m-instruct --out proctor-out/quickstart

## The whole test suite (installs the runtime first: the tests drive the real engine; starts a
## local PostgreSQL for the store tests, installing it when missing).
test: build
	$(DEBUG_BIN) runtime install
	bash scripts/postgres-test-server.sh start
	export PROCTOR_TEST_POSTGRES_URL=postgres://proctor:proctor@127.0.0.1:$${PROCTOR_PG_PORT:-54329}/proctor_test; \
		$(SWIFT) test 2>&1 | tee .build/test.log; exit $${PIPESTATUS[0]}

build:
	$(SWIFT) build --product proctor

release:
	$(SWIFT) build -c release --product proctor

runtime: build
	$(DEBUG_BIN) runtime install

runtime-status: build
	$(DEBUG_BIN) runtime status

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift

## IFT benchmark on ../shared (in-process vs llama-cpp-python's server); see docs/BENCHMARKS.md.
bench-ift: release
	$(RELEASE_BIN) runtime install
	bash scripts/bench/ift-vs-llama-cpp-server.sh

clean:
	rm -rf .build proctor-out
