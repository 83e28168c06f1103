#!/usr/bin/env bash
# Issue 6 figures: `skiff chart template` against `helm template` (4.1.4) on the five corpus
# charts with the most template files, default case. Runs alternate (helm, skiff, helm, …)
# so both see the same machine state; prints median wall time (ms), median peak RSS (MiB)
# and the ratios, and skiff's median user+sys CPU time (ms). Each run is timed by a small
# runner around fork/exec/wait4 (wall clock, ru_maxrss, ru_utime + ru_stime).
# Usage: bench/chart_bench.sh [RUNS]   (SKIFF=path/to/skiff HELM=path/to/helm override;
#        SKIFF_BEFORE=path/to/other/skiff adds that binary's figures beside, e.g. a build
#        of the previous commit)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
skiff=${SKIFF:-$PWD/build/skiff}
before=${SKIFF_BEFORE:-}
helm=${HELM:-$(scripts/fetch-helm.sh | sed -n 1p)}
corpus=${CORPUS:-$PWD/../shared/testdata/charts}
[ -x "$skiff" ] || { echo "chart_bench: no skiff binary at $skiff (build it first)" >&2; exit 1; }
[ -x "$helm" ] || { echo "chart_bench: no helm binary at $helm (scripts/fetch-helm.sh)" >&2; exit 1; }
[ -z "$before" ] || [ -x "$before" ] || { echo "chart_bench: no skiff binary at $before" >&2; exit 1; }
export KUBECONFIG=/dev/null HELM_CONFIG_HOME=$(mktemp -d) HELM_CACHE_HOME=$(mktemp -d) HELM_DATA_HOME=$(mktemp -d)

# The five charts with the most files under a templates/ directory (subcharts included).
charts=$(for d in "$corpus"/*/; do
  n=$(find "$d/chart" -path '*/templates/*' -type f | wc -l)
  echo "$n $(basename "$d")"
done | sort -rn | awk 'NR <= 5 {print $2}')

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$HELM_CONFIG_HOME" "$HELM_CACHE_HOME" "$HELM_DATA_HOME"' EXIT

# One timed run: prints "wall_ms rss_kib cpu_ms"; stdout goes to OUTFILE (it must match
# between the tools).
cat > "$tmp/run_once.py" <<'PY'
import os, sys, time
out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
null = os.open(os.devnull, os.O_WRONLY)
start = time.monotonic()
pid = os.fork()
if pid == 0:
    os.dup2(out, 1)
    os.dup2(null, 2)
    try:
        os.execv(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, _, usage = os.wait4(pid, 0)
wall = (time.monotonic() - start) * 1000
print("%.1f %d %.1f" % (wall, usage.ru_maxrss, (usage.ru_utime + usage.ru_stime) * 1000))
PY
run_once() { python3 "$tmp/run_once.py" "$@"; }  # run_once OUTFILE CMD...

column() { cut -d' ' -f"$1" "$2" | median; }
printf '%-12s %9s %9s %8s %10s %10s %6s %9s %s' chart "helm ms" "skiff ms" speedup "helm MiB" "skiff MiB" mem "skiff cpu" "same"
[ -z "$before" ] || printf ' | %9s %8s %10s %6s %9s' "before ms" speedup "before MiB" mem "cpu"
printf '\n'
for c in $charts; do
  cd "$corpus/$c/cases"
  read -r -a args < default.args
  : > "$tmp/h"; : > "$tmp/s"; : > "$tmp/b"
  for ((i = 0; i < runs; i++)); do
    run_once "$tmp/hout" "$helm" template rel ../chart "${args[@]}" >> "$tmp/h"
    run_once "$tmp/sout" "$skiff" chart template rel ../chart "${args[@]}" >> "$tmp/s"
    [ -z "$before" ] || run_once "$tmp/bout" "$before" chart template rel ../chart "${args[@]}" >> "$tmp/b"
  done
  same=$(cmp -s "$tmp/hout" "$tmp/sout" && echo yes || echo NO)
  awk -v c="$c" -v hw="$(column 1 "$tmp/h")" -v sw="$(column 1 "$tmp/s")" -v hm="$(column 2 "$tmp/h")" \
      -v sm="$(column 2 "$tmp/s")" -v sc="$(column 3 "$tmp/s")" -v same="$same" 'BEGIN {
    printf "%-12s %9.1f %9.1f %7.1fx %10.1f %10.1f %6.2f %9.1f %s", c, hw, sw, hw / sw, hm / 1024, sm / 1024, sm / hm, sc, same }'
  if [ -n "$before" ]; then
    awk -v hw="$(column 1 "$tmp/h")" -v bw="$(column 1 "$tmp/b")" -v hm="$(column 2 "$tmp/h")" \
        -v bm="$(column 2 "$tmp/b")" -v bc="$(column 3 "$tmp/b")" 'BEGIN {
      printf " | %9.1f %7.1fx %10.1f %6.2f %9.1f", bw, hw / bw, bm / 1024, bm / hm, bc }'
  fi
  printf '\n'
  cd - > /dev/null
done
echo "($runs alternating runs per tool and chart, default case; speedup = helm/skiff wall, mem = skiff/helm peak RSS,"
echo " cpu = skiff's user+sys ms; medians)"
# Wall times move with the machine's load (2 cores, often shared): print it beside the table.
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
