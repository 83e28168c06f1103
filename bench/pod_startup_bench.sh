#!/usr/bin/env bash
# Issue 5 figures: pod startup latency on real containers. Starts a private containerd and loopback
# registry (scripts/containerd-test-env.sh) and `skiff server --runtime cri`, warms the image up with one
# pod, then creates PODS pods (busybox `sleep 3600`) at once with kubectl and times each from its ADDED
# watch event to the event that shows it Running (both stamped on arrival with bash's EPOCHREALTIME:
# the API's timestamps have one-second precision). Beside it, in the same run, the floor: a bare
# `ctr run -d` of the same image and command (median of FLOOR_RUNS), and PODS of them started at once
# (p50/p99: what containerd and runc alone do with the batch). Also the server's RSS (the node
# agent is embedded in it) idle and with the pods running. Needs root.
# Usage: bench/pod_startup_bench.sh [PODS]   (SKIFF=path/to/skiff, FLOOR_RUNS=N, KUBECTL=path, AGENT, WORKERS;
# SKIFF_TEST_BRIDGE, SKIFF_TEST_POD_SUBNET, SKIFF_REGISTRY_PORT pick the environment's bridge, subnet, port)
set -euo pipefail
cd "$(dirname "$0")/.."
pods=${1:-50}
floor_runs=${FLOOR_RUNS:-7}
# AGENT=embedded: the node agent inside `skiff server --runtime cri`; AGENT=separate: `skiff server
# --disable-agent` plus `skiff agent --runtime cri --workers WORKERS` (its own RSS).
agent_mode=${AGENT:-embedded}
workers=${WORKERS:-4}
case $agent_mode in embedded | separate) ;; *) echo "pod_startup_bench: AGENT is embedded or separate" >&2; exit 1 ;; esac
skiff=${SKIFF:-$PWD/build/skiff}
kubectl=${KUBECTL:-$(command -v kubectl || true)}
[ -x "$skiff" ] || { echo "pod_startup_bench: no skiff binary at $skiff (build it first)" >&2; exit 1; }
[ -n "$kubectl" ] || { echo "pod_startup_bench: kubectl is not installed" >&2; exit 1; }
reason=$(scripts/containerd-test-env.sh check) || { echo "pod_startup_bench: $reason" >&2; exit 1; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
export SKIFF_TEST_BRIDGE=${SKIFF_TEST_BRIDGE:-skifftest2}
export SKIFF_TEST_POD_SUBNET=${SKIFF_TEST_POD_SUBNET:-10.252.0.0/24}
export SKIFF_REGISTRY_PORT=${SKIFF_REGISTRY_PORT:-$(free_port)}

tmp=$(mktemp -d /tmp/skiff-pod-startup-XXXXXX)
server_pid=
agent_pid=
watch_pid=
cleanup() {
  [ -z "$watch_pid" ] || kill "$watch_pid" 2>/dev/null || true
  if [ -n "$agent_pid" ] && [ "$agent_pid" != "$server_pid" ]; then
    kill "$agent_pid" 2>/dev/null || true
    wait "$agent_pid" 2>/dev/null || true
  fi
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  scripts/containerd-test-env.sh stop "$tmp/env" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

scripts/containerd-test-env.sh start "$tmp/env" >/dev/null
# shellcheck disable=SC1091
. "$tmp/env/env"
export KUBECONFIG=$tmp/data/admin.kubeconfig HOME=$tmp
k() { "$kubectl" "$@"; }
wait_until() {  # wait_until SECONDS WHAT COMMAND...
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || { echo "pod_startup_bench: timed out waiting for $what (logs: $tmp/*.log)" >&2; tail -20 "$tmp"/*.log >&2; exit 1; }
    sleep 0.2
  done
}
node_ready() { k get nodes -o jsonpath='{.items[*].status.conditions[?(@.type=="Ready")].status}' | grep -q True; }
if [ "$agent_mode" = embedded ]; then
  "$skiff" server --data-dir "$tmp/data" --listen "127.0.0.1:$(free_port)" --runtime cri \
    --containerd-socket "$CONTAINERD_SOCKET" >"$tmp/server.log" 2>&1 &
  server_pid=$!
  agent_pid=$server_pid
  wait_until 60 "the server's kubeconfig" test -s "$KUBECONFIG"
else
  "$skiff" server --data-dir "$tmp/data" --listen "127.0.0.1:$(free_port)" --disable-agent >"$tmp/server.log" 2>&1 &
  server_pid=$!
  wait_until 60 "the server's kubeconfig" test -s "$KUBECONFIG"
  "$skiff" agent --kubeconfig "$KUBECONFIG" --runtime cri --containerd-socket "$CONTAINERD_SOCKET" \
    --workers "$workers" --pod-log-dir "$tmp/pod-logs" --pods-dir "$tmp/pods" >"$tmp/agent.log" 2>&1 &
  agent_pid=$!
fi
wait_until 60 "a Ready node" node_ready
rss_mib() { awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"; }

pod_yaml() {  # pod_yaml NAME BATCH
  cat <<EOF
apiVersion: v1
kind: Pod
metadata: {name: $1, labels: {app: startup-bench, batch: $2}}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: main
    image: $BUSYBOX_IMAGE
    imagePullPolicy: IfNotPresent
    command: [sleep, "3600"]
---
EOF
}
phase_of() { k get pod "$1" -o jsonpath='{.status.phase}'; }
is_running() { [ "$(phase_of "$1")" = Running ]; }

# Warm-up: pulls the image and the sandbox image through the CRI, so every timed pod finds them present.
pod_yaml warmup warmup | k create -f - >/dev/null
wait_until 120 "the warm-up pod" is_running warmup
k delete pod warmup --wait=true --timeout=60s >/dev/null
sleep 2
idle_rss=$(rss_mib "$agent_pid")
idle_server_rss=$(rss_mib "$server_pid")

# The floor: the same image and command as a bare containerd container (no sandbox, no CNI).
ctr_() { ctr -a "$CONTAINERD_SOCKET" -n k8s.io "$@"; }
floor_once() {  # prints ms
  local id=$1 start end
  start=$EPOCHREALTIME
  ctr_ run -d "$BUSYBOX_IMAGE" "$id" sleep 3600 >/dev/null
  end=$EPOCHREALTIME
  ctr_ task kill -s SIGKILL "$id" >/dev/null 2>&1 || true
  for _ in $(seq 50); do ctr_ task rm "$id" >/dev/null 2>&1 && break; sleep 0.1; done
  ctr_ containers rm "$id" >/dev/null
  awk -v s="$start" -v e="$end" 'BEGIN {printf "%.1f\n", (e - s) * 1000}'
}
floor_once floor-warmup >/dev/null  # unpacks the image for ctr's snapshotter if needed
for ((i = 0; i < floor_runs; i++)); do floor_once "floor-$i"; done >"$tmp/floor"

# The floor for a batch: COUNT bare containers started at once, each timed on its own (what
# containerd and runc alone manage on this machine; the pods below need a sandbox and CNI too).
floor_batch() {  # floor_batch COUNT → ms per container, sorted
  local count=$1 i pids=()
  for ((i = 0; i < count; i++)); do
    (
      start=$EPOCHREALTIME
      ctr_ run -d "$BUSYBOX_IMAGE" "floor-batch-$i" sleep 3600 >/dev/null
      awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN {printf "%.1f\n", (e - s) * 1000}'
    ) &
    pids+=($!)
  done
  wait "${pids[@]}"
  pids=()
  for ((i = 0; i < count; i++)); do
    (
      ctr_ task kill -s SIGKILL "floor-batch-$i" >/dev/null 2>&1 || true
      for _ in $(seq 50); do ctr_ task rm "floor-batch-$i" >/dev/null 2>&1 && break; sleep 0.1; done
      ctr_ containers rm "floor-batch-$i" >/dev/null 2>&1
    ) &
    pids+=($!)
  done
  wait "${pids[@]}"
}
floor_batch "$pods" | sort -n >"$tmp/floor.batch"

# One batch: COUNT pods named PREFIX-i created by one kubectl; writes PREFIX.latency (ms per pod, from its
# first watch event, ADDED, to the first showing it Running, sorted) and PREFIX.span (create → all Running).
run_batch() {  # run_batch PREFIX COUNT
  local prefix=$1 count=$2 events=$tmp/$1.events create_start
  : >"$events"
  k get pods -l "batch=$prefix" --watch -o jsonpath='{.metadata.name} {.status.phase}{"\n"}' 2>/dev/null \
    > >(while IFS= read -r line; do echo "$EPOCHREALTIME $line"; done >"$events") &
  watch_pid=$!
  sleep 1
  for ((i = 0; i < count; i++)); do pod_yaml "$prefix-$i" "$prefix"; done >"$tmp/$prefix.yaml"
  create_start=$EPOCHREALTIME
  k create -f "$tmp/$prefix.yaml" >/dev/null
  all_running() { [ "$(awk '$3 == "Running" {print $2}' "$events" | sort -u | wc -l)" -ge "$count" ]; }
  wait_until 300 "$count Running pods" all_running
  awk -v s="$create_start" -v e="$EPOCHREALTIME" 'BEGIN {printf "%.0f\n", (e - s) * 1000}' >"$tmp/$prefix.span"
  kill "$watch_pid" 2>/dev/null || true
  watch_pid=
  awk '{ if (!($2 in first)) first[$2] = $1; if ($3 == "Running" && !($2 in run)) run[$2] = $1 }
       END { for (p in run) printf "%.1f\n", (run[p] - first[p]) * 1000 }' "$events" | sort -n >"$tmp/$prefix.latency"
}

# One pod alone, a few times (the per-pod cost without queueing), then all pods at once.
for ((r = 0; r < 3; r++)); do
  run_batch "alone$r" 1
  cat "$tmp/alone$r.latency"
  k delete pods -l "batch=alone$r" --wait=true --timeout=60s >/dev/null
done >"$tmp/alone.latency"
run_batch bench "$pods"
sleep 2
busy_rss=$(rss_mib "$agent_pid")
busy_server_rss=$(rss_mib "$server_pid")

percentile() {  # percentile P < sorted values (nearest rank)
  awk -v p="$1" '{a[NR] = $1} END { r = int(p / 100 * NR + 0.999999); if (r < 1) r = 1; print a[r] }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
p50=$(percentile 50 <"$tmp/bench.latency")
p99=$(percentile 99 <"$tmp/bench.latency")
max=$(tail -1 "$tmp/bench.latency")
alone=$(median <"$tmp/alone.latency")
floor=$(median <"$tmp/floor")
floor_p50=$(percentile 50 <"$tmp/floor.batch")
floor_p99=$(percentile 99 <"$tmp/floor.batch")
k delete pods -l app=startup-bench --wait=false >/dev/null

printf '%-38s %9s %9s %9s\n' "pod startup (create → Running)" "p50 ms" "p99 ms" "max ms"
printf '%-38s %9.1f %9.1f %9.1f\n' "skiff ($agent_mode agent), $pods pods" "$p50" "$p99" "$max"
printf '%-38s %9.1f %9s %9s\n' "skiff, one pod alone (median of 3)" "$alone" "" ""
printf '%-38s %9.1f %9s %9s\n' "bare ctr run -d (floor, median of $floor_runs)" "$floor" "" ""
printf '%-38s %9.1f %9.1f %9.1f\n' "$pods bare ctr run -d at once (floor)" "$floor_p50" "$floor_p99" "$(tail -1 "$tmp/floor.batch")"
awk -v p50="$p50" -v p99="$p99" -v f="$floor" -v a="$alone" -v n="$(wc -l <"$tmp/bench.latency")" \
  -v span="$(cat "$tmp/bench.span")" 'BEGIN {
  printf "p50/floor %.1fx, p99/floor %.1fx, alone/floor %.1fx; %d pods measured, all Running %s ms after kubectl create began\n",
    p50 / f, p99 / f, a / f, n, span }'
awk -v p50="$p50" -v p99="$p99" -v f50="$floor_p50" -v f99="$floor_p99" 'BEGIN {
  printf "against the batch floor: p50 %.1fx, p99 %.1fx\n", p50 / f50, p99 / f99 }'
if [ "$agent_mode" = embedded ]; then
  printf 'server RSS (node agent embedded): idle %s MiB, with %d pods running %s MiB\n' "$idle_rss" "$pods" "$busy_rss"
else
  printf 'agent RSS (skiff agent --workers %d): idle %s MiB, with %d pods running %s MiB; server (--disable-agent): %s → %s MiB\n' \
    "$workers" "$idle_rss" "$pods" "$busy_rss" "$idle_server_rss" "$busy_server_rss"
fi
echo "(floor: ctr run -d $BUSYBOX_IMAGE sleep 3600, no sandbox or CNI; a pod: CRI sandbox + CNI bridge + container)"
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
