#!/usr/bin/env bash
# Prepare a Debian 12 machine for podc tests and make sure a rootful Podman
# API service answers on unix:///run/podman/podman.sock.
#
#   eval "$(tests/env/podman-service.sh)"     # install/configure/start; prints env
#   tests/env/podman-service.sh --stop         # stop the service this script started
#
# Run as root. Idempotent: a second run only checks and takes about a second.
# stdout carries only eval-able `export` lines; every message goes to stderr.
#
# Environment:
#   PODC_STATE_DIR   state dir (default /var/lib/podc-test): containers.conf,
#                    registries.conf, service.log, service.pid, lock
#   PODC_SKIP_APT=1  do not check/install apt packages
#
# The service gets CONTAINERS_REGISTRIES_CONF=$STATE/registries.conf, which
# points docker.io and short names at the loopback registry that
# tests/env/registry.sh starts (nothing is pulled from outside this machine).
set -euo pipefail

STATE=${PODC_STATE_DIR:-/var/lib/podc-test}
SOCK_PATH=/run/podman/podman.sock
SOCK_URL=unix://$SOCK_PATH
CONF=$STATE/containers.conf
REGCONF=$STATE/registries.conf
LOG=$STATE/service.log
PIDFILE=$STATE/service.pid
CONFHASH_FILE=$STATE/service.confhash
WAIT_SECS=${PODC_SERVICE_WAIT:-30}

log() { printf 'podman-service: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"

mkdir -p "$STATE"
# One instance at a time (several engineers/tests may call this concurrently).
exec 9>"$STATE/lock"
flock -w 300 9 || die "could not take lock $STATE/lock"

ping_ok() {
    [ -S "$SOCK_PATH" ] || return 1
    local out
    out=$(curl -fsS --max-time 3 --unix-socket "$SOCK_PATH" http://d/_ping 2>/dev/null) || return 1
    [ "$out" = OK ]
}

# pid of the service we started, if it is still alive (prints it), else fail.
our_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid
    pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # guard against pid reuse
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'podman system service' || return 1
    echo "$pid"
}

stop_service() {
    local pid i
    if ! pid=$(our_pid); then
        log "no service started by this script is running"
        rm -f "$PIDFILE" "$CONFHASH_FILE"
        return 0
    fi
    log "stopping podman service (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "service did not stop in 10 s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    rm -f "$PIDFILE" "$CONFHASH_FILE"
    # the service may leave its socket behind
    if [ -S "$SOCK_PATH" ] && ! ping_ok; then rm -f "$SOCK_PATH"; fi
    log "stopped"
}

# ---------------------------------------------------------------- the tcp:// service
# A second service on plain TCP (loopback only, no auth: podman's own tcp:// mode) so the
# tests can drive podman over tcp:// as CI services do; same storage and configuration.
TCP_PORT=${PODC_TCP_PORT:-18123}
TCP_URI=tcp://127.0.0.1:$TCP_PORT
TCP_PIDFILE=$STATE/service-tcp.pid
TCP_HASHFILE=$STATE/service-tcp.confhash

tcp_pid() {
    [ -f "$TCP_PIDFILE" ] || return 1
    local pid
    pid=$(cat "$TCP_PIDFILE" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "podman system service --time=0 $TCP_URI" || return 1
    echo "$pid"
}

stop_tcp_service() {
    local pid
    if pid=$(tcp_pid); then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$TCP_PIDFILE" "$TCP_HASHFILE"
}

ensure_tcp_service() {
    if tcp_pid >/dev/null && [ "$(cat "$TCP_HASHFILE" 2>/dev/null || true)" = "$confhash" ] &&
        curl -fsS --max-time 3 "http://127.0.0.1:$TCP_PORT/_ping" >/dev/null 2>&1; then
        return 0
    fi
    stop_tcp_service
    if curl -fsS --max-time 3 "http://127.0.0.1:$TCP_PORT/_ping" >/dev/null 2>&1; then
        die "something else answers on 127.0.0.1:$TCP_PORT (set PODC_TCP_PORT)"
    fi
    log "starting podman system service on $TCP_URI"
    setsid bash -c 'for f in /proc/$$/fd/*; do f=${f##*/}; [ "$f" -gt 2 ] 2>/dev/null && eval "exec $f>&-" 2>/dev/null; done
                    echo $$ >"$1"; cd "$(dirname "$1")"; shift; exec "$@"' _ "$TCP_PIDFILE" \
        env -u CONTAINER_HOST -u CONTAINER_CONNECTION CONTAINERS_CONF="$CONF" CONTAINERS_REGISTRIES_CONF="$REGCONF" \
        podman system service --time=0 "$TCP_URI" </dev/null >>"$STATE/service-tcp.log" 2>&1 9>&- &
    disown $! 2>/dev/null || true
    echo "$confhash" >"$TCP_HASHFILE"
    local start=$SECONDS
    until curl -fsS --max-time 3 "http://127.0.0.1:$TCP_PORT/_ping" >/dev/null 2>&1; do
        if [ $((SECONDS - start)) -ge "$WAIT_SECS" ]; then
            tail -n 20 "$STATE/service-tcp.log" >&2 || true
            die "the tcp:// service did not answer within ${WAIT_SECS}s"
        fi
        sleep 0.1
    done
}

if [ "${1:-}" = "--stop" ]; then
    stop_service
    stop_tcp_service
    exit 0
elif [ $# -gt 0 ]; then
    die "usage: $0 [--stop]"
fi

# ---------------------------------------------------------------- packages
# Installed with --no-install-recommends (podman's recommends would pull in
# systemd via dbus-user-session), so the pieces podman really needs here are
# listed: netavark + aardvark-dns (networks with DNS), iptables, slirp4netns,
# catatonit (--init); libdpkg-perl and gpg are mmdebstrap recommends.
PKGS=(podman runc uidmap netavark aardvark-dns iptables slirp4netns catatonit
      mmdebstrap libdpkg-perl gpg curl
      autoconf automake libtool pkg-config make gcc
      libcurl4-openssl-dev libyajl-dev check libsubunit-dev libarchive-dev valgrind
      libssh2-1-dev libyaml-dev iproute2 openssh-server openssh-client
      libpq-dev jq python3 golang-go   # libpq: DataStorage tests query Postgres; jq, python3, golang-go: CLI and binding tests
      clang libclang-rt-14-dev         # the ThreadSanitizer lane and the fuzz targets
      podman-compose)                  # bench_compose's peer
if [ "${PODC_SKIP_APT:-0}" != 1 ]; then
    missing=()
    for p in "${PKGS[@]}"; do
        st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
        [ "${st:0:2}" = ii ] || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 </dev/null
    fi
fi
command -v podman >/dev/null || die "podman not installed"
command -v runc >/dev/null || die "runc not installed"

# ---------------------------------------------------------------- containers.conf
# Container ulimits must stay within the host hard limits. A per-container
# ulimit replaces these defaults entirely, so always give both nofile and nproc.
hard_nofile=$(ulimit -Hn)
hard_nproc=$(ulimit -Hu)
nofile=20000
if [ "$hard_nofile" != unlimited ] && [ "$hard_nofile" -lt "$nofile" ]; then nofile=$hard_nofile; fi
nproc=4096
if [ "$hard_nproc" != unlimited ] && [ "$hard_nproc" -lt "$nproc" ]; then nproc=$hard_nproc; fi

tmpconf=$(mktemp "$STATE/containers.conf.XXXXXX")
cat >"$tmpconf" <<EOF
# Generated by tests/env/podman-service.sh -- do not edit; used via CONTAINERS_CONF.
# (When CONTAINERS_CONF is set, podman reads only this file, not /etc/containers/containers.conf.)
[containers]
# host hard limits: nofile=$hard_nofile nproc=$hard_nproc
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
log_driver = "k8s-file"

[engine]
# crun fails on hybrid cgroup hosts; runc works.
runtime = "runc"
# no systemd/journald on these machines
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
if [ -f "$CONF" ] && cmp -s "$tmpconf" "$CONF"; then
    rm -f "$tmpconf"
else
    mv "$tmpconf" "$CONF"
    chmod 644 "$CONF"
    log "wrote $CONF"
fi
export CONTAINERS_CONF=$CONF

# ---------------------------------------------------------------- registries.conf
# Pure config, so it is written here (the service must be started with it),
# although the registries themselves are started by tests/env/registry.sh.
# docker.io is REWRITTEN to the loopback registry (prefix + location). Never use
# a [[registry.mirror]] for this: when a mirror fails, podman falls back to the
# real docker.io, and tests must never reach a registry outside this machine.
# 127.0.0.1:5001 (the htpasswd one) is deliberately NOT listed as insecure:
# tests use it to see the TLS mismatch error and pass tlsVerify=false otherwise.
tmpconf=$(mktemp "$STATE/registries.conf.XXXXXX")
cat >"$tmpconf" <<'EOF'
# Generated by tests/env/podman-service.sh -- do not edit; used via CONTAINERS_REGISTRIES_CONF.
# It replaces /etc/containers/registries.conf (the drop-ins in
# /etc/containers/registries.conf.d/, i.e. Debian's short-name aliases, still apply).
# Registries: tests/env/registry.sh (127.0.0.1:5000 anonymous, 127.0.0.1:5001 htpasswd).
unqualified-search-registries = ["docker.io"]

# docker.io/library/redis:7-alpine and the short redis:7-alpine come from 127.0.0.1:5000.
# A rewrite, not a mirror: there is no fallback to the internet.
[[registry]]
prefix = "docker.io"
location = "127.0.0.1:5000"
insecure = true

[[registry]]
location = "127.0.0.1:5000"
insecure = true
EOF
if [ -f "$REGCONF" ] && cmp -s "$tmpconf" "$REGCONF"; then
    rm -f "$tmpconf"
else
    mv "$tmpconf" "$REGCONF"
    chmod 644 "$REGCONF"
    log "wrote $REGCONF"
fi
export CONTAINERS_REGISTRIES_CONF=$REGCONF
# the service reads both files at startup: a change of either restarts it
confhash=$(cat "$CONF" "$REGCONF" | sha256sum | cut -d' ' -f1)

emit_env() {
    ensure_tcp_service
    printf 'export PODC_TCP_URI=%s\n' "$TCP_URI"
    printf 'export CONTAINER_HOST=%s\n' "$SOCK_URL"
    printf 'export CONTAINERS_CONF=%s\n' "$CONF"
    printf 'export CONTAINERS_REGISTRIES_CONF=%s\n' "$REGCONF"
    printf 'export PODC_SERVICE_LOG=%s\n' "$LOG"
}

# ---------------------------------------------------------------- service
if ping_ok; then
    if pid=$(our_pid); then
        if [ "$(cat "$CONFHASH_FILE" 2>/dev/null || true)" != "$confhash" ]; then
            log "containers.conf or registries.conf changed since the service started: restarting it"
            stop_service
        else
            log "service already running (pid $pid)"
            emit_env
            exit 0
        fi
    else
        log "a podman service not started by this script already answers on $SOCK_PATH; using it"
        log "(it may not use $CONF)"
        emit_env
        exit 0
    fi
fi

if pid=$(our_pid); then
    # ours but not answering: maybe still starting; give it a moment, else restart
    for i in $(seq 1 50); do ping_ok && break; sleep 0.1; done
    if ping_ok; then
        log "service already running (pid $pid)"
        emit_env
        exit 0
    fi
    log "service pid $pid does not answer; restarting it"
    stop_service
fi

if [ -e "$SOCK_PATH" ]; then
    log "removing stale socket $SOCK_PATH"
    rm -f "$SOCK_PATH"
fi
mkdir -p "$(dirname "$SOCK_PATH")"
rm -f "$PIDFILE"

log "starting podman system service on $SOCK_URL (log: $LOG)"
# keep the log bounded across restarts (hijacked exec connections make it chatty)
if [ -f "$LOG" ] && [ "$(stat -c %s "$LOG")" -gt $((10 * 1024 * 1024)) ]; then mv -f "$LOG" "$LOG.1"; fi
{
    echo "=== $(date -Is) starting podman system service (CONTAINERS_CONF=$CONF CONTAINERS_REGISTRIES_CONF=$REGCONF)"
} >>"$LOG"
# setsid: own session, survives the caller; all fds redirected so that
# `eval "$(podman-service.sh)"` does not wait for the service.
# The wrapper also closes every other inherited fd (callers' pipes), and runs the service in
# the state dir: an OOM-killed container leaves an empty `oom` file in the service's working
# directory (it was the caller's, the source tree's root).
setsid bash -c 'for f in /proc/$$/fd/*; do f=${f##*/}; [ "$f" -gt 2 ] 2>/dev/null && eval "exec $f>&-" 2>/dev/null; done
                echo $$ >"$1"; cd "$(dirname "$1")"; shift; exec "$@"' _ "$PIDFILE" \
    env -u CONTAINER_HOST -u CONTAINER_CONNECTION podman system service --time=0 "$SOCK_URL" \
    </dev/null >>"$LOG" 2>&1 9>&- &
disown $! 2>/dev/null || true
echo "$confhash" >"$CONFHASH_FILE"

start=$SECONDS
until ping_ok; do
    if [ $((SECONDS - start)) -ge "$WAIT_SECS" ]; then
        log "service did not answer _ping within ${WAIT_SECS}s; log tail:"
        tail -n 30 "$LOG" >&2 || true
        exit 1
    fi
    if [ -f "$PIDFILE" ] && ! our_pid >/dev/null && [ $((SECONDS - start)) -ge 1 ]; then
        log "service exited during startup; log tail:"
        tail -n 30 "$LOG" >&2 || true
        exit 1
    fi
    sleep 0.1
done
log "service up (pid $(cat "$PIDFILE")) after $((SECONDS - start))s"
emit_env
