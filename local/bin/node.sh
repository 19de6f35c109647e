# Sourced by ./vm2ami and .ci/run: puts a Node.js >= 22 (a maintained LTS; the CDK's jsii runtime and
# npx) first on PATH, so that the default node does not matter. Order: the node on PATH if it is 22
# or newer, else the one .ci/run installed into ~/.cache/vm2ami/node-<version>/bin.
# vm2ami_install_node (run by .ci/run) fetches Node's own Linux build from the npm registry (the
# package node-linux-<arch>, checked against the registry's integrity hash by npm): no apt repository
# or root needed, only npm (any version) and tar.

VM2AMI_NODE_VERSION=22.23.5
vm2ami_node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/vm2ami/node-$VM2AMI_NODE_VERSION"

vm2ami_node_major() { # prints the major version of the node binary $1 (default: node on PATH), or 0
  { "${1:-node}" --version 2>/dev/null || true; } | sed -n 's/^v\([0-9][0-9]*\)\..*/\1/p' | grep . || echo 0
}

vm2ami_use_node() {
  [ "$(vm2ami_node_major)" -ge 22 ] && return 0
  if [ -x "$vm2ami_node_dir/bin/node" ]; then
    export PATH="$vm2ami_node_dir/bin:$PATH"
    return 0
  fi
  return 1
}

vm2ami_install_node() {
  local arch tmp
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) return 1 ;;
  esac
  command -v npm >/dev/null 2>&1 || return 1
  tmp=$(mktemp -d) || return 1
  if (cd "$tmp" && npm pack --silent "node-linux-$arch@$VM2AMI_NODE_VERSION" >/dev/null 2>&1 \
        && tar xzf "node-linux-$arch-$VM2AMI_NODE_VERSION.tgz" package/bin/node) \
      && [ "$(vm2ami_node_major "$tmp/package/bin/node")" -ge 22 ]; then
    mkdir -p "$vm2ami_node_dir/bin" && mv "$tmp/package/bin/node" "$vm2ami_node_dir/bin/node"
    rm -rf "$tmp"
    export PATH="$vm2ami_node_dir/bin:$PATH"
    return 0
  fi
  rm -rf "$tmp"
  return 1
}

vm2ami_use_node || true
