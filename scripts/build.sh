#!/usr/bin/env bash
# Configures and builds into build/ (the binary lands at build/skiff).
# SKIFF_BUILD_DIR and extra cmake args (e.g. -DSKIFF_SANITIZE=ON) may be given.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${SKIFF_BUILD_DIR:-build}
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# Paths relative to the checkout, so another clone of the tree (CI) reuses the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
export CCACHE_NOHASHDIR=1
# Arguments starting with -D configure; "--target T..." limits what is built.
cmake_args=()
build_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --target) shift; build_args+=(--target "$@"); break ;;
    *) cmake_args+=("$1"); shift ;;
  esac
done
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja "${cmake_args[@]}"
fi
cmake --build "$dir" -j"$(nproc)" "${build_args[@]}"
