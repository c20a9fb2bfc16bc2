# Thin wrapper over CMake presets (CMake is the real build). Every target
# installs missing Debian packages first.
JOBS ?= $(shell nproc)
SAMPLES ?= 1000000
MODEL ?= configs/china-2026.yaml
FUZZ_SECONDS ?= 300
DIFFTEST_SEEDS ?= 0:100000
MAKEFLAGS += --no-print-directory

.PHONY: all deps build run test test-release test-sanitize difftest bench fuzz format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

# The build's own output is shown only if it fails, so the table stands alone.
run: deps
	@cmake --preset release >/dev/null
	@log=$$(cmake --build --preset release -j $(JOBS) 2>&1) || { echo "$$log"; exit 1; }
	@build/bin/riskcast compare $(MODEL) --samples $(SAMPLES)
	@echo
	@build/bin/riskcast run $(MODEL) --scenario base --samples $(SAMPLES)

test: test-release test-sanitize

test-release: build
	@ctest --preset release

test-sanitize: deps
	@cmake --preset sanitize >/dev/null
	@cmake --build --preset sanitize -j $(JOBS)
	@ctest --preset sanitize

# The engine against the reference evaluator on generated models (docs/testing.md);
# failing models are written to build/difftest-failures/.
difftest: build
	@build/bin/riskcast_difftest --seeds $(DIFFTEST_SEEDS) --jobs $(JOBS) --out build/difftest-failures

bench: build
	@scripts/run-bench.sh

# libFuzzer harnesses, FUZZ_SECONDS each; findings go to tests/fuzz/regressions/ (docs/testing.md).
fuzz:
	@RISKCAST_EXTRA_PACKAGES="clang libclang-rt-14-dev python3" scripts/install-deps.sh
	@FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) scripts/fuzz.sh

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf build
