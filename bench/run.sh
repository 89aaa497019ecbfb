#!/bin/bash
# Runs the benchmarks against the local podman service and prints their numbers.
# Usage: bench/run.sh [BUILD_DIR]   (default: ./build)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
make -C "$build" -s bench >/dev/null
echo "== transport: per-call time over one keep-alive connection"
"$build/bench/bench_client" 2000
echo "== the same ping with the curl CLI, 200 URLs over one connection (-K)"
host=${CONTAINER_HOST:-}; sock=${host#unix://}; sock=${sock:-/run/podman/podman.sock}
cfg=$(mktemp)
for _ in $(seq 200); do echo 'url = "http://d/v4.0.0/libpod/_ping"'; echo 'output = "/dev/null"'; done >"$cfg"
start=$(date +%s%N)
curl -s --unix-socket "$sock" -K "$cfg"; echo
end=$(date +%s%N)
rm -f "$cfg"
awk -v ns=$((end - start)) 'BEGIN { printf "curl -K: 200 pings in %.1f ms, %.1f us per call (process start included)\n", ns/1e6, ns/1e3/200 }'
echo "== DataStorage stack: up and down against the Postgres floor; cold up against the kubernaut sequence; four stacks side by side"
PODC_BENCH_MIGRATIONS="$here/tests/images/datastorage/migrations" "$build/bench/bench_ds" 2 2 2
echo "== pulls from the loopback registry against the podman CLI; ds up cold (pulling) and warm"
PODC_BENCH_MIGRATIONS="$here/tests/images/datastorage/migrations" "$build/bench/bench_pull" 2 64
echo "== unix://, tcp:// and ssh://: per-call inspect, client setup, ds up over ssh against local"
HOME=${PODC_SSH_HOME:-$HOME} PODC_BENCH_MIGRATIONS="$here/tests/images/datastorage/migrations" \
    "$build/bench/bench_remote" 500 2
echo "== service module: start->healthy against create+start+tight polling, and Postgres readiness"; "$build/bench/bench_service" 3
echo "== compose: five services in two chains, against the longest chain alone and against podman-compose (the peer)"
"$build/bench/bench_compose" 2
echo "== fail fast: a container that exits 0.5 s after start under a never-passing HTTP check; podc against testcontainers-node"
"$build/bench/bench_failfast" 4 0  # (1 more arg: rounds of testcontainers without the option: ~37 s each)
