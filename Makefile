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

.PHONY: run test build wasm bench vet deps deps-postgres deps-chromium deps-radicale deps-haproxy deps-axe clean

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

$(WEB)/widget.wasm.br: $(WEB)/widget.wasm
	$(GO) run ./cmd/precompress $(WEB)/widget.wasm

wasm: $(WEB)/app.wasm.br $(WEB)/widget.wasm.br

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./model/... ./app/... ./cmd/frontdesk ./widget/...

# Every test runs against the private PostgreSQL (or DATABASE_URL when set),
# each in its own database cloned from a migrated template. Backend packages
# run under the race detector.
# deploy/ runs the built server as three processes behind HAProxy.
test: deps-postgres deps-chromium deps-radicale deps-haproxy deps-axe vet build
	$(GO) run ./cmd/withdb -dir .data/test-postgres -- \
		$(GO) test -race -count=1 -timeout 15m ./backend/... ./model/... ./assets/... ./app/... ./cmd/... ./widget/... ./deploy/...

bench: deps-postgres build
	$(GO) run ./cmd/withdb -dir .data/test-postgres -- \
		$(GO) test -run '^$$' -bench . -benchmem ./backend/...

deps: deps-postgres deps-chromium deps-radicale deps-haproxy deps-axe

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

clean:
	rm -rf build
