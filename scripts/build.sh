#!/usr/bin/env bash
# Configures and builds into build/ (the binary lands at build/skiff).
# SKIFF_BUILD_DIR and extra cmake args (e.g. -DSKIFF_SANITIZE=ON) may be given.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${SKIFF_BUILD_DIR:-build}
export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S . -B "$dir" -G Ninja "$@"
fi
cmake --build "$dir" -j"$(nproc)"
