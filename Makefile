# tap-tiktok-ads: `make demo` runs the tap on the bundled simulator, `make test` runs every test.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= 2
GENERATOR  := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
SOURCES     = $(shell git ls-files '*.cpp' '*.h' 2>/dev/null || find tap tests -name '*.cpp' -o -name '*.h')

.PHONY: all deps build build-asan test test-release test-asan format format-check demo catalog clean

all: build

deps:
	@./scripts/deps.sh

$(BUILD)/build.ninja $(BUILD)/Makefile:
	cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug -DTAP_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Every test, twice: an optimised build, then under AddressSanitizer + UBSan.
test: format-check test-release test-asan

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)

format:
	clang-format -i $(SOURCES)

format-check: deps
	@clang-format --dry-run -Werror $(SOURCES) && echo "clang-format: all files formatted"

demo: build
	./scripts/demo.sh $(BUILD)

catalog: build
	$(BUILD)/tap-tiktok-ads --discover > catalog/catalog.json

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) demo-output
