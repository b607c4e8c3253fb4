# Thin wrapper: `make run`, `make test`, `make bench`, `make fuzz`. Each installs the Debian
# packages it lacks (apt-get, non-interactive), configures, builds and runs.
BUILD     ?= build
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
DB        ?= hoshitori.db
PORT      ?= 8470
MAIL_PORT ?= 8025
# make fuzz: libFuzzer targets built with clang (ASan + UBSan) in their own folder
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 300
FUZZ_TARGETS ?=
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

BUILD_PKGS := cmake g++ make pkg-config libpoco-dev libsoci-dev libyaml-cpp-dev \
              libboost-test-dev libsqlite3-dev libpq-dev libicu-dev \
              libkainjow-mustache-dev libcpprest-dev
TEST_PKGS  := postgresql sqlite3 python3 python3-yaml python3-jsonschema valgrind libreoffice-calc-nogui \
              chromium nodejs fonts-ipafont-gothic python3-aiosmtpd python3-icalendar openssl \
              tryton-server tryton-modules-party tryton-modules-purchase faketime
BENCH_PKGS := sqlite3 wrk nginx curl postfix
RUN_PKGS   := python3-aiosmtpd
FUZZ_PKGS  := clang libclang-rt-14-dev

.PHONY: all build deps deps-test deps-e2e deps-bench deps-run deps-fuzz run test bench fuzz clean

all: build

# Installs only what dpkg does not already have.
define install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install_missing,$(BUILD_PKGS))

deps-test: deps
	$(call install_missing,$(TEST_PKGS))

# The browser test's playwright-core, pinned in tests/e2e/package-lock.json (npm registry;
# it downloads no browser: the test drives Debian's chromium). npm comes with the machine's
# nodejs, or from Debian's npm package where it does not (that package conflicts with
# NodeSource's nodejs, so it is only asked for when there is no npm).
deps-e2e: deps-test
	@command -v npm >/dev/null 2>&1 || { $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm; }
	npm ci --prefix tests/e2e --no-audit --no-fund

# postfix only for its smtp-sink/smtp-source tools: preseeded as "No configuration", so
# installing it starts no mail server
# make run's local mail sink (sample-data/serve-demo.sh)
deps-run:
	$(call install_missing,$(RUN_PKGS))

deps-bench: deps
	@echo "postfix postfix/main_mailer_type select No configuration" | $(SUDO) debconf-set-selections
	$(call install_missing,$(BENCH_PKGS))

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Loads the sample suppliers into the embedded SQLite default, prints a sign-in link to
# the ERP screens and a sample request's supplier link, and serves them (and the REST API) on 127.0.0.1 until Ctrl-C.
run: build deps-run
	$(BUILD)/hoshitori --db $(DB) init
	$(BUILD)/hoshitori --db $(DB) import suppliers sample-data/suppliers.csv
	$(BUILD)/hoshitori --db $(DB) import suppliers sample-data/suppliers-cp932.csv
	@echo
	@echo "Sample suppliers are in $(DB). The 星取表 (a sign-in link, valid for an hour):"
	@$(BUILD)/hoshitori --db $(DB) erp-link --for "sample-buyer" --role buyer --ttl 3600 --base http://127.0.0.1:$(PORT)
	@sample-data/sample-request.sh $(BUILD)/hoshitori $(DB) http://127.0.0.1:$(PORT)
	@echo "REST API: make a key with  $(BUILD)/hoshitori --db $(DB) apikey create --name me --role viewer"
	@echo
	@sample-data/serve-demo.sh $(BUILD)/hoshitori $(DB) $(PORT) $(MAIL_PORT)

test: deps-test deps-e2e build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: deps-bench build
	$(BUILD)/tests/perf/hoshitori_bench
	$(BUILD)/tests/perf/hoshitori_bench_audit
	$(BUILD)/tests/perf/hoshitori_bench_threads
	tests/perf/bench_web.sh $(BUILD)/hoshitori
	tests/perf/bench_mail.sh $(BUILD)/hoshitori
	tests/perf/bench_webhooks.sh $(BUILD)/hoshitori
	tests/perf/bench_slow_clients.py $(BUILD)/hoshitori

# Each fuzz target (tests/fuzz/*.cpp) for FUZZ_SECONDS from its seeds in tests/fuzz/corpus/;
# findings go to $(FUZZ_BUILD)/fuzz-crashes/<target>/ and make fails (tests/fuzz/run_fuzz.sh).
# FUZZ_TARGETS="csv yaml" runs some. libclang-rt-14-dev holds clang's libFuzzer runtime.
deps-fuzz: deps
	$(call install_missing,$(FUZZ_PKGS))

fuzz: deps-fuzz
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DHOSHITORI_FUZZ=ON -DHOSHITORI_BUILD_TESTS=OFF -DHOSHITORI_BUILD_BENCH=OFF
	cmake --build $(FUZZ_BUILD) --target fuzz_targets -j $(JOBS)
	tests/fuzz/run_fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
