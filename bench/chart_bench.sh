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
# The launcher is C, not a script: a process's peak RSS (ru_maxrss) also counts what the
# forked launcher held before exec, which for python3 (~9.6 MiB) hid skiff's own figure.
cat > "$tmp/run_once.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char** argv) {  /* run_once OUTFILE CMD...: prints "wall_ms maxrss_kib cpu_ms" */
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
    dup2(open("/dev/null", O_WRONLY), 2);
    execv(argv[2], argv + 2);
    _exit(127);
  }
  int status;
  struct rusage ru;
  wait4(pid, &status, 0, &ru);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double wall = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  double cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
  printf("%.1f %ld %.1f\n", wall, ru.ru_maxrss, cpu);
  return 0;
}
C
cc -O2 -o "$tmp/run_once" "$tmp/run_once.c"
run_once() { "$tmp/run_once" "$@"; }  # run_once OUTFILE CMD...

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
