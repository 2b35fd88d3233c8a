# ktriage — see README.md. `make test` runs every test, the real-control-plane ones included.
SHELL := bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse --short HEAD 2>/dev/null)
DATE    ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
LDFLAGS := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT) -X main.date=$(DATE)
TEST_TIMEOUT ?= 20m

.PHONY: all build demo vet test bench bench-cluster bench-go test-short testenv testenv-up testenv-down testenv-status populate release-check clean

all: build

## build: the ktriage binary in bin/
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/ktriage ./cmd/ktriage

## demo: build ktriage and open it on the embedded demo cluster (no cluster needed)
demo: build
	bin/ktriage demo

## vet: go vet and gofmt over every package
vet:
	$(GO) vet ./...
	@unformatted="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*'))"; \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

## test: build, vet, and every test with the race detector, on the real control plane
test: testenv build vet
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) ./...

## test-short: unit tests only (skips the control plane; refused under CI=true)
test-short:
	$(GO) test -short -count=1 ./...

## testenv: build the control-plane binaries once into .cache/testenv/bin
testenv:
	hack/testenv/build.sh

bin/testenv: $(wildcard hack/testenv/*.go hack/testenv/cmd/testenv/*.go) go.mod
	$(GO) build -o bin/testenv ./hack/testenv/cmd/testenv

## testenv-up: start the control plane in the background; kubeconfig in .cache/testenv/kubeconfig
testenv-up: testenv bin/testenv
	bin/testenv up $(TESTENV_FLAGS)

## testenv-down: stop it
testenv-down: bin/testenv
	bin/testenv down

testenv-status: bin/testenv
	bin/testenv status

## populate: fill the running testenv (NODES, PODS), e.g. make populate NODES=1000 PODS=30000
NODES ?= 1000
PODS ?= 30000
populate:
	$(GO) run ./bench/populate --kubeconfig .cache/testenv/kubeconfig --nodes $(NODES) --pods $(PODS)

## bench: the in-process benchmarks, then ktriage against the floor and kubectl on a test control plane
## populated with BENCH_NODES / BENCH_PODS (default 1000 / 30000); BENCH_RUNS, BENCH_IDLE, BENCH_OUT tune it.
## Not part of make test; docs/performance.md has the method and the figures.
bench: bench-go bench-cluster

## bench-cluster: only the comparison on a populated control plane (about 12 minutes at the default size)
bench-cluster: testenv build
	$(GO) build -o bin/bench-floor ./bench/floor
	$(GO) build -o bin/populate ./bench/populate
	$(GO) build -o bin/bench-compare ./bench/compare
	bin/bench-compare

## bench-go: in-process benchmarks of the hot paths at 5,000 nodes / 150,000 pods (not part of make test)
BENCHTIME ?= 20x
bench-go:
	$(GO) test -run '^$$' -bench . -skip SyncedHeapPerPod -benchmem -benchtime=$(BENCHTIME) ./cluster ./views
	$(GO) test -run '^$$' -bench SyncedHeapPerPod -benchtime=1x ./cluster

## release-check: validate .goreleaser.yaml (goreleaser from the Go module proxy; v2.15.4 is the newest that builds with Go 1.26)
release-check:
	$(GO) run github.com/goreleaser/goreleaser/v2@v2.15.4 check

clean:
	rm -rf bin dist
