#!/bin/bash
# libFuzzer targets for every parser of bytes podc did not write (see tests/fuzz/README.md).
# Builds each target with clang -fsanitize=fuzzer,address,undefined straight from the sources
# (no configure needed: a minimal config.h is written into the build dir), runs each for
# SECONDS_PER_TARGET with its seed corpus, and closes with
#   fuzz: N targets, E execs, C crashes
# Usage: tests/fuzz/run.sh SECONDS_PER_TARGET [TARGET...]
#   PODC_FUZZ_BUILD  build dir (default: <top>/build-fuzz, git-ignored)
#   CC               clang to use (default: clang)
# Exits 1 when a target crashed (its input is kept in $PODC_FUZZ_BUILD/artifacts/), 2 when
# something could not be built.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:?usage: tests/fuzz/run.sh SECONDS_PER_TARGET [TARGET...]}
shift
case $secs in *[!0-9]* | '') secs=0 ;; esac
# (libFuzzer's -max_total_time=0 means no limit)
[ "$((10#$secs))" -gt 0 ] || { echo "run.sh: SECONDS_PER_TARGET must be a number > 0" >&2; exit 2; }
bdir=${PODC_FUZZ_BUILD:-$root/build-fuzz}
cc=${CC:-clang}
fz=$root/tests/fuzz

all_targets="json container progress frames ignore goose registry_auth image_ref spec events connections tar_end migrate logs images pull_error compose"
targets=${*:-$all_targets}
for t in $targets; do
    case " $all_targets " in *" $t "*) ;; *) echo "run.sh: unknown target $t (have: $all_targets)" >&2; exit 2 ;; esac
done
# Sources compiled with a target besides its fuzz_<name>.c: the run spec parser is the tool's
# code (main.c is not linked: fuzz_spec.c stands in for the one function output.c needs).
declare -A tool_srcs=([spec]="tools/podc/spec_json.c tools/podc/output.c")
# Targets without a dictionary of their own share one.
declare -A dicts=([container]=json [progress]=json [registry_auth]=json)

# Debian's clang and its sanitizer/fuzzer runtimes, installed when missing (as the env
# scripts install the rest; PODC_SKIP_APT=1 to never touch apt).
have_rt() { command -v "$cc" >/dev/null && [ -f "$("$cc" -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a" ]; }
if ! have_rt && [ "${PODC_SKIP_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "run.sh: installing clang libclang-rt-14-dev" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev ||
      { apt-get update -qq && apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev; }; } \
        >&2 </dev/null || true
fi
have_rt || { echo "run.sh: $cc with libFuzzer not found (apt-get install -y clang libclang-rt-14-dev)" >&2; exit 2; }
mkdir -p "$bdir/bin" "$bdir/obj" "$bdir/corpus" "$bdir/artifacts" "$bdir/logs"

# config.h: only what the sources use (configure's would do as well, but the fuzz build must
# not depend on a configured tree).
version=$(sed -n 's/^AC_INIT(\[podc\], \[\([^]]*\)\].*/\1/p' "$root/configure.ac")
cfg=$bdir/config.h
want="#define PACKAGE \"podc\"
#define PACKAGE_NAME \"podc\"
#define PACKAGE_VERSION \"${version:-0}\"
#define VERSION \"${version:-0}\""
[ -f "$cfg" ] && [ "$(cat "$cfg")" = "$want" ] || printf '%s\n' "$want" >"$cfg"

# The libraries the library links: configure.ac's pkg-config modules (less the test-only ones).
pkgs=$(sed -n 's/^PKG_CHECK_MODULES(\[[A-Z0-9_]*\], *\[\([a-z0-9_.-]*\).*/\1/p' "$root/configure.ac" |
    grep -vx 'check\|libpq' | tr '\n' ' ') || true
libs="$(pkg-config --libs $pkgs 2>/dev/null || echo -lcurl -lyajl -larchive) -lpthread"

san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
common="-g -O1 -std=gnu11 -pthread -D_GNU_SOURCE -I$root/include -I$root/lib -I$bdir -I$root/tools/podc"

# The library: every lib/*/*.c compiled once (coverage-instrumented) into an archive, so a
# target links only the objects it uses. An object is rebuilt when its source, any header or
# this script is newer; a source that does not compile is skipped (a target needing it then
# fails to link, and says so).
newest_hdr=$(cd "$root" && ls -t $(find include lib tools/podc -name '*.h') tests/fuzz/run.sh | head -1)
lib=$bdir/libpodc-fuzz.a
changed=0 skipped=
for src in $(cd "$root" && ls lib/*/*.c); do
    obj=$bdir/obj/$(echo "${src%.c}" | tr / _).o
    if [ ! -f "$obj" ] || [ "$root/$src" -nt "$obj" ] || [ "$root/$newest_hdr" -nt "$obj" ]; then
        if (cd "$root" && $cc $common $san -fsanitize=fuzzer-no-link -c "$src" -o "$obj") \
            >"$bdir/logs/obj-$(basename "$obj" .o).log" 2>&1; then
            changed=1
        else
            rm -f "$obj"
            skipped="$skipped $src"
        fi
    fi
done
[ -z "$skipped" ] || echo "run.sh: did not compile (skipped):$skipped (logs in $bdir/logs/obj-*.log)"
if [ $changed = 1 ] || [ ! -f "$lib" ]; then
    rm -f "$lib"
    ar rcs "$lib" "$bdir"/obj/*.o
fi

build() {
    local t=$1 out=$bdir/bin/fuzz_$1
    local files="tests/fuzz/fuzz_$t.c ${tool_srcs[$t]:-}"
    local stale
    stale=$(cd "$root" && find $files tests/fuzz/fuzz.h "$lib" "$root/$newest_hdr" -newer "$out" 2>/dev/null | head -1) ||
        true
    [ -x "$out" ] && [ -z "$stale" ] && return 0
    (cd "$root" && $cc $common $san -fsanitize=fuzzer $files "$lib" -o "$out" $libs) >"$bdir/logs/build-$t.log" 2>&1 || {
        echo "fuzz_$t: build failed:"
        cat "$bdir/logs/build-$t.log"
        return 1
    }
}

for t in $targets; do
    build "$t" || exit 2
done

# Each target: its seeds (read-only) plus a work corpus in the build dir that grows between
# runs; a crash, leak, timeout or OOM is written to artifacts/ and stops that target.
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
            cut -c1-200 | sed 's/^/    /' || true
        echo "    log: $log"
    else
        printf 'fuzz_%s: %s execs, %s, corpus %s files\n' "$t" "${e:-0}" "${cov:-no coverage}" \
            "$(find "$work" -type f | wc -l)"
    fi
done
echo "fuzz: $ntargets targets, $execs execs, $crashes crashes"
[ $crashes -eq 0 ]
