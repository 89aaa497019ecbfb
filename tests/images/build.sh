#!/usr/bin/env bash
# Build the offline podc test images (no registry needed; see README.md).
#
#   tests/images/build.sh [--force] [IMAGE...]     IMAGE: base postgres redis httpsvc datastorage
#
# Run as root after tests/env/podman-service.sh. Uses the local podman CLI
# (not the API service) with the project containers.conf.
# Caching: every image carries LABEL podc.recipe=<sha256 of its recipe>; an
# image is rebuilt only when that hash changes. A service image's hash covers
# its directory, the common/ files it COPYs and the base image ID, so a new
# base rebuilds them all.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
STATE=${PODC_STATE_DIR:-/var/lib/podc-test}
SERVICES=(postgres redis httpsvc datastorage)

log() { printf 'build.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

force=0
want=()
for a in "$@"; do
    case "$a" in
        --force) force=1 ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
        base|postgres|redis|httpsvc|datastorage) want+=("$a") ;;
        *) die "unknown argument '$a'" ;;
    esac
done
[ ${#want[@]} -gt 0 ] || want=(base "${SERVICES[@]}")

[ "$(id -u)" = 0 ] || die "must run as root"
command -v podman >/dev/null || die "podman missing: run tests/env/podman-service.sh first"

# Local podman CLI: CONTAINER_HOST would switch it to remote mode.
unset CONTAINER_HOST
if [ -z "${CONTAINERS_CONF:-}" ] && [ -f "$STATE/containers.conf" ]; then
    export CONTAINERS_CONF=$STATE/containers.conf
fi

mkdir -p "$STATE"
exec 9>"$STATE/images.lock"
flock -w 900 9 || die "could not take $STATE/images.lock"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# hash_paths PATH...: sha256 over names, modes and contents of all files
hash_paths() {
    (
        cd "$HERE"
        find "$@" -type f -print0 | LC_ALL=C sort -z |
            while IFS= read -r -d '' f; do
                printf '%s %s %s\n' "$(stat -c %a "$f")" "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"
            done
    ) | sha256sum | cut -d' ' -f1
}

image_label() { podman image inspect --format '{{index .Labels "podc.recipe"}}' "$1" 2>/dev/null || true; }
image_id() { podman image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# drop the previous image if nothing uses it any more (errors ignored)
drop_old() {
    local old=$1 new=$2
    [ -n "$old" ] && [ "$old" != "$new" ] || return 0
    podman image rm "$old" >/dev/null 2>&1 || true
}

build_base() {
    local ref=localhost/podc-base:latest t0 hash old
    t0=$(now)
    hash=$(hash_paths base)
    if [ $force = 0 ] && [ "$(image_label $ref)" = "$hash" ]; then
        log "podc-base: up to date ($(elapsed "$t0") s)"
        return 0
    fi
    command -v mmdebstrap >/dev/null || die "mmdebstrap missing: run tests/env/podman-service.sh first"
    old=$(image_id $ref)
    log "podc-base: building with mmdebstrap (about 30 s) ..."
    TMPDIR=/dev/shm "$HERE/base/mkbase.sh" |
        podman import --quiet \
            --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
            --change 'ENV LANG=C.UTF-8' \
            --change 'CMD ["/bin/bash"]' \
            --change "LABEL podc.recipe=$hash" \
            --change "LABEL podc.image=base" \
            --message "podc test base (bookworm minbase)" \
            - $ref >/dev/null
    [ "$(image_label $ref)" = "$hash" ] || die "podc-base: import did not produce the labelled image"
    drop_old "$old" "$(image_id $ref)"
    built=$((built + 1))
    log "podc-base: built in $(elapsed "$t0") s ($(podman image inspect --format '{{.Size}}' $ref | awk '{printf "%.0f MB", $1/1e6}'))"
}

build_service() {
    local name=$1 ref=localhost/podc-$1:test t0 base_id hash old
    t0=$(now)
    base_id=$(image_id localhost/podc-base:latest)
    [ -n "$base_id" ] || die "podc-$name: localhost/podc-base:latest missing (run: $0 base)"
    # recipe = the image's directory + whatever it COPYs from common/ + the base image
    local -a extra
    mapfile -t extra < <(awk 'toupper($1) == "COPY" { for (i = 2; i < NF; i++) if ($i ~ /^common\//) print $i }' \
        "$HERE/$name/Containerfile")
    hash=$( { hash_paths "$name" "${extra[@]}"; echo "$base_id"; } | sha256sum | cut -d' ' -f1)
    if [ $force = 0 ] && [ "$(image_label "$ref")" = "$hash" ]; then
        log "podc-$name: up to date ($(elapsed "$t0") s)"
        return 0
    fi
    old=$(image_id "$ref")
    podman build --quiet --pull=never --network=none --layers=false \
        --label "podc.recipe=$hash" --label "podc.image=$name" \
        -f "$HERE/$name/Containerfile" -t "$ref" "$HERE" >/dev/null
    [ "$(image_label "$ref")" = "$hash" ] || die "podc-$name: build did not produce the labelled image"
    drop_old "$old" "$(image_id "$ref")"
    built=$((built + 1))
    log "podc-$name: built in $(elapsed "$t0") s"
}

T0=$(now)
built=0
for w in "${want[@]}"; do
    if [ "$w" = base ]; then build_base; fi
done
for w in "${want[@]}"; do
    if [ "$w" != base ]; then build_service "$w"; fi
done
if [ $built -gt 0 ]; then
    # earlier replaced images that were still in use then (dangling, labelled by us)
    podman image prune -f --filter label=podc.image >/dev/null 2>&1 || true
fi
log "all done in $(elapsed "$T0") s"
