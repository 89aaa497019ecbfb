#!/bin/bash
# libFuzzer targets for every parser of bytes podc did not write (see tests/fuzz/README.md).
# Builds each target with clang -fsanitize=fuzzer,address,undefined straight from the sources
# (no configure needed: a minimal config.h is written into the build dir), runs each for
# SECONDS_PER_TARGET with its seed corpus, and closes with
#   fuzz: N targets, E execs, C crashes
# Usage: tests/fuzz/run.sh SECONDS_PER_TARGET [TARGET...]
#   PODC_FUZZ_BUILD  build dir (default: <top>/build-fuzz, git-ignored)
#   CC               clang to use (default: clang)
# Exits 1 when a target crashed (inputs kept in $PODC_FUZZ_BUILD/artifacts/), 2 on a build error.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:?usage: tests/fuzz/run.sh SECONDS_PER_TARGET [TARGET...]}
shift
case $secs in *[!0-9]* | '') echo "run.sh: SECONDS_PER_TARGET must be a number" >&2; exit 2 ;; esac
bdir=${PODC_FUZZ_BUILD:-$root/build-fuzz}
cc=${CC:-clang}
fz=$root/tests/fuzz

# Sources of each target besides its own fuzz_<name>.c (what the linker needs, nothing more).
core="lib/core/buf.c lib/core/error.c lib/core/error_map.c lib/core/json.c"
declare -A srcs=(
    [json]="$core"
    [container]="$core lib/api/container-inspect.c"
    [progress]="$core lib/core/lines.c lib/api/progress-stream.c"
    [frames]="$core lib/api/frames.c"
    [ignore]="$core lib/api/ignore.c"
    [goose]="$core lib/datastorage/goose.c"
    [registry_auth]="$core lib/core/base64.c lib/api/image-ref.c lib/api/registry-auth.c"
    [image_ref]="$core lib/api/image-ref.c"
    # the tool's run spec: spec_json.c and output.c from tools/podc, the service spec builder
    # and what it links (pull options, the container spec; the client for the session default)
    [spec]="tools/podc/spec_json.c tools/podc/output.c $(cd "$root" && ls lib/*/*.c | tr '\n' ' ')"
)
# targets without a dictionary of their own share one
declare -A dicts=([container]=json [progress]=json [registry_auth]=json)
all_targets="json container progress frames ignore goose registry_auth image_ref spec"
targets=${*:-$all_targets}
libs="-lyajl"
declare -A extra_libs=([spec]="-lcurl -larchive -lpthread")

command -v "$cc" >/dev/null || { echo "run.sh: $cc not found (apt-get install -y clang libclang-rt-14-dev)" >&2; exit 2; }
mkdir -p "$bdir/bin" "$bdir/corpus" "$bdir/artifacts" "$bdir/logs"

# config.h: only what the sources use (configure's would do as well, but the fuzz build must
# not depend on a configured tree).
version=$(sed -n 's/^AC_INIT(\[podc\], \[\([^]]*\)\].*/\1/p' "$root/configure.ac")
cfg="$bdir/config.h"
want="#define PACKAGE \"podc\"
#define PACKAGE_NAME \"podc\"
#define PACKAGE_VERSION \"${version:-0}\"
#define VERSION \"${version:-0}\""
[ -f "$cfg" ] && [ "$(cat "$cfg")" = "$want" ] || printf '%s\n' "$want" >"$cfg"

cflags="-g -O1 -std=gnu11 -pthread -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
        -fno-omit-frame-pointer -D_GNU_SOURCE -I$root/include -I$root/lib -I$bdir -I$root/tools/podc"

build() {
    local t=$1 out=$bdir/bin/fuzz_$1
    local files="tests/fuzz/fuzz_$t.c ${srcs[$t]}"
    # rebuild when a source, a header or this script is newer than the binary
    local stale
    stale=$(cd "$root" && find $files tests/fuzz/fuzz.h tests/fuzz/run.sh $(find include lib tools/podc -name '*.h') \
        -newer "$out" 2>/dev/null | head -1)
    if [ -x "$out" ] && [ -z "$stale" ]; then
        return 0
    fi
    (cd "$root" && $cc $cflags $files -o "$out" $libs ${extra_libs[$t]:-}) >"$bdir/logs/build-$t.log" 2>&1 || {
        echo "fuzz_$t: build failed:"; cat "$bdir/logs/build-$t.log"; return 1
    }
}

for t in $targets; do
    [ -n "${srcs[$t]+x}" ] || { echo "run.sh: unknown target $t (have: $all_targets)" >&2; exit 2; }
    build "$t" || exit 2
done

# Each target: its seeds (read-only) plus a work corpus in the build dir that grows between
# runs; crashes, leaks, timeouts and OOMs are written to artifacts/ and stop that target.
tmp=$bdir/tmp
rm -rf "$tmp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT
ntargets=0 execs=0 crashes=0
for t in $targets; do
    work=$bdir/corpus/$t log=$bdir/logs/run-$t.log
    mkdir -p "$work" "$fz/corpus/$t"
    dict=
    for d in "$fz/dict/$t.dict" "$fz/dict/${dicts[$t]:-none}.dict"; do
        [ -f "$d" ] && { dict=-dict=$d; break; }
    done
    rc=0
    TMPDIR=$tmp ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        "$bdir/bin/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$bdir/artifacts/$t-" $dict "$work" "$fz/corpus/$t" >"$log" 2>&1 || rc=$?
    e=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1) || true
    cov=$(grep -ao 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1) || true
    ntargets=$((ntargets + 1))
    execs=$((execs + ${e:-0}))
    if [ $rc -ne 0 ]; then
        crashes=$((crashes + 1))
        art=$(grep -ao 'Test unit written to .*' "$log" | tail -1 | sed 's/^Test unit written to //') || true
        printf 'fuzz_%s: %s execs, %s: CRASH (exit %d), input %s\n' "$t" "${e:-0}" "${cov:-no coverage}" "$rc" \
            "${art:-not written}"
        grep -aE 'fuzz check failed|ERROR: |SUMMARY: |^    #[0-9] .* in (podc|LLVMFuzzerTestOneInput)' "$log" | head -8 |
            sed 's/^/    /' || true
        echo "    log: $log"
    else
        printf 'fuzz_%s: %s execs, %s, corpus %s files\n' "$t" "${e:-0}" "${cov:-no coverage}" \
            "$(find "$work" -type f | wc -l)"
    fi
done
echo "fuzz: $ntargets targets, $execs execs, $crashes crashes"
[ $crashes -eq 0 ]
