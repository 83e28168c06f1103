#!/usr/bin/env bash
# Issue 7 figures: installing and upgrading one large corpus chart with `skiff chart` and with
# helm 4.1.4, against the same `skiff server --sim-nodes 3`, runs alternating (helm, skiff, …)
# so both see the same machine state. Each run installs a new release in its own namespace,
# then upgrades it with a changed value. Prints median wall times (ms) and the ratio.
# Usage: bench/release_bench.sh [RUNS] [CHART]   (SKIFF=path/to/skiff HELM=path/to/helm override)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
chart_name=${2:-prometheus}
skiff=${SKIFF:-$PWD/build/skiff}
helm=${HELM:-$(scripts/fetch-helm.sh | sed -n 1p)}
chart=${CORPUS:-$PWD/../shared/testdata/charts}/$chart_name/chart
[ -x "$skiff" ] || { echo "release_bench: no skiff binary at $skiff (build it first)" >&2; exit 1; }
[ -x "$helm" ] || { echo "release_bench: no helm binary at $helm (scripts/fetch-helm.sh)" >&2; exit 1; }
[ -d "$chart" ] || { echo "release_bench: no chart at $chart" >&2; exit 1; }

tmp=$(mktemp -d)
export HOME=$tmp/home HELM_CONFIG_HOME=$tmp/helm-config HELM_CACHE_HOME=$tmp/helm-cache HELM_DATA_HOME=$tmp/helm-data
mkdir -p "$HOME"
"$skiff" server --data-dir "$tmp/server" --listen 127.0.0.1:0 --sim-nodes 3 > "$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do [ -s "$tmp/server/admin.kubeconfig" ] && break; sleep 0.1; done
export KUBECONFIG=$tmp/server/admin.kubeconfig
[ -s "$KUBECONFIG" ] || { echo "release_bench: the server did not start:" >&2; cat "$tmp/server.log" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
timed_ms() {  # timed_ms CMD... : runs it quietly, prints the wall time; a failure stops the bench
  local start=$EPOCHREALTIME
  "$@" > "$tmp/out" 2>&1 || { echo "release_bench: failed: $*" >&2; cat "$tmp/out" >&2; exit 1; }
  awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN {printf "%.1f\n", (e - s) * 1000}'
}

for ((i = 0; i < runs; i++)); do
  timed_ms "$helm" install "h$i" "$chart" -n "h$i" --create-namespace >> "$tmp/helm-install"
  timed_ms "$skiff" chart install "s$i" "$chart" -n "s$i" --create-namespace >> "$tmp/skiff-install"
  timed_ms "$helm" upgrade "h$i" "$chart" -n "h$i" --set server.replicaCount=2 >> "$tmp/helm-upgrade"
  timed_ms "$skiff" chart upgrade "s$i" "$chart" -n "s$i" --set server.replicaCount=2 >> "$tmp/skiff-upgrade"
done

objects=$("$skiff" chart get manifest s0 -n s0 | grep -c '^kind:')
printf '%-8s %10s %10s %8s\n' action "helm ms" "skiff ms" speedup
for action in install upgrade; do
  h=$(median < "$tmp/helm-$action"); s=$(median < "$tmp/skiff-$action")
  awk -v a="$action" -v h="$h" -v s="$s" 'BEGIN {printf "%-8s %10.1f %10.1f %7.1fx\n", a, h, s, h / s}'
done
echo "($chart_name chart, $objects objects; $runs alternating runs per tool, medians; skiff server --sim-nodes 3)"
