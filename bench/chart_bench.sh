#!/usr/bin/env bash
# Issue 6 figures: `skiff chart template` against `helm template` (4.1.4) on the five corpus
# charts with the most template files, default case. Runs alternate (helm, skiff, helm, …)
# so both see the same machine state; prints median wall time (ms, bash's EPOCHREALTIME)
# and median peak RSS (MiB, /usr/bin/time %M) and the ratios.
# Usage: bench/chart_bench.sh [RUNS]   (SKIFF=path/to/skiff HELM=path/to/helm override)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
skiff=${SKIFF:-$PWD/build/skiff}
helm=${HELM:-$(scripts/fetch-helm.sh | sed -n 1p)}
corpus=${CORPUS:-$PWD/../shared/testdata/charts}
[ -x "$skiff" ] || { echo "chart_bench: no skiff binary at $skiff (build it first)" >&2; exit 1; }
[ -x "$helm" ] || { echo "chart_bench: no helm binary at $helm (scripts/fetch-helm.sh)" >&2; exit 1; }
export KUBECONFIG=/dev/null HELM_CONFIG_HOME=$(mktemp -d) HELM_CACHE_HOME=$(mktemp -d) HELM_DATA_HOME=$(mktemp -d)

# The five charts with the most files under a templates/ directory (subcharts included).
charts=$(for d in "$corpus"/*/; do
  n=$(find "$d/chart" -path '*/templates/*' -type f | wc -l)
  echo "$n $(basename "$d")"
done | sort -rn | awk 'NR <= 5 {print $2}')

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# One timed run: prints "wall_ms rss_kib"; the output must match between the tools.
run_once() {  # run_once OUTFILE CMD...
  local out=$1 rss start end
  shift
  start=$EPOCHREALTIME
  /usr/bin/time -o "$out.rss" -f "%M" "$@" > "$out" 2>/dev/null || true
  end=$EPOCHREALTIME
  rss=$(tail -1 "$out.rss")
  awk -v s="$start" -v e="$end" -v r="$rss" 'BEGIN {printf "%.1f %d\n", (e - s) * 1000, r}'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$HELM_CONFIG_HOME" "$HELM_CACHE_HOME" "$HELM_DATA_HOME"' EXIT
printf '%-12s %9s %9s %8s %10s %10s %8s %s\n' chart "helm ms" "skiff ms" speedup "helm MiB" "skiff MiB" "mem" "same output"
for c in $charts; do
  cd "$corpus/$c/cases"
  read -r -a args < default.args
  : > "$tmp/h"; : > "$tmp/s"
  for ((i = 0; i < runs; i++)); do
    run_once "$tmp/hout" "$helm" template rel ../chart "${args[@]}" >> "$tmp/h"
    run_once "$tmp/sout" "$skiff" chart template rel ../chart "${args[@]}" >> "$tmp/s"
  done
  same=$(cmp -s "$tmp/hout" "$tmp/sout" && echo yes || echo NO)
  hw=$(cut -d' ' -f1 "$tmp/h" | median); sw=$(cut -d' ' -f1 "$tmp/s" | median)
  hm=$(cut -d' ' -f2 "$tmp/h" | median); sm=$(cut -d' ' -f2 "$tmp/s" | median)
  awk -v c="$c" -v hw="$hw" -v sw="$sw" -v hm="$hm" -v sm="$sm" -v same="$same" 'BEGIN {
    printf "%-12s %9.1f %9.1f %7.1fx %10.1f %10.1f %7.2f %s\n", c, hw, sw, hw / sw, hm / 1024, sm / 1024, sm / hm, same }'
  cd - > /dev/null
done
echo "($runs alternating runs per tool and chart, default case; speedup = helm/skiff wall, mem = skiff/helm peak RSS)"
# Wall times move with the machine's load (2 cores, often shared): print it beside the table.
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
