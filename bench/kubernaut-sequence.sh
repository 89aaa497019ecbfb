#!/bin/bash
# kubernaut-sequence.sh - the DataStorage stack brought up the way kubernaut's Go test infrastructure
# does it today (test/infrastructure/datastorage_bootstrap.go + shared_integration_utils.go; see
# /work/shared/docs/datastorage-contract.md), with the podman CLI, one step after the other:
#
#   image check  `podman image exists` on the DataStorage image (upstream's build cache hit)
#   pre-clean    `podman stop` + `podman rm` of the four container names (postgres, redis,
#                datastorage, migrations), errors ignored
#   network      `podman network exists` || `podman network create`
#   postgres     `podman run -d` with the published port, then `podman exec pg_isready` every 1 s
#                until it passes, then `podman exec psql -c 'SELECT 1;'` every 1 s until it passes
#   migrations   the goose Up sections (pre-extracted with awk, before the clock starts) copied in
#                with one `podman cp`, goose's bookkeeping table in one `podman exec psql`, then one
#                `podman exec psql -f` per file in numeric order: BEGIN; Up; INSERT INTO
#                goose_db_version; COMMIT (no transaction for `-- +goose NO TRANSACTION`)
#   redis        `podman run -d`, then `podman exec redis-cli ping` every 1 s until PONG
#   datastorage  `podman run -d` with the config dir mounted read-only at /etc/datastorage and
#                CONFIG_PATH, API/metrics/health ports published, then GET /readyz on the health
#                port every 1 s (5 s client timeout) until 200
#
# Upstream sleeps 1 s between tries (2 s for its HTTP wait in datastorage_bootstrap.go); KS_POLL
# sets the interval (default 1). Upstream runs its migrations with the goose Go library over the
# published port; here they go through podman cp + exec, as podc does them.
#
# Usage:
#   kubernaut-sequence.sh up SERVICE PG_PORT REDIS_PORT API_PORT METRICS_PORT HEALTH_PORT [MIGRATIONS_DIR|-]
#   kubernaut-sequence.sh down SERVICE
# `up` prints one line per step ("step NAME SECONDS", each from the previous step's end) and
# finally "elapsed SECONDS" (from the image check on: writing the config dir and extracting the
# migrations, a few ms, come before the clock starts); it exits 1 on a failure and then leaves
# what it started (as upstream does): run `down` afterwards in any case. `down` mirrors upstream's
# StopDSBootstrap (stop + rm of each container in turn, then the network), with rm -f so that
# nothing stays behind, and removes the config dir; it prints "elapsed SECONDS".
#
# Environment: KS_POSTGRES_IMAGE, KS_REDIS_IMAGE, KS_DATASTORAGE_IMAGE (defaults: the project's
# offline test images), KS_POLL, KS_TIMEOUT (tries per wait, default 30), KS_STATE_DIR (where the
# config dir and the extracted migrations live, default ${TMPDIR:-/tmp}). The podman CLI runs
# locally (as upstream's does on Linux): CONTAINER_HOST and CONTAINER_CONNECTION are unset unless
# KS_REMOTE=1; CONTAINERS_CONF defaults to $PODC_STATE_DIR/containers.conf (runc, ulimits).
set -uo pipefail

t_start=$EPOCHREALTIME
t_prev=$t_start

die() { echo "kubernaut-sequence: $*" >&2; exit 1; }

# seconds between two $EPOCHREALTIME values
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
step() {
    local now=$EPOCHREALTIME
    echo "step $1 $(secs "$t_prev" "$now")"
    t_prev=$now
}

if [ "${KS_REMOTE:-0}" != 1 ]; then
    unset CONTAINER_HOST CONTAINER_CONNECTION
fi
if [ -z "${CONTAINERS_CONF:-}" ] && [ -f "${PODC_STATE_DIR:-/var/lib/podc-test}/containers.conf" ]; then
    export CONTAINERS_CONF="${PODC_STATE_DIR:-/var/lib/podc-test}/containers.conf"
fi

PG_IMAGE=${KS_POSTGRES_IMAGE:-localhost/podc-postgres:test}
REDIS_IMAGE=${KS_REDIS_IMAGE:-localhost/podc-redis:test}
DS_IMAGE=${KS_DATASTORAGE_IMAGE:-localhost/podc-datastorage:test}
POLL=${KS_POLL:-1}
TRIES=${KS_TIMEOUT:-30}
PG_USER=slm_user PG_PASSWORD=test_password PG_DB=action_history

cmd=${1:-}
svc=${2:-}
[ -n "$svc" ] || die "usage: $0 up SERVICE PG_PORT REDIS_PORT API_PORT METRICS_PORT HEALTH_PORT [MIGRATIONS_DIR] | down SERVICE"
[[ "$svc" =~ ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$ ]] || die "bad service name: $svc"
pg=${svc}_postgres_test redis=${svc}_redis_test ds=${svc}_datastorage_test mig=${svc}_migrations
net=${svc}_test_network
state=${KS_STATE_DIR:-${TMPDIR:-/tmp}}/kubernaut-sequence-$svc

case "$cmd" in
down)
    for c in "$ds" "$redis" "$pg" "$mig"; do
        podman stop "$c" >/dev/null 2>&1
        podman rm -f "$c" >/dev/null 2>&1
    done
    podman network rm -f "$net" >/dev/null 2>&1
    rm -rf "$state"
    echo "elapsed $(secs "$t_start" "$EPOCHREALTIME")"
    exit 0
    ;;
up) ;;
*) die "unknown command: $cmd (up or down)" ;;
esac

[ $# -ge 7 ] || die "usage: $0 up SERVICE PG_PORT REDIS_PORT API_PORT METRICS_PORT HEALTH_PORT [MIGRATIONS_DIR]"
pg_port=$3 redis_port=$4 api_port=$5 metrics_port=$6 health_port=$7
migdir=${8:--}

# --- not timed (upstream has these ready before it starts: a config dir in its tree, goose's
# in-process parse): the config dir and the migrations' Up sections
rm -rf "$state"
mkdir -p "$state/config" "$state/migrations" || die "cannot create $state"
cat >"$state/config/config.yaml" <<EOF
server:
  port: 8080
  healthPort: 8081
  metricsPort: 9090
  host: "0.0.0.0"
database:
  host: $pg
  port: 5432
  name: $PG_DB
  user: $PG_USER
  ssl_mode: disable
  secretsFile: db-secrets.yaml
  usernameKey: username
  passwordKey: password
redis:
  addr: $redis:6379
  db: 0
  secretsFile: redis-secrets.yaml
  passwordKey: password
EOF
printf 'username: %s\npassword: %s\n' "$PG_USER" "$PG_PASSWORD" >"$state/config/db-secrets.yaml"
printf 'password: ""\n' >"$state/config/redis-secrets.yaml"
chmod 0755 "$state/config" && chmod 0644 "$state/config"/*

mig_files=()
if [ "$migdir" != - ]; then
    [ -d "$migdir" ] || die "no migrations dir: $migdir"
    # NNN_name.sql in numeric order
    while IFS= read -r f; do mig_files+=("$f"); done < <(
        for f in "$migdir"/*.sql; do
            b=${f##*/}
            [[ "$b" =~ ^([0-9]+)_.*\.sql$ ]] && echo "$((10#${BASH_REMATCH[1]})) $b"
        done | sort -n | cut -d' ' -f2-)
    for b in "${mig_files[@]}"; do
        v=${b%%_*}
        v=$((10#$v))
        awk -v v="$v" '
            /^--[ \t]*\+goose[ \t]+NO[ \t]+TRANSACTION/ { notx = 1; next }
            /^--[ \t]*\+goose[ \t]+Up/ { up = 1; next }
            /^--[ \t]*\+goose[ \t]+Down/ { up = 0; next }
            /^--[ \t]*\+goose[ \t]+Statement(Begin|End)/ { next }
            up { body = body $0 "\n" }
            END {
                if (!notx) printf "BEGIN;\n"
                printf "%s", body
                printf "INSERT INTO goose_db_version (version_id, is_applied) VALUES (%d, true);\n", v
                if (!notx) printf "COMMIT;\n"
            }' "$migdir/$b" >"$state/migrations/$b" || die "cannot read $migdir/$b"
    done
fi
t_start=$EPOCHREALTIME
t_prev=$t_start

# --- the sequence
podman image exists "$DS_IMAGE" || die "image $DS_IMAGE is missing"
step image

for c in "$pg" "$redis" "$ds" "$mig"; do
    podman stop "$c" >/dev/null 2>&1
    podman rm "$c" >/dev/null 2>&1
done
step preclean

if ! podman network exists "$net"; then
    podman network create "$net" >/dev/null || die "network create failed"
fi
step network

podman run -d --name "$pg" --network "$net" -p "127.0.0.1:$pg_port:5432" \
    -e "POSTGRES_USER=$PG_USER" -e "POSTGRES_PASSWORD=$PG_PASSWORD" -e "POSTGRES_DB=$PG_DB" \
    "$PG_IMAGE" >/dev/null || die "postgres run failed"
step postgres_run

ok=0
for ((i = 1; i <= TRIES; i++)); do
    if podman exec "$pg" pg_isready -U "$PG_USER" -d "$PG_DB" >/dev/null 2>&1; then ok=1; break; fi
    [ $i -lt "$TRIES" ] && sleep "$POLL"
done
[ $ok = 1 ] || die "postgres: pg_isready never passed"
step postgres_isready
ok=0
for ((i = 1; i <= 10; i++)); do
    if podman exec "$pg" psql -U "$PG_USER" -d "$PG_DB" -c "SELECT 1;" >/dev/null 2>&1; then ok=1; break; fi
    [ $i -lt 10 ] && sleep "$POLL"
done
[ $ok = 1 ] || die "postgres: SELECT 1 never passed"
step postgres_query

if [ ${#mig_files[@]} -gt 0 ]; then
    podman cp "$state/migrations" "$pg:/tmp/ks-migrations" || die "podman cp of the migrations failed"
    psql_run() { podman exec "$pg" psql -X -q -v ON_ERROR_STOP=1 -U "$PG_USER" -d "$PG_DB" "$@" >/dev/null; }
    psql_run -c "CREATE TABLE IF NOT EXISTS goose_db_version (id serial NOT NULL, version_id bigint NOT NULL,
        is_applied boolean NOT NULL, tstamp timestamp NULL DEFAULT now(), PRIMARY KEY(id));
        INSERT INTO goose_db_version (version_id, is_applied)
        SELECT 0, true WHERE NOT EXISTS (SELECT 1 FROM goose_db_version);" || die "goose bookkeeping failed"
    for b in "${mig_files[@]}"; do
        psql_run -f "/tmp/ks-migrations/$b" || die "migration $b failed"
    done
fi
step migrations

podman run -d --name "$redis" --network "$net" -p "127.0.0.1:$redis_port:6379" "$REDIS_IMAGE" >/dev/null ||
    die "redis run failed"
step redis_run
ok=0
for ((i = 1; i <= TRIES; i++)); do
    if [ "$(podman exec "$redis" redis-cli ping 2>&1)" = PONG ]; then ok=1; break; fi
    [ $i -lt "$TRIES" ] && sleep "$POLL"
done
[ $ok = 1 ] || die "redis: no PONG"
step redis_ready

podman run -d --name "$ds" --network "$net" \
    -p "127.0.0.1:$api_port:8080" -p "127.0.0.1:$metrics_port:9090" -p "127.0.0.1:$health_port:8081" \
    -v "$state/config:/etc/datastorage:ro" -e CONFIG_PATH=/etc/datastorage/config.yaml \
    "$DS_IMAGE" >/dev/null || die "datastorage run failed"
step datastorage_run
ok=0
for ((i = 1; i <= TRIES; i++)); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$health_port/readyz" 2>/dev/null)
    if [ "$code" = 200 ]; then ok=1; break; fi
    [ $i -lt "$TRIES" ] && sleep "$POLL"
done
[ $ok = 1 ] || die "datastorage: /readyz never answered 200"
step datastorage_ready

echo "elapsed $(secs "$t_start" "$EPOCHREALTIME")"
