# ndnflow's build and test entry points. `make test` is the one test command:
# CI runs it through .ci/run. See docs/development.md.

GO ?= go
# FUZZTIME is how long scripts/fuzz-all.sh fuzzes each target: a duration (3s)
# or a count of inputs (500x).
FUZZTIME ?= 3s
export FUZZTIME
# PKGS narrows vet, unit and bench to some packages: make bench PKGS=./tlv/...
PKGS ?= ./...

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

.PHONY: test deps fmt-check vet unit fuzz build bench

# The steps of test run in the order listed, even under make -j.
.NOTPARALLEL:

## test: install test dependencies, check formatting, vet, run every test with
## the race detector, then fuzz every fuzz target briefly.
test: deps fmt-check vet unit fuzz

## deps: install what the tests need beyond Go (idempotent).
deps:
	@scripts/setup-test-deps.sh

## fmt-check: fail, listing them, if any Go files are not gofmt-formatted.
fmt-check:
	@files=$$(find . -name '*.go' -not -path '*/testdata/*' -not -path '*/node_modules/*' \
		-not -path './build/*' -not -path './.git/*' -print0 | xargs -0 -r gofmt -l); \
	if [[ -n $$files ]]; then echo "gofmt: these files need formatting (gofmt -w):"; echo "$$files"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

unit:
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

## fuzz: a short fuzzing pass over every fuzz target (FUZZTIME each).
fuzz:
	@scripts/fuzz-all.sh

## build: the ndnflow binary, in ./build/ndnflow.
build:
	$(GO) build -o build/ndnflow ./cmd/ndnflow

## bench: every benchmark, 6 runs each, into build/bench.txt for benchstat.
bench:
	@mkdir -p build
	$(GO) test -run XXX -bench . -benchmem -count 6 $(PKGS) | tee build/bench.txt

## bench-smoke: a few seconds of each `ndnflow bench` scenario (CI) against
## `ndnflow fw` as a child process, plus the in-process forwarder over memory
## faces. Fails only when a scenario errors or loses data, never on speed.
## JSON lines go to build/bench-smoke.json; the tables to stdout.
.PHONY: bench-smoke
BENCH_SMOKE := --duration 2s --warmup 500ms --flows 2 --window 16 --fail-on-loss --json-out build/bench-smoke.json
bench-smoke: build
	@rm -f build/bench-smoke.json
	@set -x; \
	build/ndnflow bench fwd   --target internal --transport unix $(BENCH_SMOKE); \
	build/ndnflow bench fwd   --target internal --transport udp --payload 1000 --cs-hit 0.3 --fib-size 100 $(BENCH_SMOKE); \
	build/ndnflow bench fwd   --target inproc --transport memory $(BENCH_SMOKE); \
	build/ndnflow bench fwd   --target relay --transport tcp $(BENCH_SMOKE); \
	build/ndnflow bench relay --target internal --transport unix --payload 8000 $(BENCH_SMOKE); \
	build/ndnflow bench fetch --target internal --transport unix --object-size 8MiB $(BENCH_SMOKE)
	@echo "bench-smoke: $$(wc -l < build/bench-smoke.json) results in build/bench-smoke.json"
