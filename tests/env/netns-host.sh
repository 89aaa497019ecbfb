#!/usr/bin/env bash
# A second "machine" for podc's remote tests, made on this one: a network namespace with its
# own veth address (10.200.55.2; this side 10.200.55.1), running its own podman services (a
# unix socket of its own, and tcp://10.200.55.2:18124) and an sshd on 10.200.55.2:22. Ports its
# containers publish live in that namespace, so a client must use the host's address, not
# 127.0.0.1. Traffic stays on this machine: only this namespace's addresses are used.
#
# It is a host of its own for podman too, not a second view of this one: its own storage
# (the test images come from this host's store, read-only: additionalimagestores), container
# database, tmp dir and network configs, and, in a mount namespace of its own, its own
# /run/containers/networks. Rootful netavark keeps its IPAM db and aardvark-dns's configs and
# pid there whatever podman is told (a path built in); shared, the aardvark-dns of whichever
# namespace started first answers for both, and every container of the other one waits on DNS
# until it times out (DataStorage's /readyz hung on its database's name).
#
#   eval "$(tests/env/netns-host.sh)"    # make/start; prints the env
#   tests/env/netns-host.sh --stop
# Needs tests/env/podman-service.sh (configuration) and tests/env/sshd.sh (keys) first.
set -euo pipefail

NS=podc-remote
HOST_IP=10.200.55.2
PEER_IP=10.200.55.1
STATE=${PODC_STATE_DIR:-/var/lib/podc-test}
DIR=$STATE/netns
RUN=/run/podc-remote
MNTNS=$DIR/mnt/ns
log() { printf 'netns-host: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"
command -v ip >/dev/null || die "ip (iproute2) missing"

pid_ok() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
stop_all() {
    for f in "$DIR"/*.pid; do
        [ -f "$f" ] && pid_ok "$f" && kill "$(cat "$f")" 2>/dev/null || true
        rm -f "$f"
    done
    umount "$MNTNS" 2>/dev/null || true
    umount "$DIR/mnt" 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    ip link del podc-veth0 2>/dev/null || true
}
if [ "${1:-}" = "--stop" ]; then stop_all; exit 0; fi

mkdir -p "$DIR" "$RUN"
chmod 700 "$DIR"
if ! ip netns list | grep -qw "$NS"; then
    log "making network namespace $NS ($HOST_IP)"
    ip link del podc-veth0 2>/dev/null || true
    ip netns add "$NS"
    ip link add podc-veth0 type veth peer name podc-veth1
    ip link set podc-veth1 netns "$NS"
    ip addr add "$PEER_IP/24" dev podc-veth0
    ip link set podc-veth0 up
    ip netns exec "$NS" ip addr add "$HOST_IP/24" dev podc-veth1
    ip netns exec "$NS" ip link set podc-veth1 up
    ip netns exec "$NS" ip link set lo up
fi

: "${CONTAINERS_CONF:=$STATE/containers.conf}"
[ -f "$CONTAINERS_CONF" ] || die "no $CONTAINERS_CONF: run tests/env/podman-service.sh first"
[ -f "$STATE/sshd/host_ed25519" ] || die "no test keys: run tests/env/sshd.sh first"

# its podman configuration: this host's containers.conf, with its own state everywhere
mkdir -p "$DIR/storage" "$DIR/networks" "$DIR/volumes" "$RUN/storage" "$RUN/libpod" "$RUN/networks"
{
    sed -n '/^\[engine\]/q;p' "$CONTAINERS_CONF"
    printf '[network]\nnetwork_config_dir = "%s"\n\n' "$DIR/networks"
    sed -n '/^\[engine\]/,$p' "$CONTAINERS_CONF"
    printf 'tmp_dir = "%s"\nvolume_path = "%s"\n' "$RUN/libpod" "$DIR/volumes"
} >"$DIR/containers.conf"
main_root=$(podman info --format '{{.Store.GraphRoot}}' 2>/dev/null || echo /var/lib/containers/storage)
cat >"$DIR/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$DIR/storage"
runroot = "$RUN/storage"
[storage.options]
additionalimagestores = ["$main_root"]
EOF

# its mount namespace (one for both services: a container one service made, the other may stop)
mntns_ok() { [ -e "$MNTNS" ] && nsenter --mount="$MNTNS" true 2>/dev/null; }
if ! mntns_ok; then
    log "making mount namespace $MNTNS (its own /run/containers/networks)"
    mkdir -p "$DIR/mnt"
    mountpoint -q "$DIR/mnt" || mount --bind "$DIR/mnt" "$DIR/mnt"
    mount --make-private "$DIR/mnt"
    touch "$MNTNS"
    unshare --mount="$MNTNS" --propagation private true
    nsenter --mount="$MNTNS" sh -c "mkdir -p /run/containers/networks && mount --bind '$RUN/networks' /run/containers/networks"
fi

# podman services inside the namespaces: its own socket and a tcp one (one URI per process);
# services started with another configuration are restarted
conf_hash=$(cat "$DIR/containers.conf" "$DIR/storage.conf" | sha256sum | cut -d' ' -f1)
if [ "$(cat "$DIR/conf.hash" 2>/dev/null)" != "$conf_hash" ]; then
    for name in unix tcp; do
        pid_ok "$DIR/$name.pid" && kill "$(cat "$DIR/$name.pid")" 2>/dev/null || true
        rm -f "$DIR/$name.pid"
    done
    sleep 1
    echo "$conf_hash" >"$DIR/conf.hash"
fi
start_service() {
    local name=$1 uri=$2 check=$3
    if pid_ok "$DIR/$name.pid" && eval "$check"; then return 0; fi
    [ -f "$DIR/$name.pid" ] && kill "$(cat "$DIR/$name.pid")" 2>/dev/null || true
    log "starting podman system service $uri in $NS"
    # nsenter, not ip netns exec: that remounts /sys and runc then finds no cgroups;
    # CONTAINER_HOST would make podman a remote client, without "system service"
    setsid nsenter --net=/run/netns/"$NS" --mount="$MNTNS" env -u CONTAINER_HOST -u CONTAINER_CONNECTION \
        CONTAINERS_CONF="$DIR/containers.conf" CONTAINERS_STORAGE_CONF="$DIR/storage.conf" \
        CONTAINERS_REGISTRIES_CONF="${CONTAINERS_REGISTRIES_CONF:-$STATE/registries.conf}" \
        podman system service --time=0 "$uri" </dev/null >>"$DIR/$name.log" 2>&1 &
    echo $! >"$DIR/$name.pid"
    disown || true
    for _ in $(seq 300); do eval "$check" && return 0; sleep 0.1; done
    tail -5 "$DIR/$name.log" >&2 || true
    die "$uri did not answer"
}
start_service unix "unix://$RUN/podman.sock" "curl -fsS --max-time 2 --unix-socket $RUN/podman.sock http://d/_ping >/dev/null 2>&1"
start_service tcp "tcp://$HOST_IP:18124" "curl -fsS --max-time 2 http://$HOST_IP:18124/_ping >/dev/null 2>&1"

# sshd inside the namespace, with the test sshd's host key and client key
sed -e "s|^ListenAddress .*|ListenAddress $HOST_IP:22|" -e "s|^PidFile .*|PidFile $DIR/sshd.pid|" \
    "$STATE/sshd/sshd_config" >"$DIR/sshd_config"
if ! pid_ok "$DIR/sshd.pid"; then
    log "starting sshd on $HOST_IP:22 in $NS"
    nsenter --net=/run/netns/"$NS" /usr/sbin/sshd -f "$DIR/sshd_config" -E "$DIR/sshd.log" </dev/null
    for _ in $(seq 50); do pid_ok "$DIR/sshd.pid" && break; sleep 0.1; done
    pid_ok "$DIR/sshd.pid" || die "sshd in $NS did not start: $(tail -3 "$DIR/sshd.log")"
fi
# the test HOME knows this host's key too
kh=$STATE/sshd/home/.ssh/known_hosts
grep -q "^$HOST_IP " "$kh" || printf '%s %s\n' "$HOST_IP" "$(cut -d' ' -f1,2 "$STATE/sshd/host_ed25519.pub")" >>"$kh"

printf 'export PODC_NETNS_HOST=%s\n' "$HOST_IP"
printf 'export PODC_NETNS_TCP_URI=%s\n' "tcp://$HOST_IP:18124"
printf 'export PODC_NETNS_SSH_URI=%s\n' "ssh://root@$HOST_IP/run/podc-remote/podman.sock"
