#!/bin/bash
# The main job on a fresh Debian 12 machine (as root): set up podman, build podc, and run it
# against the local service. Until `podc ds up` lands this shows the server it reached.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
eval "$(tests/env/podman-service.sh)"
export CONTAINER_HOST
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null
mkdir -p build
(cd build && { [ -f Makefile ] || ../configure -q; } && make -j2 -s >/dev/null)
build/tools/podc/podc version
build/tools/podc/podc info
