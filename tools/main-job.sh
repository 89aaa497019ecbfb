#!/bin/bash
# The main job on a fresh Debian 12 machine (as root): set up podman and the offline images,
# build podc, and bring the DataStorage stack up on the local podman, showing its endpoints.
# Take it down again with:  build/tools/podc/podc ds down demo
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
eval "$(tests/env/podman-service.sh)"
export CONTAINER_HOST
tests/images/build.sh
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null
mkdir -p build
(cd build && { [ -f Makefile ] || ../configure -q; } && make -j2 -s >/dev/null)
build/tools/podc/podc version
# No registry is reachable here: use the project's offline stand-ins for the upstream images.
build/tools/podc/podc ds up --service demo \
    --postgres-port 0 --redis-port 0 --api-port 0 --metrics-port 0 --health-port 0 \
    --migrations tests/images/datastorage/migrations \
    --postgres-image localhost/podc-postgres:test \
    --redis-image localhost/podc-redis:test \
    --datastorage-image localhost/podc-datastorage:test
