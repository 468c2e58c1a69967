#!/usr/bin/env bash
# Runs every check and test of slotd. Installs what the tests need (redis-server
# and redis-tools 7.0 from Debian, as real peers; redis-py) when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v redis-benchmark >/dev/null 2>&1 || need+=(redis-tools)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
redis-server --version
# redis-py, for the cluster client workload (RedisCluster).
if ! python3 -c 'import redis' >/dev/null 2>&1; then
  command -v pip3 >/dev/null 2>&1 || {
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-pip >/dev/null
  }
  pip3 install -q redis 2>/dev/null || pip3 install -q --break-system-packages redis
fi

cargo fmt --all -- --check
cargo clippy --workspace --all-targets -q -- -D warnings
cargo test --workspace --no-fail-fast
