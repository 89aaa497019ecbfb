#!/bin/bash
# Every test, from a fresh Debian 12 machine (as root) to a verdict:
#   install packages, start the podman service, build the offline test images,
#   start the loopback registries and push those images into them, build the library,
#   run the whole suite under ASan+UBSan (again over tcp://, ssh://, rootless, and the
#   bindings), the unit and integration programs under valgrind, the threaded ones under TSan,
#   check the tarball with distcheck, print the benchmark numbers.
# Usage: tests/run-all.sh        (PODC_QUICK=1 skips the sanitizer, valgrind and distcheck passes)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n== %s (%ds)\n' "$*" "$SECONDS"; }

# (the env scripts' output is captured first: `eval "$(failing-script)"` would not stop set -e)
step "podman service"
env_lines=$(tests/env/podman-service.sh)
eval "$env_lines"
export CONTAINER_HOST CONTAINERS_CONF CONTAINERS_REGISTRIES_CONF PODC_SERVICE_LOG PODC_TCP_URI

step "offline test images"
tests/images/build.sh

step "registries"
env_lines=$(tests/env/registry.sh)
eval "$env_lines"
export PODC_REGISTRY PODC_AUTH_REGISTRY PODC_REGISTRY_USER PODC_REGISTRY_PASSWORD CONTAINERS_REGISTRIES_CONF

step "sshd (loopback, keys only) for ssh://"
env_lines=$(tests/env/sshd.sh)
eval "$env_lines"
export PODC_SSH_URI PODC_SSH_HOME PODC_SSH_KEY PODC_SSH_OTHER_HOST_KEY

step "a second host: a network namespace with its own podman services and sshd"
env_lines=$(tests/env/netns-host.sh)
eval "$env_lines"
export PODC_NETNS_HOST PODC_NETNS_TCP_URI PODC_NETNS_SSH_URI

step "build"
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null
totals=$(mktemp)
trap 'rm -f "$totals"' EXIT

# Runs `make check` in a build dir; prints the logs of what ran and records Check's counts.
check_in() {
    local dir=$1; shift
    mkdir -p "$dir"
    (cd "$dir" && { [ -f Makefile ] || "$root/configure" -q --enable-werror "$@"; } && make -j2 -s >/dev/null)
    local rc=0
    make -C "$dir" -s -j1 check >/dev/null 2>&1 || rc=$?
    for log in "$dir"/tests/*/test_*.log "$dir"/tests/check-symbols.sh.log; do
        [ -f "$log" ] || continue
        sed -n '/^Running suite/,$p;/exported:/p' "$log" | grep -v '^PASS\|^# ' || true
        grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" >>"$totals" || true
        # script tests (CLI) close with "N passed, M failed"
        grep -h '^[0-9]* passed, [0-9]* failed' "$log" | sed "s|^|$(basename "$log" .log): |" || true
        grep -h '^[0-9]* passed, [0-9]* failed' "$log" |
            awk '{ printf "Checks: %d, Failures: %d, Errors: 0\n", $1 + $3, $3 }' >>"$totals" || true
    done
    if [ $rc -ne 0 ]; then
        echo "FAILED in $dir; service log: $PODC_SERVICE_LOG"
        cat "$dir"/tests/*/test_*.log | grep -E ':[EF]:' || true
        tail -20 "$PODC_SERVICE_LOG" || true
    fi
    return $rc
}

status=0
# The plain build: the bindings, valgrind and the benchmarks use it (programs only, no run).
step "plain build"
mkdir -p build
(cd build && { [ -f Makefile ] || "$root/configure" -q --enable-werror; } && make -j2 -s >/dev/null && make -j2 -s check TESTS= >/dev/null) ||
    { echo "FAILED: the plain build"; echo "Checks: 1, Failures: 1, Errors: 0" >>"$totals"; status=1; }

# The whole suite runs once, under ASan+UBSan (a memory error, a leak or undefined behaviour
# fails it), and so do the tcp/ssh lanes; valgrind runs the unit and integration programs of
# the plain build again below (uninitialised reads ASan does not see). PODC_QUICK=1: the plain
# build instead, and no sanitizer at all.
if [ "${PODC_QUICK:-0}" = 1 ]; then tb=build; else tb=build-asan; fi
step "tests ($tb)"
if [ "$tb" = build ]; then check_in build || status=1
else ASAN_OPTIONS=detect_leaks=1 check_in build-asan --enable-sanitizers || status=1; fi

step "the core suites again, over tcp:// (a second service: podman system service tcp://127.0.0.1)"
# the client, containers, exec, logs, services (health checks on the service's host), the
# DataStorage stack and registries through a tcp:// endpoint instead of the unix socket
for suite in containers exec logs service datastorage registry; do
    log=$tb/tcp-$suite.log
    if CONTAINER_HOST=$PODC_TCP_URI CK_RUN_SUITE=$suite $tb/tests/integration/test_integration >"$log" 2>&1; then
        grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" | sed "s/^/tcp $suite: /"
    else
        echo "FAILED over tcp: $suite"; grep -E ':[EF]:' "$log" || tail -20 "$log"; status=1
    fi
    grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" >>"$totals" || true
done

step "the core suites again, over ssh:// (the library's own SSH: libssh2, a real sshd)"
for suite in remote containers exec logs service datastorage; do
    log=$tb/ssh-$suite.log
    if HOME=$PODC_SSH_HOME CONTAINER_HOST=$PODC_SSH_URI CK_RUN_SUITE=$suite \
        $tb/tests/integration/test_integration >"$log" 2>&1; then
        grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" | sed "s/^/ssh $suite: /"
    else
        echo "FAILED over ssh: $suite"; grep -E ':[EF]:' "$log" || tail -20 "$log"; status=1
    fi
    grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" >>"$totals" || true
done

step "the core suites again, rootless (a user's own service, found with no CONTAINER_HOST)"
# tests/env/rootless.sh: user podc-rootless (subuids, vfs storage by default, the test images) and its
# service on $XDG_RUNTIME_DIR/podman/podman.sock; it also makes the tree readable by the user.
# The tests run as that user in a clean environment: no CONTAINER_HOST, CONTAINER_CONNECTION,
# DOCKER_HOST or CONTAINERS_CONF of root's, so podc's discovery must pick the XDG socket.
# overlay: native rootless overlay works on these kernels; vfs copies the whole image per
# container (1.5-3.5 s a create) and makes the suites' timing limits fail
export PODC_ROOTLESS_STORAGE_DRIVER=${PODC_ROOTLESS_STORAGE_DRIVER:-overlay}
env_lines=$(tests/env/rootless.sh)
eval "$env_lines"
as_rootless() {
    (cd "$PODC_ROOTLESS_HOME" && setpriv --reuid="$PODC_ROOTLESS_USER" --regid="$(id -g "$PODC_ROOTLESS_USER")" --init-groups \
        env -i HOME="$PODC_ROOTLESS_HOME" USER="$PODC_ROOTLESS_USER" LOGNAME="$PODC_ROOTLESS_USER" LANG=C.UTF-8 \
        PATH=/usr/local/bin:/usr/bin:/bin XDG_RUNTIME_DIR="$PODC_ROOTLESS_XDG" "$@")
}
src=$(as_rootless "$root/build/tools/podc/podc" --json version 2>&1 | jq -r '"\(.socket_source) \(.socket)"' 2>&1) || true
if [ "$src" = "XDG_RUNTIME_DIR $PODC_ROOTLESS_XDG/podman/podman.sock" ]; then
    echo "rootless discovery: $src"; echo "Checks: 1, Failures: 0, Errors: 0" >>"$totals"
else
    echo "FAILED rootless discovery: expected XDG_RUNTIME_DIR $PODC_ROOTLESS_XDG/podman/podman.sock, got: $src"
    echo "Checks: 1, Failures: 1, Errors: 0" >>"$totals"; status=1
fi
# Rootless podman ignores resource limits on cgroup v1 ("Resource limits are not supported and
# ignored on cgroups V1 rootless systems"), so service_oom_fail_fast's 16 MB container is never
# OOM-killed: it fails after its 60 s wait, its shell growing a string (GBs) all along. Check
# picks single tests only by tag, these have none: on cgroup v1 the service suite runs case by
# case without "failures", the case that holds that test.
runs="containers exec logs service datastorage"
if [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
    cases=$(sed -n 's/.*itest_tcase("\([a-z_]*\)".*/\1/p' tests/integration/test_service.c | grep -vx failures || true)
    [ -n "$cases" ] || { echo "FAILED: no test cases found in test_service.c"; exit 1; }
    runs="containers exec logs $(printf 'service:%s ' $cases)datastorage"
    echo "rootless on cgroup v1: not running service/failures (service_oom_fail_fast needs a memory limit)"
fi
for run in $runs; do
    suite=${run%%:*} tc=; [ "$run" = "$suite" ] || tc=${run#*:}
    log=build/rootless-$suite${tc:+-$tc}.log
    if as_rootless CK_RUN_SUITE=$suite ${tc:+CK_RUN_CASE=$tc} "$root/build/tests/integration/test_integration" >"$log" 2>&1; then
        grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" | sed "s|^|rootless $suite${tc:+/$tc}: |"
    else
        echo "FAILED rootless: $suite${tc:+/$tc} (service log: $PODC_ROOTLESS_LOG)"; grep -E ':[EF]:' "$log" || tail -20 "$log"; status=1
    fi
    grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" >>"$totals" || true
done

step "Python bindings"
if bindings/python/run-tests.sh build >build/python-tests.log 2>&1; then py_ok=1; else py_ok=0; status=1; fi
grep -E '^(Ran|OK|FAILED)' build/python-tests.log || tail -30 build/python-tests.log
[ $py_ok = 1 ] || grep -E '^(FAIL|ERROR):' build/python-tests.log || true
awk '/^Ran [0-9]+ test/ { n = $2 } /^FAILED/ { if (match($0, /failures=[0-9]+/)) f += substr($0, RSTART + 9, RLENGTH - 9);
     if (match($0, /errors=[0-9]+/)) e += substr($0, RSTART + 7, RLENGTH - 7) }
     END { if (n) printf "Checks: %d, Failures: %d, Errors: %d\n", n, f, e }' build/python-tests.log >>"$totals"

step "Go bindings"
if bindings/go/run-tests.sh build >build/go-tests.log 2>&1; then go_ok=1; else go_ok=0; status=1; fi
grep -E '^(--- FAIL|ok|FAIL)' build/go-tests.log || tail -30 build/go-tests.log
[ $go_ok = 1 ] || grep -E '^\s+\S+_test\.go:[0-9]+:' build/go-tests.log || true
# top-level tests only (subtests are indented); a run that failed without a failing test
# (vet, build, panic, timeout) counts as one error
awk -v ok=$go_ok '/^--- PASS:/ { n++ } /^--- FAIL:/ { n++; f++ }
     END { printf "Checks: %d, Failures: %d, Errors: %d\n", n, f, (!ok && !f) ? 1 : 0 }' build/go-tests.log >>"$totals"

if [ "${PODC_QUICK:-0}" != 1 ]; then
    step "concurrency tests under ThreadSanitizer (clang -fsanitize=thread)"
    # what runs threads: cancellation (unit, fake server), services (the exit watcher, side by
    # side stops, the registry of waiting starts), stacks (a thread per member, guards, cancels), cancel (also the stack's side-by-side jobs, at
    # each phase), logs and events streams. A report fails the lane even when Check saw no failure.
    # (faults and datastorage take minutes under TSan and add no thread of their own: not here)
    mkdir -p build-tsan
    if (cd build-tsan && { [ -f Makefile ] || CC=clang "$root/configure" -q --enable-werror --enable-tsan; } &&
        make -j2 -s >/dev/null && make -s tests/unit/test_unit tests/integration/test_integration >/dev/null); then
        for run in unit:cancel unit:transport integration:service integration:stack integration:cancel integration:logs \
                   integration:events; do
            kind=${run%%:*} suite=${run#*:} log=build-tsan/tsan-$kind-$suite.log
            if TSAN_OPTIONS="halt_on_error=0 exitcode=66" CK_RUN_SUITE=$suite \
                build-tsan/tests/$kind/test_$kind >"$log" 2>&1 && ! grep -q "WARNING: ThreadSanitizer" "$log"; then
                grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" | sed "s/^/tsan $suite: /"
                grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' "$log" >>"$totals" || true
            else
                echo "FAILED under TSan: $suite"; grep -E ':[EF]:' "$log" || true
                grep -A30 -m3 "WARNING: ThreadSanitizer" "$log" || tail -20 "$log"
                status=1; echo "Checks: 1, Failures: 1, Errors: 0" >>"$totals"
            fi
        done
    else
        echo "FAILED: the TSan build"; status=1; echo "Checks: 1, Failures: 1, Errors: 0" >>"$totals"
    fi

    step "unit and integration tests under valgrind"
    vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1"
    if CK_FORK=no $vg build/tests/unit/test_unit >build/valgrind-unit.log 2>&1 &&
       CK_FORK=no $vg build/tests/integration/test_integration >build/valgrind-integration.log 2>&1; then
        grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' build/valgrind-*.log | tee -a "$totals"
        echo "valgrind: no errors, no definite leaks"
    else
        cat build/valgrind-*.log; status=1
        # the failing run's counts go into the summary too (a run that died: one failure)
        grep -ho 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' build/valgrind-*.log >>"$totals" ||
            echo "Checks: 1, Failures: 1, Errors: 0" >>"$totals"
        grep -q 'Failures: [1-9]\|Errors: [1-9]' build/valgrind-*.log ||
            echo "Checks: 1, Failures: 1, Errors: 0" >>"$totals" # leaks or memory errors only
    fi

    step "distcheck"
    if make -C build -s distcheck DISTCHECK_CONFIGURE_FLAGS=-q PODC_SKIP_INTEGRATION=1 >build/distcheck.log 2>&1; then
        grep -E 'archives ready|\.tar\.gz' build/distcheck.log | head -2
    else
        tail -30 build/distcheck.log; status=1
    fi
fi

if [ "${PODC_QUICK:-0}" != 1 ]; then
    step "fuzz smoke"
    # 5 s per libFuzzer target (tests/fuzz/README.md); its build dir is build-fuzz/
    if tests/fuzz/run.sh 5 >build/fuzz-smoke.log 2>&1; then fuzz_ok=1; else fuzz_ok=0; status=1; fi
    grep -E '^(fuzz|    )' build/fuzz-smoke.log || tail -30 build/fuzz-smoke.log
    # one check per target, a crash is a failure; a run that failed without a crash
    # (a build error) counts as one error
    awk -v ok=$fuzz_ok '/^fuzz: [0-9]+ targets, [0-9]+ execs, [0-9]+ crashes$/ { n = $2; c = $6 }
         END { e = (!ok && !c) ? 1 : 0; if (e && !n) n = 1
               printf "Checks: %d, Failures: %d, Errors: %d\n", n, c, e }' build/fuzz-smoke.log >>"$totals"
fi

step "benchmarks"
bench/run.sh build || status=1

step "summary"
# one line per Check run: "Checks: N, Failures: F, Errors: E"
awk '{ gsub(/,/, ""); c += $2; f += $4 + $6 } END { printf "%d passed, %d failed\n", c - f, f }' "$totals"
exit $status
