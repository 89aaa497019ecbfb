#!/bin/bash
# Runs the Python binding tests against the real podman service.
# Usage: bindings/python/run-tests.sh [BUILD_DIR]   (default ./build; libpodc.so is taken
# from BUILD_DIR/lib/.libs). Exits with the test run's status.
set -u
build_dir="${1:-./build}"
case "$build_dir" in
  /*) ;;
  *) build_dir="$PWD/$build_dir" ;;
esac
lib="$build_dir/lib/.libs/libpodc.so"
if [ ! -f "$lib" ]; then
  echo "run-tests.sh: $lib not found (build the library first)" >&2
  exit 2
fi
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$top" || exit 2
export PODC_LIBRARY="$lib"
export PYTHONDONTWRITEBYTECODE=1
python3 -m unittest discover -s bindings/python/tests -v
exit $?
