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
# The libraries that parse untrusted input and manage memory by hand (util, api, storage,
# apiserver, client, chart) and the fuzz corpora; the controllers, scheduler and agents are
# logic over those and run in the normal build above (CI must stay under an hour on 2 cores).
[ -f build-asan/build.ninja ] || cmake -S . -B build-asan -G Ninja -DSKIFF_SANITIZE=ON -DSKIFF_BENCH=OFF >/dev/null
asan_libs="util api storage apiserver client chart"
unit_targets=$(cmake --build build-asan --target help | sed -n 's/^\([a-z_]*_fuzz_corpus\): .*/\1/p')
for lib in $asan_libs; do unit_targets+=" ${lib}_test"; done
SKIFF_BUILD_DIR=build-asan scripts/build.sh --target $unit_targets
asan_tests=$(for lib in $asan_libs; do printf '%s_test|' "$lib"; done)
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -L unit -R "^(${asan_tests}[a-z_]*_fuzz_corpus)$"

if [ -x scripts/fuzz.sh ] && command -v clang++ >/dev/null; then
  echo "== fuzzers (${SKIFF_FUZZ_SECONDS:-10} s each)"
  scripts/fuzz.sh "${SKIFF_FUZZ_SECONDS:-10}"
fi
