# Quanta: the two commands a new machine needs are `make run` and `make test`.
# Both install missing Debian packages first (scripts/deps.sh), configure once, and build
# incrementally with ccache.

BUILD_DIR ?= build
FUZZ_BUILD_DIR ?= build-fuzz
DATA_DIR ?= ./data
PB_LISTEN ?= 127.0.0.1:8087
HTTP_LISTEN ?= 127.0.0.1:8098
JOBS ?= $(shell nproc)
CTEST_ARGS ?=

.PHONY: all deps configure build server run test test-fast test-slow fuzz bench clean

all: build

deps:
	@bash scripts/deps.sh

$(BUILD_DIR)/build.ninja:
	@bash scripts/deps.sh
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Only the binaries, so that the first `make run` does not wait for the test suite to compile.
server: deps configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target quantad quanta-shell quanta-admin

run: server
	$(BUILD_DIR)/quantad --data-dir $(DATA_DIR) --pb-listen $(PB_LISTEN) --http-listen $(HTTP_LISTEN)

# Every test: unit, golden SQL (all transports), wire, HTTP, official Node.js client, shell,
# durability, fuzz replays; slow suites carry the ctest label "slow" and run too. First, a
# bounded, seeded libFuzzer run of every decoder (make fuzz).
test: build
	$(MAKE) fuzz
	bash scripts/test.sh $(BUILD_DIR) $(CTEST_ARGS)

# libFuzzer targets (clang, ASan+UBSan) for the SQL parser, PB frames, TTB terms, HTTP key
# paths and JSON rows, each run for a fixed number of inputs with a fixed seed.
fuzz: deps
	@[ -f $(FUZZ_BUILD_DIR)/build.ninja ] || cmake -S . -B $(FUZZ_BUILD_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DQUANTA_FUZZ=ON \
	  -DQUANTA_BUILD_BENCH=OFF -DQUANTA_RADOS=OFF
	cmake --build $(FUZZ_BUILD_DIR) -j $(JOBS) --target quanta_fuzzers
	ctest --test-dir $(FUZZ_BUILD_DIR) -L fuzzrun --output-on-failure

# Everything except the suites labelled slow.
test-fast: build
	bash scripts/test.sh $(BUILD_DIR) -LE slow $(CTEST_ARGS)

test-slow: build
	bash scripts/test.sh $(BUILD_DIR) -L slow $(CTEST_ARGS)

bench: build
	@echo "see bench/README.md"

clean:
	rm -rf $(BUILD_DIR) $(FUZZ_BUILD_DIR)
