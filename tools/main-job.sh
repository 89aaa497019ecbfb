#!/bin/bash
# The main job on a fresh Debian 12 machine (as root): set up podman, the offline images and a
# loopback registry serving them under their upstream names,
# build podc, and bring the DataStorage stack up on the local podman, showing its endpoints.
# Take it down again with:  build/tools/podc/podc ds down demo
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
env_lines=$(tests/env/podman-service.sh)
eval "$env_lines"
export CONTAINER_HOST CONTAINERS_CONF CONTAINERS_REGISTRIES_CONF
tests/images/build.sh
# A loopback registry serves the stack's upstream image names (docker.io is rewritten to it in
# the service's registries.conf), so ds up pulls them the way it would from Docker Hub.
env_lines=$(tests/env/registry.sh)
eval "$env_lines"
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null
mkdir -p build
(cd build && { [ -f Makefile ] || ../configure -q; } && make -j2 -s >/dev/null)
build/tools/podc/podc version
# The default images: postgres and redis pulled when absent, DataStorage's local build.
build/tools/podc/podc ds up --service demo \
    --postgres-port 0 --redis-port 0 --api-port 0 --metrics-port 0 --health-port 0 \
    --migrations tests/images/datastorage/migrations
