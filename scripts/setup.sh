#!/usr/bin/env bash
# Installs every build and run-time dependency from Debian packages, then builds Skiff.
# Usage (as root on Debian 12): scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git python3 curl
  lld  # links skiff with its functions in cmake/skiff.symbol-order (cmake/StaticDeps.cmake)
  libboost-dev libssl-dev openssl nlohmann-json3-dev libsqlite3-dev sqlite3
  libre2-dev zlib1g-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcrypt-dev clang libclang-rt-14-dev
  etcd-server  # the peer store bench/apiserver_bench.cc measures SQLite against
  libjemalloc-dev  # the server's allocator (cmake/Allocator.cmake)
  # The CRI node runtime (gRPC client) and the containers it runs; the test image is busybox-static
  # packaged with umoci, pushed with skopeo to a loopback docker-registry.
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  containerd runc containernetworking-plugins iptables docker-registry umoci skopeo busybox-static
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

scripts/build.sh
