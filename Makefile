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
