#!/usr/bin/env bash
# A rootless Podman for podc's tests: a non-root user with subordinate ids, its own
# `podman system service` on $XDG_RUNTIME_DIR/podman/podman.sock (which podc finds with no
# CONTAINER_HOST: that socket comes before /run/podman/podman.sock) and the offline test
# images copied from root's storage into its own (vfs by default).
#
#   eval "$(tests/env/rootless.sh)"     # after podman-service.sh and tests/images/build.sh
#   tests/env/rootless.sh --stop         # stop the user's service (user, storage and images stay)
#
# Run as root. Idempotent: a second run only checks (about a second). stdout carries only
# eval-able `export` lines; every message goes to stderr.
#
# Environment:
#   PODC_STATE_DIR      root's state dir (default /var/lib/podc-test): containers.conf and
#                       registries.conf from podman-service.sh are read from there; this
#                       script keeps its pidfile, log and lock in $PODC_STATE_DIR/rootless/
#   PODC_ROOTLESS_USER  the user (default podc-rootless; created with useradd -m)
#   PODC_ROOTLESS_STORAGE_DRIVER  vfs (default) or overlay (native rootless overlay, kernel
#                       >= 5.13); a change wipes the user's storage and loads the images again
#   PODC_SKIP_APT=1     do not install the acl package (only needed when the tree is not
#                       readable by the user, see grant_tree below)
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
STATE=${PODC_STATE_DIR:-/var/lib/podc-test}
RSTATE=$STATE/rootless
USER_NAME=${PODC_ROOTLESS_USER:-podc-rootless}
ROOT_CONF=$STATE/containers.conf
REGCONF=$STATE/registries.conf
LOG=$RSTATE/service.log
PIDFILE=$RSTATE/service.pid
HASHFILE=$RSTATE/service.confhash
WAIT_SECS=${PODC_SERVICE_WAIT:-30}
DRIVER=${PODC_ROOTLESS_STORAGE_DRIVER:-vfs}
IMAGES=(localhost/podc-base:latest localhost/podc-postgres:test localhost/podc-redis:test
        localhost/podc-httpsvc:test localhost/podc-datastorage:test)

log() { printf 'rootless: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
mkdir -p "$RSTATE"
chmod 755 "$RSTATE"
exec 9>"$RSTATE/lock"
flock -w 600 9 || die "could not take lock $RSTATE/lock"

# ---------------------------------------------------------------- the service's pid
our_pid() {
    [ -f "$PIDFILE" ] || return 1
    local pid
    pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    # guard against pid reuse: our command line, run by the user
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'podman system service --time=0 unix://' || return 1
    [ "$(stat -c %U "/proc/$pid")" = "$USER_NAME" ] || return 1
    echo "$pid"
}

stop_service() {
    local pid
    if pid=$(our_pid); then
        log "stopping the rootless podman service (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then
            log "it did not stop in 10 s, sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$PIDFILE" "$HASHFILE"
}

# The user's rootless pause process (it holds the user namespace every podman of the user
# joins; the service's first podman started it): its pid, if alive.
pause_pid() {
    local pid
    pid=$(cat "/run/user/$(id -u "$USER_NAME" 2>/dev/null)/libpod/tmp/pause.pid" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    [ "$(stat -c %U "/proc/$pid")" = "$USER_NAME" ] || return 1
    echo "$pid"
}

if [ "${1:-}" = --stop ]; then
    stop_service
    exit 0
elif [ $# -gt 0 ]; then
    die "usage: $0 [--stop]"
fi

[ -f "$ROOT_CONF" ] || die "$ROOT_CONF missing: run tests/env/podman-service.sh first"
command -v newuidmap >/dev/null && command -v slirp4netns >/dev/null ||
    die "uidmap or slirp4netns missing: run tests/env/podman-service.sh first"

# ---------------------------------------------------------------- the user
if ! id -u "$USER_NAME" >/dev/null 2>&1; then
    log "creating user $USER_NAME"
    useradd -m -U -s /bin/bash -c "podc rootless tests" "$USER_NAME"
fi
UID_N=$(id -u "$USER_NAME")
GID_N=$(id -g "$USER_NAME")
U_HOME=$(getent passwd "$USER_NAME" | cut -d: -f6)
XDG=/run/user/$UID_N
SOCK=$XDG/podman/podman.sock

# Subordinate ids: 65536 of them, after every range already given out (never overlapping).
subid_ok() { # file
    awk -F: -v u="$USER_NAME" -v n="$UID_N" '($1 == u || $1 == n) && $3 >= 65536 { ok = 1 } END { exit !ok }' "$1" 2>/dev/null
}
for f in /etc/subuid /etc/subgid; do
    subid_ok "$f" && continue
    touch "$f"
    start=$(awk -F: 'BEGIN { m = 100000 } $2 + $3 > m { m = $2 + $3 } END { print m }' /etc/subuid /etc/subgid)
    log "adding $f range $start-$((start + 65535)) for $USER_NAME"
    if [ "$f" = /etc/subuid ]; then
        usermod --add-subuids "$start-$((start + 65535))" "$USER_NAME"
    else
        usermod --add-subgids "$start-$((start + 65535))" "$USER_NAME"
    fi
done

# Runs a command as the user, from its HOME, in a clean environment: nothing of root's
# (CONTAINER_HOST, CONTAINERS_CONF, DOCKER_HOST, ...) leaks in. setpriv, env and sh all exec
# (no PAM, no fork), so a pid taken before them is the command's.
reg_env=()
[ -r "$REGCONF" ] && reg_env=(CONTAINERS_REGISTRIES_CONF="$REGCONF") # pulls: the loopback registry only
as_user_cmd=(setpriv --reuid="$UID_N" --regid="$GID_N" --init-groups
    env -i HOME="$U_HOME" USER="$USER_NAME" LOGNAME="$USER_NAME" LANG=C.UTF-8
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin XDG_RUNTIME_DIR="$XDG"
    CONTAINERS_CONF="$U_HOME/.config/containers/containers.conf" "${reg_env[@]}"
    sh -c 'cd "$HOME" && exec "$@"' _)
as_user() { "${as_user_cmd[@]}" "$@"; }

# /dev/net/tun for slirp4netns. Debian's udev rule makes it 0666 ("KERNEL=="tun", MODE="0666"");
# containers and machines without udev often leave it 0600 root or missing.
if [ ! -c /dev/net/tun ]; then
    log "creating /dev/net/tun"
    mkdir -p /dev/net
    mknod -m 0666 /dev/net/tun c 10 200
fi
if ! as_user sh -c 'exec 3<>/dev/net/tun' 2>/dev/null; then
    log "/dev/net/tun not usable by $USER_NAME: chmod 0666 (the udev default)"
    chmod 0666 /dev/net/tun
    as_user sh -c 'exec 3<>/dev/net/tun' || die "/dev/net/tun still not usable by $USER_NAME"
fi

# XDG_RUNTIME_DIR: what pam_systemd/logind would make (there is no logind here).
install -d -m 0700 -o "$UID_N" -g "$GID_N" "$XDG" "$XDG/podman"

# Its configuration: $DRIVER storage, and a copy of the project's containers.conf (runc,
# cgroupfs, file events, ulimits within the host's hard limits) used through CONTAINERS_CONF.
install -d -m 0755 -o "$UID_N" -g "$GID_N" "$U_HOME/.config" "$U_HOME/.config/containers"
put_conf() { # path, contents on stdin
    local tmp
    tmp=$(mktemp "$1.XXXXXX")
    cat >"$tmp"
    if [ -f "$1" ] && cmp -s "$tmp" "$1"; then rm -f "$tmp"; return 0; fi
    chown "$UID_N:$GID_N" "$tmp"
    chmod 644 "$tmp"
    mv "$tmp" "$1"
    log "wrote $1"
}
case $DRIVER in vfs | overlay) ;; *) die "PODC_ROOTLESS_STORAGE_DRIVER: vfs or overlay, not $DRIVER" ;; esac
put_conf "$U_HOME/.config/containers/storage.conf" <<EOF
# Generated by tests/env/rootless.sh -- do not edit.
[storage]
driver = "$DRIVER"
EOF
# Storage made with another driver cannot be used with this one: it goes (test data only),
# with the service and the pause process that use it.
graph=$U_HOME/.local/share/containers/storage
for d in "$graph"/*-layers; do
    [ -d "$d" ] && [ "$d" != "$graph/$DRIVER-layers" ] || continue
    log "$USER_NAME's storage uses ${d##*/} but the driver is $DRIVER: removing it"
    stop_service
    if pid=$(pause_pid); then kill -TERM "$pid"; sleep 0.2; fi
    rm -rf "$graph" "$XDG/containers" "$XDG/libpod"
    break
done
{ echo "# Copied by tests/env/rootless.sh from $ROOT_CONF -- do not edit."; cat "$ROOT_CONF"; } |
    put_conf "$U_HOME/.config/containers/containers.conf"

# ---------------------------------------------------------------- the tree, readable by the user
# The lane runs build/tests/integration/test_integration and build/tools/podc/podc as the user,
# and the tests open TOP_SRCDIR/tests/images (migrations, a build context) by the absolute path
# compiled in. A copy would not help (that path is fixed at build time), so the user is given
# access where it lacks it (a checkout under a 0700 home, a umask 077 clone), with ACLs for
# that user only: traverse (x, no listing) on every directory above, read (and x where the
# owner has it) on the needed parts, plus default ACLs on their directories for files made
# later. A rebuild can still drop the x (the linker chmods with the umask): this check runs on
# every call, after the build in tests/run-all.sh. Without ACL support (or the acl package),
# it falls back to o+x / o+rX on the same paths. A readable tree (the usual 0755 checkout) is
# left alone.
# prints the first path below $1 the user cannot read / traverse / run (as the owner can)
unreadable() {
    as_user sh -c 'find "$1" \( ! -readable -o -type d ! -executable -o -type f -perm -u=x ! -executable \) \
                   -print -quit 2>&1 | head -1' _ "$1" 2>&1
}
grant_tree() {
    local need=() p d acl=0
    for p in "$top/tests/images" "$top/build/tests/integration" "$top/build/tools/podc" "$top/build/lib/.libs"; do
        [ -e "$p" ] && [ -n "$(unreadable "$p")" ] && need+=("$p")
    done
    [ ${#need[@]} -gt 0 ] || return 0
    log "$USER_NAME cannot read ${need[*]}: granting access"
    if ! command -v setfacl >/dev/null && [ "${PODC_SKIP_APT:-0}" != 1 ]; then
        log "installing acl"
        { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends acl ||
          { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends acl; }
        } >&2 </dev/null || true
    fi
    command -v setfacl >/dev/null && acl=1
    for p in "${need[@]}"; do
        d=$p
        while d=$(dirname "$d"); do # the directories above: traverse only
            if ! as_user test -x "$d" 2>/dev/null; then
                [ $acl = 1 ] && setfacl -m "u:$USER_NAME:x" "$d" 2>/dev/null || chmod o+x "$d"
            fi
            [ "$d" = / ] && break
        done
        if [ $acl = 1 ] && setfacl -R -m "u:$USER_NAME:rX" "$p" 2>/dev/null &&
            find "$p" -type d -exec setfacl -d -m "u:$USER_NAME:rX" {} + 2>/dev/null; then :; else
            log "no ACLs on $p: chmod -R o+rX"
            chmod -R o+rX "$p"
        fi
        d=$(unreadable "$p")
        [ -z "$d" ] || die "$USER_NAME still cannot read $p: $d"
    done
}
grant_tree

# ---------------------------------------------------------------- its service
confhash=$(cat "$U_HOME/.config/containers/containers.conf" "$U_HOME/.config/containers/storage.conf" \
               "${reg_env[@]#*=}" 2>/dev/null | sha256sum | cut -d' ' -f1)
ping_ok() {
    [ -S "$SOCK" ] && [ "$(curl -fsS --max-time 3 --unix-socket "$SOCK" http://d/_ping 2>/dev/null)" = OK ]
}

# Whether the service (pid, or the child it re-executed into the namespace when it created the
# pause process itself) is in the pause process's user namespace.
in_pause_ns() {
    local ppid ns p
    ppid=$(pause_pid) || return 1
    ns=$(readlink "/proc/$ppid/ns/user") || return 1
    for p in "$1" $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        [ "$(readlink "/proc/$p/ns/user" 2>/dev/null)" = "$ns" ] && return 0
    done
    return 1
}
if pid=$(our_pid); then
    if [ "$(cat "$HASHFILE" 2>/dev/null || true)" != "$confhash" ]; then
        log "its configuration changed since the service started: restarting it"
        stop_service
    else
        for _ in $(seq 1 50); do ping_ok && break; sleep 0.1; done
        if ! ping_ok; then
            log "service pid $pid does not answer; restarting it"
            stop_service
        elif ! in_pause_ns "$pid"; then
            # the pause process died or was replaced (`podman system migrate`/`reset`): the podman
            # commands below would run in another user namespace than the service
            log "the service is not in the user's current rootless namespace: restarting it"
            stop_service
        fi
    fi
fi
if pid=$(our_pid); then
    log "service already running (pid $pid)"
else
    if ping_ok; then die "a podman service not started by this script answers on $SOCK"; fi
    rm -f "$SOCK"
    if [ -f "$LOG" ] && [ "$(stat -c %s "$LOG")" -gt $((10 * 1024 * 1024)) ]; then mv -f "$LOG" "$LOG.1"; fi
    echo "=== $(date -Is) starting podman system service as $USER_NAME on unix://$SOCK" >>"$LOG"
    log "starting podman system service as $USER_NAME on unix://$SOCK (log: $LOG)"
    # setsid: own session, survives the caller. The wrapper closes every inherited fd but
    # 0-2 (callers' pipes: `eval "$(rootless.sh)"` must not wait for the service, nor for the
    # rootless pause process that this first podman of the user starts), records its pid and
    # execs the user's podman (through as_user_cmd, which only execs: the pid is podman's).
    setsid bash -c 'for f in /proc/$$/fd/*; do f=${f##*/}; [ "$f" -gt 2 ] 2>/dev/null && eval "exec $f>&-" 2>/dev/null; done
                    echo $$ >"$1"; shift; exec "$@"' _ "$PIDFILE" \
        "${as_user_cmd[@]}" podman system service --time=0 "unix://$SOCK" </dev/null >>"$LOG" 2>&1 9>&- &
    disown $! 2>/dev/null || true
    echo "$confhash" >"$HASHFILE"
    start=$SECONDS
    until ping_ok; do
        if [ $((SECONDS - start)) -ge "$WAIT_SECS" ]; then
            tail -n 30 "$LOG" >&2 || true
            die "the rootless service did not answer _ping within ${WAIT_SECS}s"
        fi
        if [ $((SECONDS - start)) -ge 2 ] && ! our_pid >/dev/null; then
            tail -n 30 "$LOG" >&2 || true
            die "the rootless service exited during startup"
        fi
        sleep 0.1
    done
    log "service up (pid $(our_pid || echo '?')) after $((SECONDS - start))s"
fi

# ---------------------------------------------------------------- the test images
# Copied from root's storage: `podman save` of the missing ones as one multi-image archive
# (the shared base layer once) piped into the user's `podman load`; no file on disk that
# another user could read. An image is skipped when the user's copy has root's image ID.
# A running tests/images/build.sh holds images.lock exclusively: wait for it (as registry.sh does).
exec 8>"$STATE/images.lock"
flock -s -w 900 8 || die "could not take $STATE/images.lock (tests/images/build.sh still running?)"
root_podman() { env -u CONTAINER_HOST -u CONTAINER_CONNECTION CONTAINERS_CONF="$ROOT_CONF" podman "$@"; }
ids() { "$@" images --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}' </dev/null; } # one call each side
declare -A root_id user_id
while read -r name id; do root_id[$name]=$id; done < <(ids root_podman)
while read -r name id; do user_id[$name]=$id; done < <(ids as_user podman)
missing=()
for img in "${IMAGES[@]}"; do
    [ -n "${root_id[$img]:-}" ] || die "$img is not in root's storage: run tests/images/build.sh first"
    [ "${root_id[$img]}" = "${user_id[$img]:-}" ] || missing+=("$img")
done
if [ ${#missing[@]} -gt 0 ]; then
    log "loading into $USER_NAME's storage: ${missing[*]}"
    t0=$SECONDS
    # (one pipeline: a failing save makes the load fail on a truncated archive)
    root_podman save -q -m --format docker-archive "${missing[@]}" | as_user podman load -q 8>&- >&2 ||
        die "copying the images into $USER_NAME's storage failed"
    while read -r name id; do user_id[$name]=$id; done < <(ids as_user podman)
    for img in "${missing[@]}"; do
        [ "${root_id[$img]}" = "${user_id[$img]:-}" ] || die "$img: the user's image ID differs from root's after the load"
    done
    log "images loaded in $((SECONDS - t0))s"
    # images that lost their name to a newer load, when no container uses them
    as_user podman image prune -f >/dev/null 2>&1 </dev/null || true
fi

printf 'export PODC_ROOTLESS_USER=%s\n' "$USER_NAME"
printf 'export PODC_ROOTLESS_XDG=%s\n' "$XDG"
printf 'export PODC_ROOTLESS_HOME=%s\n' "$U_HOME"
printf 'export PODC_ROOTLESS_LOG=%s\n' "$LOG"
