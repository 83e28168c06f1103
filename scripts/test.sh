#!/usr/bin/env bash
# Runs every test: unit and end-to-end tests (real kubectl against build/skiff), the unit tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer, and each fuzzer for a short time.
# Usage: scripts/test.sh            (after scripts/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

echo "== build"
scripts/build.sh

echo "== reference helm binaries (differential chart tests skip without them)"
scripts/fetch-helm.sh || echo "fetch-helm: unavailable; chart differential tests will skip"

echo "== unit and end-to-end tests"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== unit tests under ASan + UBSan"
# Only what the unit-labelled tests need (not the binary or the e2e harness).
[ -f build-asan/build.ninja ] || cmake -S . -B build-asan -G Ninja -DSKIFF_SANITIZE=ON -DSKIFF_BENCH=OFF >/dev/null
unit_targets=$(cmake --build build-asan --target help | sed -n 's/^\([a-z_]*\(_test\|_fuzz_corpus\)\): .*/\1/p' | grep -v '^e2e_test$')
SKIFF_BUILD_DIR=build-asan scripts/build.sh --target $unit_targets
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -L unit

if [ -x scripts/fuzz.sh ] && command -v clang++ >/dev/null; then
  echo "== fuzzers (${SKIFF_FUZZ_SECONDS:-10} s each)"
  scripts/fuzz.sh "${SKIFF_FUZZ_SECONDS:-10}"
fi
