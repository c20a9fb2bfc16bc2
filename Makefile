# Thin wrapper over CMake presets (CMake is the real build). Every target
# installs missing Debian packages first.
JOBS ?= $(shell nproc)
SAMPLES ?= 1000000
MODEL ?= configs/china-2026.yaml

.PHONY: all deps build run test test-release test-sanitize bench format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

run: build
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

bench: build
	@scripts/run-bench.sh

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf build
