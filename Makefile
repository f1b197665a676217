# ndnflow's build and test entry points. `make test` is the one test command:
# CI runs it through .ci/run. See docs/development.md.

GO ?= go
# FUZZTIME is how long scripts/fuzz-all.sh fuzzes each target: a duration (3s)
# or a count of inputs (500x).
FUZZTIME ?= 3s
export FUZZTIME

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
	$(GO) vet ./...

unit:
	$(GO) test -race -count=1 -timeout 20m ./...

## fuzz: a short fuzzing pass over every fuzz target (FUZZTIME each).
fuzz:
	@scripts/fuzz-all.sh

## build: the ndnflow binary, in ./build/ndnflow.
build:
	$(GO) build -o build/ndnflow ./cmd/ndnflow

## bench: every benchmark, 6 runs each, into build/bench.txt for benchstat.
bench:
	@mkdir -p build
	$(GO) test -run XXX -bench . -benchmem -count 6 ./... | tee build/bench.txt

## bench-smoke: a few seconds of each `ndnflow bench` scenario (CI). Fails only
## when a scenario errors or loses data, never on speed. JSON lines go to
## build/bench-smoke.json; the tables to stdout. The forwarder is the child
## `ndnflow fw` (--target internal) when a short probe run through it works
## (it needs `fw` and its rib/register), else the in-process forwarder.
.PHONY: bench-smoke
BENCH_SMOKE := --duration 2s --warmup 500ms --flows 2 --window 16 --fail-on-loss --json-out build/bench-smoke.json
bench-smoke: build
	@rm -f build/bench-smoke.json
	@target=inproc; \
	if build/ndnflow bench fwd --target internal --duration 200ms --warmup 1ms >/dev/null 2>&1; then target=internal; \
	else echo "bench-smoke: --target internal does not work yet; using --target inproc"; fi; \
	set -x; \
	build/ndnflow bench fwd   --target $$target --transport unix $(BENCH_SMOKE); \
	build/ndnflow bench fwd   --target $$target --transport udp --payload 1000 --cs-hit 0.3 --fib-size 100 $(BENCH_SMOKE); \
	build/ndnflow bench fwd   --target relay --transport tcp $(BENCH_SMOKE); \
	build/ndnflow bench relay --target $$target --transport unix --payload 8000 $(BENCH_SMOKE); \
	build/ndnflow bench fetch --target $$target --transport unix --object-size 8MiB $(BENCH_SMOKE)
	@echo "bench-smoke: $$(wc -l < build/bench-smoke.json) results in build/bench-smoke.json"
