# Precept: the two commands that matter are `make run` and `make test`.
SHELL := /bin/bash
CARGO ?= cargo
NATS_VERSION := $(shell sed -n 's/^version=//p' deploy/nats-server.lock)
NATS_SERVER := .tools/nats-server-$(NATS_VERSION)/nats-server
export PRECEPT_NATS_SERVER ?= $(CURDIR)/$(NATS_SERVER)
# The development credential `make run` registers (partnership scope, every role); never use
# it in production. Call the API with: export PRECEPT_TOKEN=<this>.
DEV_TOKEN := pct_bootstrap_00000000000000000000000000000000000000000000000000000000000de7e1

.PHONY: run test bench tools ensure-postgres check-arch lint fmt clean help

help:
	@echo "make run    - build and start Precept (local nats-server, SQLite at var/precept.db, gRPC on 127.0.0.1:50051)"
	@echo "make test   - install what the tests need, then run every test (real NATS, SQLite and PostgreSQL)"
	@echo "make bench  - run the benchmarks (see docs/PERFORMANCE.md)"

## Fetch the pinned nats-server into .tools/ (checked against deploy/nats-server.lock).
tools:
	@./scripts/fetch-nats-server.sh

## PostgreSQL is a machine service here; start it if it is installed but stopped.
ensure-postgres:
	@./scripts/ensure-postgres.sh

run: tools
	@mkdir -p var
	PRECEPT_NINO_KEY=$${PRECEPT_NINO_KEY:-precept-development-nino-key-not-for-production} \
	PRECEPT_BOOTSTRAP_TOKEN=$${PRECEPT_BOOTSTRAP_TOKEN:-$(DEV_TOKEN)} \
		$(CARGO) run --release -p precept-server --bin precept -- serve

test: tools ensure-postgres check-arch
	@if $(CARGO) nextest --version >/dev/null 2>&1; then \
		$(CARGO) nextest run --workspace --profile ci; \
	else \
		$(CARGO) test --workspace; \
	fi

## make bench runs every benchmark; BENCH=annual-billing BENCH_ARGS="--accounts 300000" runs one.
BENCH ?= eventstore annual-billing recovery-run uc-import replay
bench: tools
	@for bench in $(BENCH); do $(CARGO) run --release -p precept-bench -- $$bench $(BENCH_ARGS) || exit 1; done

## precept-domain must stay free of I/O crates (docs/ARCHITECTURE.md).
check-arch:
	@./scripts/check-arch.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

clean:
	rm -rf var target
