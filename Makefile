# Frontdesk: `make run` starts the server with a demo organization,
# `make test` runs the whole suite. Both install what they need.

GO        ?= go
WEB       := build/web
BIN       := build/frontdesk
GOFILES   := $(shell find . -name '*.go' -not -path './.data/*' -not -path './build/*') go.mod go.sum
# Debian's PostgreSQL and Chromium, installed when missing.
PG_BIN    := $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))
CHROMIUM  ?= /usr/bin/chromium
APT_GET   := DEBIAN_FRONTEND=noninteractive apt-get
SUDO      := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: bench-search run test build wasm bench bench-host bench-p4 vet deps deps-postgres deps-chromium deps-radicale deps-haproxy deps-nats deps-axe deps-lighthouse clean

run: deps-postgres build
	FRONTDESK_DEMO=true ./$(BIN)

build: $(BIN) $(WEB)/app.wasm.br $(WEB)/widget.wasm.br

$(BIN): $(GOFILES)
	$(GO) build -trimpath -o $@ ./cmd/frontdesk

# The agent PWA: the same main compiled for the browser, precompressed so the
# server sends brotli or gzip without compressing per request.
$(WEB)/app.wasm: $(GOFILES)
	@mkdir -p $(WEB)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags=-s -o $@ ./cmd/frontdesk

$(WEB)/app.wasm.br: $(WEB)/app.wasm
	$(GO) run ./cmd/precompress $(WEB)/app.wasm

# The website widget: its own small main (no go-app), precompressed too.
$(WEB)/widget.wasm: $(GOFILES)
	@mkdir -p $(WEB)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags=-s -o $@ ./widget

# Brotli at its densest for the visitors' download (seconds for this file;
# backend/visitor's size test compresses the same way).
WIDGET_BROTLI := 11
$(WEB)/widget.wasm.br: $(WEB)/widget.wasm
	$(GO) run ./cmd/precompress -quality $(WIDGET_BROTLI) $(WEB)/widget.wasm

wasm: $(WEB)/app.wasm.br $(WEB)/widget.wasm.br

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./model/... ./app/... ./cmd/frontdesk ./widget/...

# Every test runs against the private PostgreSQL (or DATABASE_URL when set),
# each in its own database cloned from a migrated template. Backend packages
# run under the race detector.
# deploy/ runs the built server as three processes behind HAProxy.
test: deps-postgres deps-chromium deps-radicale deps-haproxy deps-nats deps-axe vet build
	$(GO) run ./cmd/withdb -dir .data/test-postgres -- \
		$(GO) test -race -count=1 -timeout 15m ./backend/... ./model/... ./assets/... ./app/... ./cmd/... ./widget/... ./deploy/...

bench: deps-postgres build
	$(GO) run ./cmd/withdb -dir .data/test-postgres -- \
		$(GO) test -run '^$$' -bench . -benchmem ./backend/...

# Issue #18's "host page unchanged": Lighthouse on the demo website with and
# without the widget's tag, three runs each; prints every run, the medians
# and the bars. Not part of make test.
bench-host: deps-postgres deps-chromium deps-lighthouse build
	$(GO) run ./cmd/withdb -dir .data/test-postgres -- \
		$(GO) test -run '^$$' -bench HostPage -benchtime 3x -timeout 30m ./cmd/frontdesk/

# Bar P4 in one go: pgbench's bare message write (the ceiling) against
# Frontdesk's own message path with its realtime events, on DATABASE_URL (the
# private cluster when unset). The last line is
# "P4: N messages/s, ceiling M/s, ratio R".
# (Its report is printed when it ends, after cmd/withdb's own log lines.)
bench-p4: deps-postgres
	$(GO) build -o build/benchp4 ./cmd/benchp4
	$(GO) run ./cmd/withdb -dir .data/test-postgres -- ./build/benchp4 > build/bench-p4.txt || { cat build/bench-p4.txt; exit 1; }
	@cat build/bench-p4.txt

deps: deps-postgres deps-chromium deps-radicale deps-haproxy deps-nats deps-axe

deps-postgres:
	@if [ -z "$(PG_BIN)" ]; then \
		echo "Installing Debian's postgresql (initdb, pg_ctl)…"; \
		$(SUDO) $(APT_GET) update && $(SUDO) $(APT_GET) install -y --no-install-recommends postgresql; \
	fi

deps-chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		$(SUDO) $(APT_GET) update && $(SUDO) $(APT_GET) install -y --no-install-recommends chromium fonts-liberation; \
	fi

# Debian's radicale: the real CalDAV server the calendar tests run on loopback.
deps-radicale:
	@if ! command -v radicale >/dev/null 2>&1; then \
		echo "Installing Debian's radicale for the calendar tests…"; \
		$(SUDO) $(APT_GET) update && $(SUDO) $(APT_GET) install -y --no-install-recommends radicale; \
	fi

# Debian's haproxy: the load balancer deploy/'s tests run on loopback.
deps-haproxy:
	@if [ ! -x /usr/sbin/haproxy ]; then \
		echo "Installing Debian's haproxy for the deployment tests…"; \
		$(SUDO) $(APT_GET) update && $(SUDO) $(APT_GET) install -y --no-install-recommends haproxy; \
	fi

# Debian's nats-server: the NATS event bus tests run it on loopback, on a
# port of their own.
deps-nats:
	@if [ ! -x /usr/sbin/nats-server ]; then \
		echo "Installing Debian's nats-server for the event bus tests…"; \
		$(SUDO) $(APT_GET) update && $(SUDO) $(APT_GET) install -y --no-install-recommends nats-server; \
	fi

AXE_VERSION := 4.14.1
AXE_DIR     := .cache/npm/node_modules/axe-core

# axe-core, from npm, for the accessibility tests (cmd/frontdesk/a11y_test.go
# reads $(AXE_DIR)/axe.min.js).
deps-axe:
	@if ! grep -qs '"version": "$(AXE_VERSION)"' $(AXE_DIR)/package.json; then \
		if ! command -v npm >/dev/null 2>&1; then \
			echo "Installing Debian's npm for axe-core…"; \
			$(SUDO) $(APT_GET) update && $(SUDO) $(APT_GET) install -y --no-install-recommends npm; \
		fi; \
		echo "Installing axe-core $(AXE_VERSION) into .cache/npm…"; \
		npm install --no-save --no-audit --no-fund --prefix .cache/npm axe-core@$(AXE_VERSION); \
	fi

LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE_DIR     := .cache/lighthouse/node_modules/lighthouse

# Lighthouse, from npm, for make bench-host (cmd/frontdesk/host_bench_test.go
# runs $(LIGHTHOUSE_DIR)/cli/index.js with Debian's Chromium). Its own prefix:
# npm prunes what another install into the same prefix put there.
deps-lighthouse:
	@if ! grep -qs '"version": "$(LIGHTHOUSE_VERSION)"' $(LIGHTHOUSE_DIR)/package.json; then \
		if ! command -v npm >/dev/null 2>&1; then \
			echo "Installing Debian's npm for Lighthouse…"; \
			$(SUDO) $(APT_GET) update && $(SUDO) $(APT_GET) install -y --no-install-recommends npm; \
		fi; \
		echo "Installing lighthouse $(LIGHTHOUSE_VERSION) into .cache/lighthouse…"; \
		npm install --no-save --no-audit --no-fund --prefix .cache/lighthouse lighthouse@$(LIGHTHOUSE_VERSION); \
	fi

clean:
	rm -rf build

# P9: search over 1,000,000 messages in 100,000 conversations. The data is
# generated once (a few minutes) into its own database and kept.
bench-search: deps-postgres
	$(GO) run ./cmd/withdb -dir .data/test-postgres -- \
		$(GO) test -run '^$$' -bench Search -benchtime=1000x -timeout 60m ./backend/searchbench/
