# Gotong — two commands do the set-up: `make run` and `make test`.

# The Go of go.mod: a machine starts on its own Go and ignores go.mod's
# toolchain line, so the version is named here and fetched from the module proxy.
export GOTOOLCHAIN := go1.27.3
GO          ?= go
BIN         := bin/gotong
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0
# The golang.org/x/vulndb commit whose reports `make vuln` checks against (vuln.go.dev
# is not reachable everywhere); the newest: `go list -m golang.org/x/vulndb@latest`.
VULNDB      := v0.0.0-20261105234957-e22db6528018
VULNDB_DIR  ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/gotong-vulndb/$(VULNDB)
# The default database of `make run`; set GOTONG_DATABASE_URL to use another.
DB_FILE     := data/gotong.db

.PHONY: all build run demo test test-short lint vuln fmt bench clean

all: build

## build: compile the single binary into bin/gotong
build:
	$(GO) build -trimpath -o $(BIN) ./cmd/gotong

## run: serve on 127.0.0.1:8080 from the SQLite file, with demo data when the database is new
run: build
	@if [ -z "$$GOTONG_DATABASE_URL" ] && [ ! -f $(DB_FILE) ]; then ./$(BIN) seed demo; fi
	./$(BIN) serve

## demo: add the demo data (idempotent)
demo: build
	./$(BIN) seed demo

# The packages to test, the longest first: go test starts them in this order, two at a
# time here, so the web tests (most of the time) overlap the rest instead of following it.
TEST_ORDER  := ./app/web/ ./cmd/... ./...

## test: the whole suite on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set
test:
	$(GO) test -race -count=1 -timeout 30m $(TEST_ORDER)

## test-short: the suite without the browser tests
test-short:
	$(GO) test -short -count=1 $(TEST_ORDER)

## lint: gofmt, go vet and staticcheck
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

## vuln: govulncheck over the code against the Go vulnerability database of golang.org/x/vulndb, built once from the module proxy; fails on a vulnerability the code can reach
vuln:
	@GO="$(GO)" bash .ci/vulndb $(VULNDB) "$(abspath $(VULNDB_DIR))"
	$(GO) run $(GOVULNCHECK) -db "file://$(abspath $(VULNDB_DIR))" ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

## bench: the server under wrk on PostgreSQL and on SQLite, three rounds against a Fiber hello-world and pgbench, then the people at scale; writes docs/benchmarks.md (needs wrk, psql, pgbench, sqlite3; BENCH_PEOPLE=0 skips the people, BENCH_PROFILE=1 takes CPU profiles)
bench:
	GO="$(GO)" bash bench/run.sh

clean:
	rm -rf bin
