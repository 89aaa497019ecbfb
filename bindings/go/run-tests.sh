#!/bin/bash
# Runs `go vet` and the Go binding tests against the real podman service.
# Usage: bindings/go/run-tests.sh [BUILD_DIR]   (default ./build; libpodc.so is taken from
# BUILD_DIR/lib/.libs and the headers from the source tree). The Go build cache lives in
# BUILD_DIR/go-cache, so no HOME is needed. Exits with the test run's status.
set -u
build_dir="${1:-./build}"
case "$build_dir" in
  /*) ;;
  *) build_dir="$PWD/$build_dir" ;;
esac
libdir="$build_dir/lib/.libs"
if [ ! -f "$libdir/libpodc.so" ]; then
  echo "run-tests.sh: $libdir/libpodc.so not found (build the library first)" >&2
  exit 2
fi
if ! command -v go >/dev/null 2>&1; then
  echo "run-tests.sh: go not found (apt-get install golang-go)" >&2
  exit 2
fi
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$top/bindings/go" || exit 2
export CGO_ENABLED=1
# `#cgo pkg-config: podc` finds this tree's library: pkg-config takes podc-uninstalled.pc
# over an installed podc.pc when it is on PKG_CONFIG_PATH (an installed libpodc needs nothing)
cat >"$build_dir/podc-uninstalled.pc" <<EOF
Name: podc
Description: libpodc of the build tree $build_dir
Version: 0
Libs: -L$libdir -Wl,-rpath,$libdir -lpodc
Cflags: -I$top/include
EOF
export PKG_CONFIG_PATH="$build_dir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export GOCACHE="$build_dir/go-cache/build"
export GOPATH="$build_dir/go-cache/path"
export GOTOOLCHAIN=local GOPROXY=off GO111MODULE=on
go version
go vet ./... || exit 1
go test -race -v -count=1 -timeout 20m ./...
exit $?
