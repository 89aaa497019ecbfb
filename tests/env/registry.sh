#!/usr/bin/env bash
# Start two loopback container registries for podc tests and fill them with the
# project's offline images, so that "pull from a registry" can be tested without
# any network:
#
#   127.0.0.1:5000  anonymous, plain HTTP   library/postgres:16-alpine, library/redis:7-alpine,
#                                           podc/httpsvc:test
#   127.0.0.1:5001  htpasswd (bcrypt) auth, podc/httpsvc:test
#                   plain HTTP              (user podc-test, random password)
#
#   eval "$(tests/env/registry.sh)"     # install/configure/start/push; prints env
#   tests/env/registry.sh --stop         # stop the registries this script started
#
# Run as root, after tests/env/podman-service.sh (it writes $STATE/registries.conf,
# which rewrites docker.io to 127.0.0.1:5000 for the API service) and
# tests/images/build.sh (it builds the images pushed here).
# Idempotent: a second run only checks and takes well under 2 s.
# stdout carries only eval-able `export` lines; every message goes to stderr.
#
# Environment:
#   PODC_STATE_DIR   state dir (default /var/lib/podc-test); this script uses
#                    registry/{anon,auth}/ (config.yml, data/, registry.log,
#                    registry.pid), registry/auth/password (0600) and registry/lock
#   PODC_SKIP_APT=1  do not check/install apt packages
set -euo pipefail

STATE=${PODC_STATE_DIR:-/var/lib/podc-test}
RDIR=$STATE/registry
REGCONF=$STATE/registries.conf      # written by podman-service.sh
USER_NAME=podc-test
PWFILE=$RDIR/auth/password
ANON_ADDR=127.0.0.1:5000
AUTH_ADDR=127.0.0.1:5001
RUN_AS=docker-registry              # the Debian package's system user
WAIT_SECS=${PODC_REGISTRY_WAIT:-15}
# Debian's own instance (init script / systemd unit): :5000 on ALL interfaces
DEFAULT_CONFIG=/etc/docker/registry/config.yml

log() { printf 'registry: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"

# Nothing here may leave the machine: curl talks to 127.0.0.1 only, and never
# through a proxy from the caller's environment.
rcurl() { curl --noproxy '*' --max-time 5 "$@"; }

mkdir -p "$RDIR"
exec 9>"$RDIR/lock"
flock -w 300 9 || die "could not take lock $RDIR/lock"

# ---------------------------------------------------------------- instances
# pid of the registry we started in DIR, if it is still alive (prints it).
our_pid() {
    local dir=$1 pid
    [ -f "$dir/registry.pid" ] || return 1
    pid=$(cat "$dir/registry.pid" 2>/dev/null) || return 1
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    # guard against pid reuse
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "docker-registry serve $dir/config.yml" || return 1
    echo "$pid"
}

stop_pid() {
    local pid=$1 what=$2
    log "stopping $what (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    log "$what did not stop in 5 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.2
}

stop_instance() {
    local dir=$1 pid
    if pid=$(our_pid "$dir"); then
        stop_pid "$pid" "registry $(basename "$dir")"
    fi
    rm -f "$dir/registry.pid" "$dir/registry.confhash"
}

if [ "${1:-}" = "--stop" ]; then
    for d in "$RDIR/anon" "$RDIR/auth"; do
        if our_pid "$d" >/dev/null; then stop_instance "$d"; else log "registry $(basename "$d") is not running"; fi
    done
    exit 0
elif [ $# -gt 0 ]; then
    die "usage: $0 [--stop]"
fi

# ---------------------------------------------------------------- packages
# docker-registry: distribution 2.8 (`docker-registry serve CONFIG`);
# apache2-utils: htpasswd for the bcrypt password file.
PKGS=(docker-registry apache2-utils curl jq)
if [ "${PODC_SKIP_APT:-0}" != 1 ]; then
    missing=()
    for p in "${PKGS[@]}"; do
        st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
        [ "${st:0:2}" = ii ] || missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        # The package's maintainer scripts would start Debian's default instance
        # (:5000 on all interfaces). A temporary policy-rc.d forbids that, unless
        # the machine already has its own policy (then it is left alone and the
        # instance, if it started, is stopped below).
        policy=/usr/sbin/policy-rc.d
        own_policy=0
        if [ ! -e "$policy" ]; then
            printf '#!/bin/sh\n# temporary, from podc tests/env/registry.sh\n[ "$1" = docker-registry ] && exit 101\nexit 0\n' >"$policy"
            chmod 755 "$policy"
            own_policy=1
            trap 'rm -f "$policy"' EXIT
        fi
        apt-get update -qq >&2
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 </dev/null
        if [ $own_policy = 1 ]; then rm -f "$policy"; trap - EXIT; fi
    fi
fi
command -v docker-registry >/dev/null || die "docker-registry not installed"
command -v htpasswd >/dev/null || die "htpasswd (apache2-utils) not installed"
command -v jq >/dev/null || die "jq not installed"

# Debian's default instance must not run and must not come back at boot: it
# listens on :5000 on all interfaces (and would take our port).
if [ -d /run/systemd/system ]; then
    if systemctl -q is-enabled docker-registry.service 2>/dev/null || systemctl -q is-active docker-registry.service 2>/dev/null; then
        log "disabling Debian's default docker-registry service"
        systemctl disable --now docker-registry.service >&2 2>&1 || true
    fi
elif compgen -G '/etc/rc[2-5].d/S*docker-registry' >/dev/null; then
    log "disabling Debian's default docker-registry init script"
    update-rc.d docker-registry disable >/dev/null 2>&1 || true
fi
for pid in $(pgrep -x docker-registry 2>/dev/null || true); do
    if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "serve $DEFAULT_CONFIG"; then
        stop_pid "$pid" "Debian's default docker-registry instance"
        rm -f /run/docker-registry.pid
    fi
done

# ---------------------------------------------------------------- credentials
mkdir -p "$RDIR/anon/data" "$RDIR/auth/data"
if id "$RUN_AS" >/dev/null 2>&1; then
    chown "$RUN_AS:" "$RDIR/anon/data" "$RDIR/auth/data"
    run_as=(setpriv --reuid="$RUN_AS" --regid="$RUN_AS" --init-groups)
else
    RUN_AS=root
    run_as=()
fi

# Random password, made once; it never appears on stderr or on a command line
# (htpasswd -i and curl -K read it from stdin). It IS in the export lines.
if [ ! -s "$PWFILE" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | cut -c1-24 >"$PWFILE.tmp")
    mv "$PWFILE.tmp" "$PWFILE"
    log "generated a new password for $USER_NAME in $PWFILE"
fi
chmod 600 "$PWFILE"
password=$(cat "$PWFILE")
[[ "$password" =~ ^[A-Za-z0-9]{16,}$ ]] || die "bad password in $PWFILE (remove it to make a new one)"

# bcrypt (the only hash distribution's htpasswd accepts)
HTPASSWD=$RDIR/auth/htpasswd
if ! [ -s "$HTPASSWD" ] || ! htpasswd -i -v "$HTPASSWD" "$USER_NAME" <<<"$password" >/dev/null 2>&1; then
    (umask 027; htpasswd -i -B -n "$USER_NAME" <<<"$password" 2>/dev/null >"$HTPASSWD.tmp")
    chgrp "$RUN_AS" "$HTPASSWD.tmp"
    mv "$HTPASSWD.tmp" "$HTPASSWD"
    log "wrote $HTPASSWD"
fi

# ---------------------------------------------------------------- configs
# write_config DIR ADDR [htpasswd]
write_config() {
    local dir=$1 addr=$2 auth=${3:-} tmp
    tmp=$(mktemp "$dir/config.yml.XXXXXX")
    {
        echo "# Generated by tests/env/registry.sh -- do not edit."
        echo "version: 0.1"
        echo "log:"
        echo "  level: info"
        echo "  fields:"
        echo "    service: podc-registry-$(basename "$dir")"
        echo "storage:"
        echo "  filesystem:"
        echo "    rootdirectory: $dir/data"
        echo "  delete:"
        echo "    enabled: true"
        echo "  cache:"
        echo "    blobdescriptor: inmemory"
        echo "http:"
        echo "  # loopback only; plain HTTP (no tls section)"
        echo "  addr: $addr"
        echo "  # signs upload state; fixed only to avoid the 'generated random secret' warning"
        echo "  secret: podc-test-$(basename "$dir")-loopback-only"
        echo "  headers:"
        echo "    X-Content-Type-Options: [nosniff]"
        if [ -n "$auth" ]; then
            echo "auth:"
            echo "  htpasswd:"
            echo "    realm: podc-test-registry"
            echo "    path: $HTPASSWD"
        fi
    } >"$tmp"
    if [ -f "$dir/config.yml" ] && cmp -s "$tmp" "$dir/config.yml"; then
        rm -f "$tmp"
    else
        chmod 644 "$tmp"
        mv "$tmp" "$dir/config.yml"
        log "wrote $dir/config.yml"
    fi
}
write_config "$RDIR/anon" "$ANON_ADDR"
write_config "$RDIR/auth" "$AUTH_ADDR" htpasswd

# HTTP status of GET /v2/ (000 when nothing answers)
v2_code() { rcurl -s -o /dev/null -w '%{http_code}' "http://$1/v2/" 2>/dev/null || true; }

# start_instance DIR ADDR WANTED_CODE  (200 anonymous, 401 for the auth one)
start_instance() {
    local dir=$1 addr=$2 want=$3 name pid hash start
    name=$(basename "$dir")
    # distribution 2.8 reads the htpasswd file only at startup
    hash=$(cat "$dir/config.yml" "$HTPASSWD" | sha256sum | cut -d' ' -f1)
    if pid=$(our_pid "$dir"); then
        if [ "$(cat "$dir/registry.confhash" 2>/dev/null || true)" != "$hash" ]; then
            log "registry $name: configuration changed, restarting it"
            stop_instance "$dir"
        elif [ "$(v2_code "$addr")" = "$want" ]; then
            log "registry $name already running on $addr (pid $pid)"
            return 0
        else
            # ours but not answering: maybe still starting; give it a moment, else restart
            for _ in $(seq 1 30); do [ "$(v2_code "$addr")" = "$want" ] && return 0; sleep 0.1; done
            log "registry $name (pid $pid) does not answer on $addr; restarting it"
            stop_instance "$dir"
        fi
    fi
    if ss -Hltn "sport = :${addr##*:}" 2>/dev/null | grep -q .; then
        ss -Hltnp "sport = :${addr##*:}" >&2 || true
        die "port ${addr##*:} is taken by a process this script did not start"
    fi
    rm -f "$dir/registry.pid"
    log "starting registry $name on $addr (log: $dir/registry.log)"
    if [ -f "$dir/registry.log" ] && [ "$(stat -c %s "$dir/registry.log")" -gt $((10 * 1024 * 1024)) ]; then
        mv -f "$dir/registry.log" "$dir/registry.log.1"
    fi
    echo "=== $(date -Is) starting docker-registry serve $dir/config.yml (as $RUN_AS)" >>"$dir/registry.log"
    # Detached like podman-service.sh starts the API service: own session, all fds
    # redirected and every other inherited fd closed, so `eval "$(registry.sh)"`
    # does not wait for it. env -i: distribution lets REGISTRY_* variables override
    # the config, so none from the caller may leak in.
    setsid bash -c 'for f in /proc/$$/fd/*; do f=${f##*/}; [ "$f" -gt 2 ] 2>/dev/null && eval "exec $f>&-" 2>/dev/null; done
                    echo $$ >"$1"; shift; exec "$@"' _ "$dir/registry.pid" \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "${run_as[@]}" \
        docker-registry serve "$dir/config.yml" \
        </dev/null >>"$dir/registry.log" 2>&1 9>&- &
    disown $! 2>/dev/null || true
    echo "$hash" >"$dir/registry.confhash"
    start=$SECONDS
    until [ "$(v2_code "$addr")" = "$want" ]; do
        if [ $((SECONDS - start)) -ge "$WAIT_SECS" ]; then
            log "registry $name did not answer /v2/ with $want within ${WAIT_SECS}s; log tail:"
            tail -n 20 "$dir/registry.log" >&2 || true
            exit 1
        fi
        if [ -f "$dir/registry.pid" ] && ! our_pid "$dir" >/dev/null && [ $((SECONDS - start)) -ge 1 ]; then
            log "registry $name exited during startup; log tail:"
            tail -n 20 "$dir/registry.log" >&2 || true
            exit 1
        fi
        sleep 0.1
    done
    log "registry $name up on $addr (pid $(cat "$dir/registry.pid")) after $((SECONDS - start))s"
}
start_instance "$RDIR/anon" "$ANON_ADDR" 200
start_instance "$RDIR/auth" "$AUTH_ADDR" 401

# ---------------------------------------------------------------- images
# Local podman CLI, as tests/images/build.sh uses it (CONTAINER_HOST would make
# it remote). Wait for a running build.sh: it holds images.lock exclusively.
unset CONTAINER_HOST
export CONTAINERS_CONF=${CONTAINERS_CONF:-$STATE/containers.conf}
[ -f "$CONTAINERS_CONF" ] || die "$CONTAINERS_CONF missing: run tests/env/podman-service.sh first"
exec 8>"$STATE/images.lock"
flock -s -w 900 8 || die "could not take $STATE/images.lock (tests/images/build.sh still running?)"

# one CLI call for all local names: "name:tag sha256:<id>" lines
declare -A local_id=()
while read -r ref id; do
    local_id[$ref]=$id
done < <(podman images --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}' 2>/dev/null)

need_image() {
    [ -n "${local_id[$1]:-}" ] || die "image $1 missing: run tests/images/build.sh first"
}

# config digest of ADDR/REPO:TAG ("" when absent); curl reads credentials
# (if any) from stdin so the password stays off the command line.
remote_config_digest() {
    local addr=$1 repo=$2 tag=$3 creds=${4:-} cfg
    cfg=$(printf 'url = "http://%s/v2/%s/manifests/%s"\n' "$addr" "$repo" "$tag"
          [ -z "$creds" ] || printf 'user = "%s"\n' "$creds")
    rcurl -fsS -K - \
        -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
        -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
        <<<"$cfg" 2>/dev/null | jq -r '.config.digest // empty' 2>/dev/null || true
}

# Pushes use an auth file (0600, in the state dir) instead of --creds, so the
# password is not on a command line either.
AUTHFILE=$RDIR/auth/push-auth.json
(umask 077; printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$AUTH_ADDR" \
    "$(printf '%s:%s' "$USER_NAME" "$password" | base64 -w0)" >"$AUTHFILE.tmp")
if cmp -s "$AUTHFILE.tmp" "$AUTHFILE" 2>/dev/null; then rm -f "$AUTHFILE.tmp"; else mv "$AUTHFILE.tmp" "$AUTHFILE"; fi

# push SRC ADDR REPO TAG [auth]: skipped when the registry already holds a
# manifest whose config is the local image (config digest = image ID).
push() {
    local src=$1 addr=$2 repo=$3 tag=$4 auth=${5:-} id have t0
    need_image "$src"
    id=${local_id[$src]}
    have=$(remote_config_digest "$addr" "$repo" "$tag" ${auth:+"$USER_NAME:$password"})
    if [ "$have" = "$id" ]; then
        log "$addr/$repo:$tag: up to date (${id:7:12})"
        return 0
    fi
    log "pushing $src to $addr/$repo:$tag ..."
    t0=$SECONDS
    # --tls-verify=false: both registries are plain HTTP; 5001 is not marked
    # insecure in registries.conf on purpose. --format oci keeps the config blob
    # as is, so its digest stays the image ID (the check above relies on it).
    podman push --quiet --tls-verify=false --format oci ${auth:+--authfile "$AUTHFILE"} \
        "$src" "docker://$addr/$repo:$tag" </dev/null >&2 ||
        die "push of $src to $addr/$repo:$tag failed"
    have=$(remote_config_digest "$addr" "$repo" "$tag" ${auth:+"$USER_NAME:$password"})
    [ "$have" = "$id" ] || die "$addr/$repo:$tag: config digest after push is '$have', expected $id"
    log "pushed $addr/$repo:$tag in $((SECONDS - t0))s"
}
push localhost/podc-postgres:test "$ANON_ADDR" library/postgres 16-alpine
push localhost/podc-redis:test    "$ANON_ADDR" library/redis    7-alpine
push localhost/podc-httpsvc:test  "$ANON_ADDR" podc/httpsvc     test
push localhost/podc-httpsvc:test  "$AUTH_ADDR" podc/httpsvc     test auth

# DataStorage's default image name (upstream builds it locally too)
ds_src=localhost/podc-datastorage:test ds_dst=localhost/kubernaut-datastorage:latest
need_image "$ds_src"
if [ "${local_id[$ds_dst]:-}" != "${local_id[$ds_src]}" ]; then
    podman tag "$ds_src" "$ds_dst" >&2 || die "podman tag $ds_src $ds_dst failed"
    log "tagged $ds_dst (${local_id[$ds_src]:7:12})"
fi
exec 8>&-

[ -f "$REGCONF" ] || log "warning: $REGCONF missing: run tests/env/podman-service.sh (the API service needs it)"

# ---------------------------------------------------------------- env
printf 'export PODC_REGISTRY=%s\n' "$ANON_ADDR"
printf 'export PODC_AUTH_REGISTRY=%s\n' "$AUTH_ADDR"
printf 'export PODC_REGISTRY_USER=%s\n' "$USER_NAME"
printf 'export PODC_REGISTRY_PASSWORD=%s\n' "$password"
printf 'export CONTAINERS_REGISTRIES_CONF=%s\n' "$REGCONF"
