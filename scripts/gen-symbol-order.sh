#!/usr/bin/env bash
# Records which functions skiff's short-lived commands run and writes them, most widely used
# first, to cmake/skiff.symbol-order, the order in which the linker places them (see
# cmake/StaticDeps.cmake). Run it after large changes to the chart engine or the CLI, then
# rebuild; names that no longer exist are ignored by the linker, so a stale file only costs
# memory, never correctness.
#
# Usage: scripts/gen-symbol-order.sh [skiff-binary]   (needs valgrind; ~2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
skiff=$(realpath "${1:-build/skiff}")
corpus=$(realpath "${CORPUS:-../shared/testdata/charts}")
out=cmake/skiff.symbol-order
command -v valgrind >/dev/null || { echo "gen-symbol-order: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
[ -x "$skiff" ] || { echo "gen-symbol-order: no skiff binary at $skiff" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
profile() {  # profile CMD... : one callgrind run of skiff
  valgrind -q --tool=callgrind --callgrind-out-file="$(mktemp "$tmp/run.XXXXXX")" --compress-strings=no \
    --compress-pos=no --demangle=no "$skiff" "$@" >/dev/null 2>&1 || true
}

profile version
profile chart template --help
for args_file in "$corpus"/*/cases/*.args; do
  read -r -a args < "$args_file"
  (cd "$(dirname "$args_file")" && profile chart template ../chart "${args[@]}")
done
chart=$(mktemp -d "$tmp/chart.XXXX")
profile chart create "$chart/demo"
profile chart lint "$chart/demo"
profile chart package "$chart/demo" -d "$chart"

nm --defined-only "$skiff" | awk '$2 ~ /^[tTwW]$/ {print $3}' > "$tmp/text-symbols"
python3 - "$tmp" "$out" <<'PY'
import collections, glob, re, sys

tmp, out = sys.argv[1], sys.argv[2]
in_binary = set(open(f"{tmp}/text-symbols").read().split())
runs = collections.Counter()  # in how many runs a function executed
cost = collections.Counter()  # instructions it executed itself, over all runs
for path in glob.glob(f"{tmp}/run.*"):
    seen, current, skip_next = set(), None, False
    for line in open(path, errors="replace"):
        if skip_next:  # the inclusive cost of a call, not the caller's own
            skip_next = False
            continue
        if line.startswith("fn="):
            current = re.sub(r"'\d+$", "", line[3:].strip())
            seen.add(current)
        elif line.startswith("calls="):
            skip_next = True
        elif current and line[:1].isdigit():
            parts = line.split()
            if len(parts) >= 2:
                cost[current] += int(parts[1])
    runs.update(seen)
ordered = sorted((f for f in runs if f in in_binary), key=lambda f: (-runs[f], -cost[f], f))
with open(out, "w") as f:
    f.write("".join(name + "\n" for name in ordered))
print(f"gen-symbol-order: {len(ordered)} functions from {len(glob.glob(f'{tmp}/run.*'))} runs -> {out}")
PY
