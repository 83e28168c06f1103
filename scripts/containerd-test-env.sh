#!/usr/bin/env bash
# A private containerd (CRI enabled) and a loopback docker-registry for tests, untouched by and not touching
# the machine's own containerd: every path lives under DIR.
#
#   scripts/containerd-test-env.sh start DIR   starts both, builds the test images, pushes them, prints env
#   scripts/containerd-test-env.sh stop DIR    stops both, removes containers and mounts left under DIR
#   scripts/containerd-test-env.sh check       says whether this machine can run it (exit 0) or why not
#
# After start, DIR/env holds shell assignments for tests:
#   CONTAINERD_SOCKET  the CRI socket (unix path)
#   REGISTRY           host:port of the registry (plain HTTP, 127.0.0.1 only)
#   BUSYBOX_IMAGE      REGISTRY/library/busybox:latest (also pullable as docker.io/library/busybox via the mirror)
#   PAUSE_IMAGE        the sandbox image containerd is configured with
#   CNI_READY          1 when the bridge network config is installed, 0 when only host-network pods can run
# Needs root. Ports: SKIFF_REGISTRY_PORT (default 5000). Pod network: SKIFF_TEST_BRIDGE (default
# skifftest0) and SKIFF_TEST_POD_SUBNET (default 10.250.0.0/24).
set -euo pipefail

die() { echo "containerd-test-env: $*" >&2; exit 1; }

required_commands=(containerd containerd-shim-runc-v2 runc docker-registry umoci skopeo)
busybox_binary=/bin/busybox
cni_bin_dir=/usr/lib/cni

check() {
  [ "$(id -u)" = 0 ] || { echo "needs root (containerd and runc create namespaces, cgroups and mounts)"; return 1; }
  local missing=()
  for c in "${required_commands[@]}"; do command -v "$c" >/dev/null || missing+=("$c"); done
  if ((${#missing[@]})); then
    echo "missing commands: ${missing[*]} (Debian: containerd runc docker-registry umoci skopeo)"
    return 1
  fi
  # busybox-static's binary; the dynamically linked busybox package would need its libc in the image.
  if ! file_is_static "$busybox_binary"; then
    echo "$busybox_binary is not a static binary (install busybox-static)"
    return 1
  fi
  grep -qw overlay /proc/filesystems || echo "note: no overlayfs in this kernel; using the native snapshotter" >&2
  return 0
}

file_is_static() {
  [ -x "$1" ] || return 1
  ! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'INTERP'
}

snapshotter() {
  if grep -qw overlay /proc/filesystems; then echo overlayfs; else echo native; fi
}

wait_for() {  # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

write_registry_config() {
  local dir=$1 port=$2
  cat >"$dir/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
}

# The CRI plugin reads registry hosts from config_path; docker.io is redirected to the local registry too,
# so manifests naming plain "busybox" pull without leaving loopback.
write_registry_hosts() {
  local dir=$1 registry=$2
  for host in "$registry" docker.io; do
    mkdir -p "$dir/certs.d/$host"
    cat >"$dir/certs.d/$host/hosts.toml" <<EOF
server = "http://$registry"

[host."http://$registry"]
  capabilities = ["pull", "resolve"]
  skip_verify = true
EOF
  done
}

# Environments running at once (the CRI client tests beside the e2e tests) need their own bridge
# and subnet: SKIFF_TEST_BRIDGE and SKIFF_TEST_POD_SUBNET. DIR/bridge remembers the name for stop.
bridge_of() { cat "$1/bridge" 2>/dev/null || echo skifftest0; }

write_cni_config() {
  local dir=$1
  mkdir -p "$dir/cni/net.d"
  echo "${SKIFF_TEST_BRIDGE:-skifftest0}" >"$dir/bridge"
  cat >"$dir/cni/net.d/10-skiff-test.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "skiff-test",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$(bridge_of "$dir")",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{ "subnet": "${SKIFF_TEST_POD_SUBNET:-10.250.0.0/24}" }]],
        "dataDir": "$dir/cni/ipam"
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
  cat >"$dir/cni/net.d/99-loopback.conf" <<EOF
{ "cniVersion": "1.0.0", "name": "lo", "type": "loopback" }
EOF
}

# Without CAP_SYS_RESOURCE (some sandboxes drop it) runc can not give the pause container the kubelet's
# oom_score_adj of -998 and every RunPodSandbox fails with "can't get final child's PID from pipe: EOF";
# restricting makes containerd clamp scores to its own.
restrict_oom_score_adj() {
  local cap_eff
  cap_eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
  if (( (16#$cap_eff >> 24) & 1 )); then echo false; else echo true; fi
}

write_containerd_config() {
  local dir=$1 pause_image=$2
  cat >"$dir/containerd.toml" <<EOF
version = 2
root = "$dir/root"
state = "$dir/state"

[grpc]
  address = "$dir/containerd.sock"

[ttrpc]
  address = "$dir/containerd.sock.ttrpc"

[debug]
  level = "info"

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$dir/opt"

  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$pause_image"
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    netns_mounts_under_state_dir = true
    enable_unprivileged_ports = true
    enable_unprivileged_icmp = true
    restrict_oom_score_adj = $(restrict_oom_score_adj)

    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "$(snapshotter)"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          SystemdCgroup = false
          Root = "$dir/runc"

    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "$cni_bin_dir"
      conf_dir = "$dir/cni/net.d"

    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "$dir/certs.d"
EOF
}

# A busybox image from busybox-static: /bin/busybox plus its applet links. The pause image is the same
# layer with a command that sleeps until killed (containerd stops sandboxes with SIGKILL).
build_images() {
  local dir=$1 registry=$2
  local layout=$dir/build/oci bundle=$dir/build/bundle
  rm -rf "$dir/build"
  mkdir -p "$dir/build"
  umoci init --layout "$layout"
  umoci new --image "$layout:busybox"
  umoci unpack --image "$layout:busybox" "$bundle" >/dev/null
  mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/tmp" "$bundle/rootfs/etc"
  cp "$busybox_binary" "$bundle/rootfs/bin/busybox"
  "$bundle/rootfs/bin/busybox" --list | while read -r applet; do
    [ "$applet" = busybox ] || ln -sf busybox "$bundle/rootfs/bin/$applet"
  done
  echo "root:x:0:0:root:/root:/bin/sh" >"$bundle/rootfs/etc/passwd"
  echo "root:x:0:" >"$bundle/rootfs/etc/group"
  umoci repack --image "$layout:busybox" "$bundle" >/dev/null
  umoci config --image "$layout:busybox" --config.env PATH=/bin --config.cmd sh
  umoci config --image "$layout:busybox" --tag pause --config.cmd /bin/sleep --config.cmd 2147483647
  local tls=(--dest-tls-verify=false)
  skopeo copy -q "${tls[@]}" "oci:$layout:busybox" "docker://$registry/library/busybox:latest"
  skopeo copy -q "${tls[@]}" "oci:$layout:pause" "docker://$registry/skiff/pause:latest"
}

# The CRI plugin only needs the bridge plugin to work when pods use the pod network; a sandbox that can not
# create bridges still runs host-network pods.
cni_works() {
  local probe=skiffcniprobe
  ip link add "$probe" type bridge 2>/dev/null || return 1
  ip link del "$probe"
  [ -x "$cni_bin_dir/bridge" ] && [ -x "$cni_bin_dir/host-local" ] && [ -x "$cni_bin_dir/loopback" ]
}

start() {
  local dir=$1
  local reason
  reason=$(check) || die "$reason"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ ! -f "$dir/containerd.pid" ] || die "already started in $dir (stop it first)"
  local port=${SKIFF_REGISTRY_PORT:-5000}
  local registry=127.0.0.1:$port

  write_registry_config "$dir" "$port"
  docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
  echo $! >"$dir/registry.pid"
  wait_for 15 curl -sf "http://$registry/v2/" ||
    die "docker-registry did not answer on $registry (see $dir/registry.log)"

  build_images "$dir" "$registry" >"$dir/build.log" 2>&1 || die "building the test images failed (see $dir/build.log)"

  write_registry_hosts "$dir" "$registry"
  local cni_ready=0
  if cni_works; then
    write_cni_config "$dir"
    cni_ready=1
  else
    mkdir -p "$dir/cni/net.d"
  fi
  write_containerd_config "$dir" "$registry/skiff/pause:latest"
  containerd --config "$dir/containerd.toml" >"$dir/containerd.log" 2>&1 &
  echo $! >"$dir/containerd.pid"
  wait_for 20 test -S "$dir/containerd.sock" ||
    die "containerd did not open $dir/containerd.sock (see $dir/containerd.log)"

  cat >"$dir/env" <<EOF
CONTAINERD_SOCKET=$dir/containerd.sock
REGISTRY=$registry
BUSYBOX_IMAGE=$registry/library/busybox:latest
PAUSE_IMAGE=$registry/skiff/pause:latest
CNI_READY=$cni_ready
EOF
  cat "$dir/env"
}

stop_pid_file() {
  local file=$1
  [ -f "$file" ] || return 0
  local pid
  pid=$(cat "$file")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

stop() {
  local dir=$1
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd)
  # Shims outlive containerd by design; kill the containers they run (runc state under DIR/runc), then them.
  if [ -d "$dir/runc" ]; then
    for ns_root in "$dir"/runc/*; do
      [ -d "$ns_root" ] || continue
      for id in $(runc --root "$ns_root" list -q 2>/dev/null); do
        runc --root "$ns_root" kill "$id" KILL 2>/dev/null || true
        runc --root "$ns_root" delete -f "$id" 2>/dev/null || true
      done
    done
  fi
  stop_pid_file "$dir/containerd.pid"
  for shim_pid_file in "$dir"/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
    if [ -f "$shim_pid_file" ]; then stop_pid_file "$shim_pid_file"; fi
  done
  # A shim whose pid file was already gone (a task being created while containerd stopped): found by the
  # socket address it was started with, which names DIR.
  for shim in $(pgrep -f "containerd-shim-runc-v2 .*-address $dir/containerd.sock" || true); do
    kill "$shim" 2>/dev/null || true
  done
  stop_pid_file "$dir/registry.pid"
  # Sandbox network namespaces and snapshot mounts (deepest first).
  { grep -o " $dir/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  # Pod cgroups go with their pods; the empty parents (cgroupfs driver: /k8s.io) stay unless removed.
  for parent in /sys/fs/cgroup/k8s.io /sys/fs/cgroup/*/k8s.io; do
    if [ -d "$parent" ]; then rmdir "$parent" 2>/dev/null || true; fi
  done
  # The bridge outlives its pods; remove it once no other environment has a pod on it.
  local bridge
  bridge=$(bridge_of "$dir")
  if ip link show "$bridge" >/dev/null 2>&1 && [ -z "$(ip link show master "$bridge" 2>/dev/null)" ]; then
    ip link del "$bridge" 2>/dev/null || true
  fi
}

case "${1:-}" in
  start) [ $# = 2 ] || die "usage: $0 start DIR"; start "$2" ;;
  stop) [ $# = 2 ] || die "usage: $0 stop DIR"; stop "$2" ;;
  check) check ;;
  *) die "usage: $0 start DIR | stop DIR | check" ;;
esac
