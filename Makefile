# tap-tiktok-ads: `make demo` runs the tap on the bundled simulator, `make test` runs every test.
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
JOBS       ?= 2
GENERATOR  := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")
SOURCES     = $(shell git ls-files '*.cpp' '*.h' 2>/dev/null || find tap tests -name '*.cpp' -o -name '*.h')

FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 15
FUZZERS     = fuzz_settings fuzz_state fuzz_catalog fuzz_api_response fuzz_tzif

.PHONY: all deps build lint test-hours build-asan build-tsan build-fuzz test test-release test-integration test-asan test-tsan fuzz deb wheel bench bench-smoke format format-check demo catalog clean

all: build

deps:
	@./scripts/deps.sh

$(BUILD)/build.ninja $(BUILD)/Makefile:
	cmake -S . -B $(BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_EXPORT_COMPILE_COMMANDS=ON

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug -DTAP_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Every test, twice: an optimised build, then under AddressSanitizer + UBSan; the ecosystem tests
# with the real Meltano, targets and PostgreSQL; then the fuzzers.
test: format-check lint test-release test-hours test-integration bench-smoke test-asan test-tsan fuzz

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Function length (lizard, from PyPI, in its own venv) and a curated clang-tidy over tap/.
LINT_VENV ?= $(BUILD)/lint-venv
lint: build
	@test -x $(LINT_VENV)/bin/lizard || \
	  { python3 -m venv $(LINT_VENV) && $(LINT_VENV)/bin/pip install -q lizard==1.24.3; }
	./scripts/lint.sh $(BUILD) $(LINT_VENV)/bin/lizard

# No test may depend on the hour: the suite and the benchmark smoke run (which compares this
# tap with the singer-io tap) again under libfaketime, with today's date at three hours UTC.
# Only the wall clock is faked: libfaketime does not wrap pthread_cond_clockwait, so a faked
# monotonic clock made every timed condition-variable wait expire at once (or last hours),
# depending on the real hour. The library is preloaded without the faketime wrapper, whose
# shared-memory semaphore stays locked when a test SIGKILLs a tap holding it, and then hangs
# every later process.
TEST_HOURS ?= 01:00:00 12:00:00 20:30:00
FAKETIME_LIB = $(shell dpkg -L libfaketime 2>/dev/null | grep 'libfaketime.so.1$$' | head -1)
FAKE_AT = TZ=UTC FAKETIME_DONT_FAKE_MONOTONIC=1 FAKETIME="@$$at" LD_PRELOAD=$(FAKETIME_LIB)
test-hours: build
	@for h in $(TEST_HOURS); do \
	  at="$$(date -u +%F) $$h"; echo "test-hours: at $$at UTC"; \
	  (cd $(BUILD) && $(FAKE_AT) ctest -j $(JOBS) --output-on-failure > test-hours.log 2>&1) \
	    || { tail -60 $(BUILD)/test-hours.log; exit 1; }; \
	  tail -3 $(BUILD)/test-hours.log | head -1; \
	  $(FAKE_AT) $(MAKE) --no-print-directory bench-smoke > $(BUILD)/bench-hours.log 2>&1 \
	    || { tail -30 $(BUILD)/bench-hours.log; exit 1; }; \
	done

# singer-check-tap, Meltano, target-jsonl/-postgres/-csv, pipelinewise-target-postgres, PostgreSQL,
# cmake --install and CPack (tests/integration/run.sh installs the Python tools into $(BUILD)).
test-integration: build
	tests/integration/run.sh $(BUILD)

# A Debian package of the tap (Release build) in build-deb/.
deb: deps
	cmake -S . -B build-deb $(GENERATOR) -DCMAKE_BUILD_TYPE=Release -DTAP_BUILD_TESTS=OFF
	cmake --build build-deb -j $(JOBS)
	cd build-deb && cpack -G DEB

# A self-contained Linux wheel (the tap, libcurl and the time zones inside) in build-wheel/dist/.
wheel: deps
	scripts/wheel.sh build-wheel

# Without the one test that syncs every report stream and compares it with the simulator's own
# data (18 s optimised, over 10 minutes and 3.6 GB under ASan's Debug build on a slow machine):
# test-release and test-hours run it five times; the other report tests run here.
ASAN_SKIP ?= ReportTest.EveryReportStreamEqualsWhatTheSimulatorServes
test-asan: build-asan
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -E '$(ASAN_SKIP)'

# The concurrent parts (engine, rate limiter, scheduler, committer, id directory, sync core) and
# end-to-end runs of the binary whose workers race for real (faults, signals, pacing, timeouts),
# under ThreadSanitizer: a report in the tap's child process makes its exit code 66, which fails
# the test. The slowest end-to-end runs (minutes under TSan) are left to the other builds.
TSAN_TESTS ?= ^(Engine|RateLimiter|RetryPolicy|SchedulerTest|CommitterTest|IdDirectory|SyncCoreTest|SyncReports|ReportReaderTest)\.|^EngineTest\.(TwentyPercent|Sigterm|Sigint)|^HostileTest\.(Sigterm|Pacing|RepeatedTimeouts|Endless)
build-tsan: deps
	cmake -S . -B $(TSAN_BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAP_TSAN=ON
	cmake --build $(TSAN_BUILD) -j $(JOBS)

test-tsan: build-tsan
	cd $(TSAN_BUILD) && TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$(CURDIR)/tests/tsan.supp" \
	  ctest --output-on-failure -j $(JOBS) -R '$(TSAN_TESTS)'

build-fuzz: deps
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) $(GENERATOR) -DCMAKE_BUILD_TYPE=Debug \
	  -DTAP_FUZZ=ON -DTAP_BUILD_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(FUZZERS)

# Each libFuzzer target for a bounded time, from the seed corpus (copied: libFuzzer adds to it).
fuzz: build-fuzz
	@for f in $(FUZZERS); do \
	  corpus=$(FUZZ_BUILD)/corpus/$${f#fuzz_}; mkdir -p $$corpus; \
	  cp tests/fuzz/corpus/$${f#fuzz_}/* $$corpus/; \
	  echo "fuzzing $$f for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/$$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=0 \
	    $$corpus > $(FUZZ_BUILD)/$$f.log 2>&1 || { tail -40 $(FUZZ_BUILD)/$$f.log; exit 1; }; \
	  tail -1 $(FUZZ_BUILD)/$$f.log; \
	done

# Benchmarks (bench/): Google Benchmark micro-benchmarks of the hot path, then this tap against
# curl and the singer-io tap on a large simulated account; writes bench/results.json.
BENCH_ARGS ?=
bench: build
	$(BUILD)/micro_bench --benchmark_min_time=0.5
	python3 bench/run.py --build $(BUILD) $(BENCH_ARGS)

# What `make test` checks of the benchmarks: that they still run (tiny data; no numbers judged).
bench-smoke: build
	$(BUILD)/micro_bench --benchmark_min_time=0.01
	python3 bench/run.py --build $(BUILD) --size tiny --repeats 1 --peer-repeats 1 \
	  --out $(BUILD)/bench-smoke.json

format:
	clang-format -i $(SOURCES)

format-check: deps
	@clang-format --dry-run -Werror $(SOURCES) && echo "clang-format: all files formatted"

# Builds only what the demo runs: the tap and the simulator.
demo: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target tap-tiktok-ads tiktok-simulator
	./scripts/demo.sh $(BUILD)

catalog: build
	$(BUILD)/tap-tiktok-ads --discover > catalog/catalog.json

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD) build-deb build-wheel demo-output
