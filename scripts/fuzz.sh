#!/usr/bin/env bash
# Builds every libFuzzer target (tests/fuzz/*_fuzz.cc) with clang into build-fuzz and runs each
# for SECONDS (first argument, default 30) over a scratch copy of its seed corpus.
# Fails on the first crash, leak or sanitizer report; the crashing input is kept in
# build-fuzz/crashes/. Usage: scripts/fuzz.sh [SECONDS] [FUZZER_NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
dir=${SKIFF_FUZZ_BUILD_DIR:-build-fuzz}
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=1

if [ ! -f "$dir/build.ninja" ]; then
  # Libraries get coverage instrumentation (fuzzer-no-link) so libFuzzer can steer into them.
  sanitize="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DSKIFF_FUZZ=ON -DSKIFF_BENCH=OFF \
    -DCMAKE_C_FLAGS="$sanitize" -DCMAKE_CXX_FLAGS="$sanitize" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
fi

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for src in tests/fuzz/*_fuzz.cc; do
    base=$(basename "$src" .cc)
    names+=("${base%_fuzz}")
  done
fi
targets=()
for name in "${names[@]}"; do targets+=("${name}_fuzz"); done
cmake --build "$dir" --target "${targets[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$dir/crashes"
failed=()
for name in "${names[@]}"; do
  echo "== fuzzing $name for ${seconds}s"
  mkdir -p "$work/$name"
  cp -r "tests/fuzz/corpus/$name/." "$work/$name/"
  if ! "$dir/tests/fuzz/${name}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$dir/crashes/${name}-" "$work/$name" 2>"$work/$name.log"; then
    tail -n 40 "$work/$name.log"
    failed+=("$name")
  else
    grep -E "^(#[0-9]+.*DONE|stat::number_of_executed_units)" "$work/$name.log" || true
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzers that crashed: ${failed[*]} (inputs in $dir/crashes/)" >&2
  exit 1
fi
echo "all fuzzers ran ${seconds}s without crashing"
