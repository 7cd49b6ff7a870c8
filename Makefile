# certform: build, test, demo, bench, lint. `make help` lists the targets.
GO      ?= go
BIN     := bin/certform
PKGS    := ./...
# Packages with concurrency, tested with the race detector.
RACE    := ./plan/... ./state/... ./providers/... ./lang/...

.PHONY: help build test demo bench lint fuzz tools

help:
	@echo "make build  - build $(BIN)"
	@echo "make test   - the whole test suite (needs openssl, keytool, update-ca-certificates, trust; installs them if missing)"
	@echo "make demo   - validate, plan and apply examples/quickstart in a temporary directory"
	@echo "make bench  - plan/apply timings and peak memory for large configurations"
	@echo "make lint   - gofmt check and go vet"

# -buildvcs=auto records the git commit even where GOFLAGS turns that off:
# plans skip only what the same build applied (cmd/certform/version.go).
build:
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/certform

tools:
	@command -v openssl >/dev/null || { echo "installing openssl"; apt-get install -y openssl >/dev/null; }
	@command -v keytool >/dev/null || { echo "installing keytool (openjdk-17-jre-headless)"; mkdir -p /usr/share/man/man1; \
		apt-get install -y openjdk-17-jre-headless >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y openjdk-17-jre-headless >/dev/null; }; }
	@command -v update-ca-certificates >/dev/null || test -x /usr/sbin/update-ca-certificates || { echo "installing update-ca-certificates (ca-certificates)"; \
		apt-get install -y ca-certificates >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y ca-certificates >/dev/null; }; }
	@command -v trust >/dev/null || { echo "installing trust (p11-kit, what update-ca-trust runs)"; \
		apt-get install -y p11-kit >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y p11-kit >/dev/null; }; }

test: tools lint
	$(GO) test -count=1 $(PKGS)
	$(GO) test -count=1 -race $(RACE)
	$(GO) test -run='^$$' -fuzz=FuzzRoundTrip -fuzztime=10s ./providers/ini/

fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzRoundTrip -fuzztime=2m ./providers/ini/

demo: build
	@dir=$$(mktemp -d) && cp -r examples/quickstart/. $$dir && \
	echo "== certform validate ($$dir)" && ./$(BIN) -chdir=$$dir validate && \
	echo "== certform plan" && ./$(BIN) -chdir=$$dir plan -no-color && \
	echo "== certform apply" && ./$(BIN) -chdir=$$dir apply -auto-approve -no-color && \
	echo "== certform plan (again: nothing to do)" && ./$(BIN) -chdir=$$dir plan -no-color -detailed-exitcode && \
	echo "== files written" && (cd $$dir && find out -type f | sort) && rm -rf $$dir

# The binary on 1,000, 10,000 and 20,000 resources (wall time, peak RSS;
# the no-op plans five times per size, the sizes in turns; median and
# fastest, with the targets), then the engine alone on a no-op plan of
# 1,000 and 10,000 (with the memory it allocates).
bench: build
	$(GO) run ./cmd/certform-bench -bin $(BIN)
	$(GO) test -run='^$$' -bench=NoOpPlan -benchtime=3x ./plan/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	GOOS=windows $(GO) vet $(PKGS)
