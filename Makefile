# Thin wrapper: `make run`, `make test`, `make bench`. Each installs the Debian
# packages it lacks (apt-get, non-interactive), configures, builds and runs.
BUILD     ?= build
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
DB        ?= hoshitori.db
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

BUILD_PKGS := cmake g++ make pkg-config libpoco-dev libsoci-dev libyaml-cpp-dev \
              libboost-test-dev libsqlite3-dev libpq-dev libicu-dev
TEST_PKGS  := postgresql sqlite3 python3 python3-yaml python3-jsonschema valgrind libreoffice-calc-nogui
BENCH_PKGS := sqlite3

.PHONY: all build deps deps-test deps-bench run test bench clean

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

deps-bench: deps
	$(call install_missing,$(BENCH_PKGS))

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Loads the sample suppliers into the embedded SQLite default and shows where they stand.
run: build
	$(BUILD)/hoshitori --db $(DB) init
	$(BUILD)/hoshitori --db $(DB) import suppliers sample-data/suppliers.csv
	$(BUILD)/hoshitori --db $(DB) import suppliers sample-data/suppliers-cp932.csv
	$(BUILD)/hoshitori --db $(DB) suppliers
	@echo
	@echo "Sample suppliers are in $(DB). Try:"
	@echo "  $(BUILD)/hoshitori --db $(DB) status V0001"
	@echo "  $(BUILD)/hoshitori --db $(DB) suppliers --standing below --json"

test: deps-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: deps-bench build
	$(BUILD)/tests/perf/hoshitori_bench
	$(BUILD)/tests/perf/hoshitori_bench_audit

clean:
	rm -rf $(BUILD)
