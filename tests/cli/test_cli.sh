#!/bin/bash
# End-to-end tests of the podc tool against the real podman service and the offline test
# images. Prints exactly one summary line "N passed, M failed" at the end; exit 1 when M > 0,
# 77 (skip) when the tool or the service is missing. Everything it creates carries unique
# names (podc-cli-$$-...) and its session label, and is removed on exit even after failures.
set -u

top_builddir=${top_builddir:-.}
srcdir=${srcdir:-.}
PODC=${PODC:-$top_builddir/tools/podc/podc}
MIGRATIONS=$srcdir/tests/images/datastorage/migrations
[ -d "$MIGRATIONS" ] || MIGRATIONS=$(cd "$(dirname "$0")/../images/datastorage/migrations" 2>/dev/null && pwd)

# distcheck's second build: the normal pass already ran these against the service
if [ "${PODC_SKIP_INTEGRATION:-0}" = 1 ]; then echo "skipped (PODC_SKIP_INTEGRATION=1)"; exit 77; fi
if [ ! -x "$PODC" ]; then echo "podc not built at $PODC"; echo "0 passed, 0 failed"; exit 77; fi
if ! "$PODC" version >/dev/null 2>&1; then echo "podman service unreachable"; echo "0 passed, 0 failed"; exit 77; fi
command -v jq >/dev/null || { echo "jq missing"; echo "0 passed, 0 failed"; exit 77; }

ID=podc-cli-$$
SESSION=podc-cli-sess-$$
TMP=$(mktemp -d /tmp/podc-cli.XXXXXX)
LISTENER=
pass=0
fail=0

IMAGES=(--postgres-image localhost/podc-postgres:test --redis-image localhost/podc-redis:test
        --datastorage-image localhost/podc-datastorage:test)
FREE_PORTS=(--postgres-port 0 --redis-port 0 --api-port 0 --metrics-port 0 --health-port 0)

cleanup() {
    [ -n "$LISTENER" ] && kill "$LISTENER" 2>/dev/null
    for s in "$ID-ds" "$ID-busy" "$ID-int" "$ID-mig" "$ID-dflt" gateway; do "$PODC" ds down "$s" >/dev/null 2>&1; done
    for s in "$ID-cmp" "$ID-strict" "$ID-fail"; do "$PODC" compose -p "$s" down --timeout 0 >/dev/null 2>&1; done
    "$PODC" cleanup --session "$SESSION" >/dev/null 2>&1
    "$PODC" cleanup --label "podc.cli.test=$ID" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; [ -s "$TMP/err" ] && sed 's/^/    stderr: /' "$TMP/err" | tail -5; }

# run CMD...: stdout in $TMP/out, stderr in $TMP/err, exit code in $RC
run() { "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?; }
# expect_rc CODE DESC CMD...
expect_rc() {
    local want=$1 desc=$2
    shift 2
    run "$@"
    if [ "$RC" -eq "$want" ]; then ok; else ko "$desc: exit code $RC, expected $want"; fi
}
# check DESC CMD...: passes when CMD succeeds
check() {
    local desc=$1
    shift
    if "$@" >/dev/null 2>&1; then ok; else ko "$desc"; fi
}
json_out() { jq -e "$1" "$TMP/out"; }
# with --json, stderr holds {"progress": ...} lines and then the error object
json_err() { jq -s -e "last | $1" "$TMP/err"; }
not_in_files() { ! grep -rq -- "$1" "${@:2}"; }

# ---- help, version, info ---------------------------------------------------------------
expect_rc 0 "--help" "$PODC" --help
check "--help documents exit codes" grep -q "9 migration failed, 10 registry authentication failed" "$TMP/out"
check "--help documents exit code 11" grep -q "11 local file error" "$TMP/out"
expect_rc 0 "version" "$PODC" version
check "version names the service and why" grep -q "service:.*found via" "$TMP/out"
expect_rc 0 "version --json" "$PODC" --json version
check "version --json has server and socket_source" json_out '.server and .socket_source and .client and .scheme == "unix"'
# ---- other endpoints: tcp://, named connections, never silently another service ------------
if [ -n "${PODC_TCP_URI:-}" ]; then
    run env CONTAINER_HOST="$PODC_TCP_URI" "$PODC" --json version
    check "CONTAINER_HOST=tcp://: that service, said so" json_out ".scheme == \"tcp\" and .uri == \"$PODC_TCP_URI\" and .socket_source == \"CONTAINER_HOST\""
    expect_rc 0 "--url tcp://" "$PODC" --url "$PODC_TCP_URI" ps
else
    ko "PODC_TCP_URI is not set (tests/env/podman-service.sh starts the tcp:// service)"
fi
expect_rc 3 "a dead CONTAINER_HOST fails, no fallback to the local socket" env CONTAINER_HOST=tcp://127.0.0.1:1 "$PODC" --json version
check "dead CONTAINER_HOST: the error names it" json_err '.details.tried == "tcp://127.0.0.1:1"'
expect_rc 2 "unknown scheme refused" env CONTAINER_HOST=http://127.0.0.1:8080 "$PODC" --json version
check "unknown scheme: field uri" json_err '.details.field == "uri"'
printf '[engine]\nactive_service = "cli-local"\n[engine.service_destinations.cli-local]\nuri = "unix:///run/podman/podman.sock"\n[engine.service_destinations.cli-dead]\nuri = "tcp://127.0.0.1:1"\n' >"$TMP/containers.conf"
run env -u CONTAINER_HOST CONTAINERS_CONF="$TMP/containers.conf" "$PODC" --json version
check "containers.conf active_service" json_out '.socket_source == "default connection cli-local"'
expect_rc 3 "--connection to a dead one: no fallback" env -u CONTAINER_HOST CONTAINERS_CONF="$TMP/containers.conf" "$PODC" --connection cli-dead version
expect_rc 5 "--connection that does not exist" env -u CONTAINER_HOST CONTAINERS_CONF="$TMP/containers.conf" "$PODC" --connection nope version
expect_rc 0 "info --json" "$PODC" info --json
check "info --json has the server's info" json_out '.server.host and .socket'

# ---- invalid input (2) and not found (5) ----------------------------------------------
expect_rc 2 "unknown command" "$PODC" --json frobnicate
check "unknown command: JSON error" json_err '.category == "invalid_input"'
expect_rc 2 "ds up without a name" "$PODC" --json ds up
check "ds up without a name: JSON error" json_err '.category == "invalid_input" and .details.field == "arguments"'
expect_rc 2 "ds up with a bad name" "$PODC" --json ds up --service "bad name!" "${IMAGES[@]}"
check "bad name: JSON error names the field" json_err '.category == "invalid_input" and .details.field == "service"'
expect_rc 2 "ds up with a bad port" "$PODC" ds up --service "$ID-x" --api-port 70000
printf '{"name":"%s-bad","image":"localhost/podc-base:latest","colour":"blue"}' "$ID" >"$TMP/bad.json"
expect_rc 2 "run: unknown spec key" "$PODC" --json run "$TMP/bad.json"
check "run: JSON error names the key" json_err '.details.field == "colour"'
printf '{"name":"%s-nul","image":"localhost/podc-base:latest","env":{"A":"v\\u0000w"}}' "$ID" >"$TMP/nul.json"
expect_rc 2 "run: a NUL in a string is refused, not cut" "$PODC" --json run "$TMP/nul.json"
check "run: the NUL error names env.A" json_err '.details.field == "env.A"'
{ printf '{"name":"%s-deep","image":"localhost/podc-base:latest","labels":' "$ID"; printf '[%.0s' $(seq 100);
  printf ']%.0s' $(seq 100); printf '}'; } >"$TMP/deep.json"
expect_rc 2 "run: nesting is bounded" "$PODC" --json run "$TMP/deep.json"
# fuzz finding (tests/fuzz/crashes/spec-2): an empty key was refused with an empty field
printf '{"name":"%s-ek","image":"localhost/podc-base:latest","":1}' "$ID" >"$TMP/emptykey.json"
expect_rc 2 "run: an empty key is refused" "$PODC" --json run "$TMP/emptykey.json"
check "run: an empty key's error names a field" json_err '.details.field == "spec"'
printf '{"name":' >"$TMP/broken.json"
expect_rc 2 "run: broken JSON" "$PODC" run "$TMP/broken.json"
expect_rc 5 "logs of a missing container" "$PODC" --json logs "$ID-missing"
check "not found: JSON error" json_err '.category == "not_found" and .http_status == 404'
expect_rc 5 "stop a missing container" "$PODC" stop "$ID-missing"
check "not found: one readable line" test "$(wc -l <"$TMP/err")" -eq 1
expect_rc 5 "exec in a missing container" "$PODC" exec "$ID-missing" -- true
expect_rc 2 "cleanup without a selector" "$PODC" cleanup

# ---- a port already in use (6) ------------------------------------------------------------
BUSY=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c 'import socket,sys,time; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0",int(sys.argv[1]))); s.listen(); time.sleep(60)' "$BUSY" &
LISTENER=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$BUSY") 2>/dev/null && break; sleep 0.1; done
expect_rc 6 "ds up on a busy port" "$PODC" --json ds up --service "$ID-busy" "${FREE_PORTS[@]}" --api-port "$BUSY" \
    --session "$SESSION" "${IMAGES[@]}"
check "busy port: JSON conflict error naming the port" json_err ".category == \"conflict\" and .details.port == \"$BUSY\""
run "$PODC" --json ps --all --label "podc.ds.stack=$ID-busy"
check "busy port: nothing left behind" json_out 'length == 0'
cat >"$TMP/busy.json" <<JSON
{"name": "$ID-busyweb", "image": "localhost/podc-httpsvc:test", "ports": [{"container": 8080, "host": $BUSY}],
 "labels": {"podc.cli.test": "$ID"}, "session": "$SESSION"}
JSON
expect_rc 6 "run on a busy host port" "$PODC" --json run "$TMP/busy.json"
check "run on a busy port: JSON conflict error" json_err '.category == "conflict"'
run "$PODC" --json ps --all --label "podc.cli.test=$ID"
check "run on a busy port: nothing left behind" json_out 'length == 0'
kill "$LISTENER" 2>/dev/null; wait "$LISTENER" 2>/dev/null; LISTENER=

# ---- ds up / status / ps / exec / logs / must-gather / down ------------------------------
expect_rc 2 "ds up: unknown preset" "$PODC" --json ds up --preset no-such-suite
check "unknown preset: JSON error names the field" json_err '.details.field == "preset"'
# a preset's fixed ports, each overridden by 0 (free ports) so that parallel runs don't collide
expect_rc 0 "ds up" "$PODC" ds up --preset gateway --service "$ID-ds" "${FREE_PORTS[@]}" "${IMAGES[@]}" --migrations "$MIGRATIONS" \
    --session "$SESSION" --env "DS_API_PASSWORD=cli-secret-$$" --timeout 60000
check "ds up prints a masked DSN" grep -q "postgres://slm_user:\*\*\*@127.0.0.1:" "$TMP/out"
check "ds up never shows the password" not_in_files test_password "$TMP/out" "$TMP/err"
check "ds up never shows a secret --env value" not_in_files "cli-secret-$$" "$TMP/out" "$TMP/err"
check "ds up reports progress with elapsed time" grep -q '^\[ *[0-9.]*s\] .*migrations applied' "$TMP/err"
expect_rc 0 "ds status --json" "$PODC" ds status "$ID-ds" --json
check "ds status: 3 running containers" json_out '(.containers | length == 3) and all(.containers[]; .state == "running") and .network_exists'
check "ds status: ports" json_out '[.containers[] | select(.component == "postgres") | .ports[0].container] == [5432]'
expect_rc 0 "ds status (human)" "$PODC" ds status "$ID-ds"
check "ds status lists the datastorage container" grep -q "${ID}-ds_datastorage_test" "$TMP/out"
expect_rc 0 "ps --label --json" "$PODC" --json ps --label "podc.ds.stack=$ID-ds"
check "ps: the stack's 3 containers" json_out "length == 3 and all(.[]; .stack == \"$ID-ds\")"
expect_rc 0 "ps (human)" "$PODC" ps --label "podc.ds.stack=$ID-ds" --all
expect_rc 3 "exec: exit code passes through" "$PODC" exec "${ID}-ds_postgres_test" -- sh -c 'echo hello; exit 3'
check "exec: stdout" grep -qx hello "$TMP/out"
expect_rc 0 "exec: psql sees the migrated table" "$PODC" exec "${ID}-ds_postgres_test" -- \
    psql -U slm_user -d action_history -Atc "SELECT count(*) FROM audit_events"
expect_rc 4 "exec --json: exit code passes through" "$PODC" --json exec "${ID}-ds_postgres_test" -- sh -c 'echo out; echo err >&2; exit 4'
check "exec --json: output split" json_out '.exit_code == 4 and .stdout == "out\n" and .stderr == "err\n"'
expect_rc 0 "logs --tail" "$PODC" logs "${ID}-ds_redis_test" --tail 5
check "logs: redis output" grep -q "Ready to accept connections" "$TMP/out" "$TMP/err"
expect_rc 0 "logs --json" "$PODC" --json logs "${ID}-ds_redis_test" --tail 1
check "logs --json: one record" json_out '.stdout | length > 0'
expect_rc 0 "must-gather" "$PODC" must-gather "$TMP/gather" --label "podc.ds.stack=$ID-ds"
check "must-gather: logs and inspect of 3 containers" test "$(ls "$TMP/gather" | wc -l)" -eq 6
check "must-gather: inspect JSON parses" jq -e .Id "$TMP/gather/${ID}-ds_postgres_test.inspect.json"
check "must-gather: no password in the files" not_in_files test_password "$TMP/gather"
: >"$TMP/a-file"
expect_rc 11 "must-gather into a path the OS refuses: local file error" "$PODC" --json must-gather "$TMP/a-file/sub"
check "local file error: category and path in the JSON error" \
    json_err '.category == "local_file" and (.details.path | endswith("a-file/sub"))'
expect_rc 0 "must-gather --json" "$PODC" --json must-gather "$TMP/gather2" --label "podc.ds.stack=$ID-ds" \
    --label podc.ds.component=redis
check "must-gather --json: the one redis container, complete" json_out '(.containers | length == 1) and .containers[0].complete'
check "must-gather: stack network listed in inspect" grep -q "$ID-ds_test_network" "$TMP/gather2/${ID}-ds_redis_test.inspect.json"
expect_rc 0 "ds down" "$PODC" --json ds down "$ID-ds"
check "ds down --json" json_out '.down == true'
run "$PODC" --json ds status "$ID-ds"
check "ds down: no container, no network" json_out '(.containers | length == 0) and (.network_exists | not)'

# ---- run / stop ------------------------------------------------------------------------------
cat >"$TMP/web.json" <<JSON
{
  "name": "$ID-web",
  "image": "localhost/podc-httpsvc:test",
  "ports": [{"container": 8080, "host": 0}],
  "env": {"GREETING": "hi", "WEB_TOKEN": "tok-$$-secret"},
  "labels": {"podc.cli.test": "$ID"},
  "checks": [{"type": "http", "port": 8080, "path": "/healthz", "status": 200}, {"type": "tcp", "port": 8080},
             {"type": "tcp", "port": 8080, "send": "GET /healthz HTTP/1.0\\r\\n\\r\\n", "expect": "200"}],
  "timeout_ms": 30000,
  "poll_ms": {"initial": 50, "max": 500},
  "session": "$SESSION"
}
JSON
expect_rc 0 "run" "$PODC" --json run "$TMP/web.json"
check "run --json: name and url" json_out ".name == \"$ID-web\" and (.ports[0].url | startswith(\"http://127.0.0.1:\"))"
URL=$(jq -r '.ports[0].url' "$TMP/out")
check "run: the service answers /healthz" curl -fsS --max-time 5 "$URL/healthz"
check "run: progress on stderr" grep -q "healthy after" "$TMP/err"
check "run --json: progress as JSON lines on stderr" jq -s -e 'all(.[]; has("progress"))' "$TMP/err"
expect_rc 0 "stop" "$PODC" stop "$ID-web"
run "$PODC" --json ps --all --label "podc.cli.test=$ID"
check "stop: container gone" json_out 'length == 0'

# the container's own fields: entrypoint, user, workdir, tmpfs, ulimits (through the service's
# container spec)
cat >"$TMP/proc.json" <<JSON
{"name": "$ID-proc", "image": "localhost/podc-base:latest",
 "entrypoint": ["/bin/busybox", "sh", "-c"], "command": ["echo started; exec sleep 60"],
 "user": "65534:65534", "workdir": "/scratch",
 "tmpfs": [{"destination": "/scratch", "options": ["size=8m", "mode=1777"]}],
 "ulimits": {"nofile": {"soft": 1000, "hard": 1024}, "nproc": 512},
 "labels": {"podc.cli.test": "$ID"}, "checks": [{"type": "log", "regex": "^started"}],
 "timeout_ms": 20000, "session": "$SESSION"}
JSON
expect_rc 0 "run: entrypoint, user, workdir, tmpfs, ulimits" "$PODC" --json run "$TMP/proc.json"
# (the limits are read from the container's process: podman gives an exec its own)
expect_rc 0 "run: they reach the process" "$PODC" exec "$ID-proc" -- /bin/busybox sh -c \
    'echo "id=$(id -u):$(id -g) pwd=$(pwd)"; /bin/busybox grep -E "^Max (open files|processes) " /proc/1/limits; \
     /bin/busybox grep " /scratch " /proc/mounts'
check "run: user and workdir as given" grep -q "id=65534:65534 pwd=/scratch" "$TMP/out"
check "run: nofile 1000 soft, 1024 hard" grep -Eq "^Max open files +1000 +1024 " "$TMP/out"
check "run: nproc 512" grep -Eq "^Max processes +512 +512 " "$TMP/out"
check "run: /scratch is a tmpfs of 8m" grep -q "^tmpfs /scratch tmpfs .*size=8192k" "$TMP/out"
expect_rc 0 "stop the process spec's container" "$PODC" stop "$ID-proc"
printf '{"name": "x", "image": "localhost/podc-base:latest", "ulimits": {"nofile": {"soft": 9, "hard": 2}}}' >"$TMP/ulim.json"
expect_rc 2 "run: a soft ulimit above its hard one is refused" "$PODC" --json run "$TMP/ulim.json"
check "run: bad ulimit named" json_err '.details.field == "ulimits"'
printf '{"name": "x", "image": "localhost/podc-base:latest", "ulimits": {"nofile": 100}}' >"$TMP/ulim1.json"
expect_rc 2 "run: nofile without nproc is refused (the host's hard limits)" "$PODC" --json run "$TMP/ulim1.json"
check "run: the missing nproc named" json_err '.details.field == "rlimits"'

cat >"$TMP/sick.json" <<JSON
{"name": "$ID-sick", "image": "localhost/podc-base:latest", "command": ["/bin/busybox", "sh", "-c", "echo dying; exit 1"],
 "labels": {"podc.cli.test": "$ID"}, "checks": [{"type": "log", "regex": "never-printed"}],
 "timeout_ms": 15000, "session": "$SESSION"}
JSON
expect_rc 7 "run: an exiting container fails health" "$PODC" --json run "$TMP/sick.json"
check "health failure: JSON error with the log tail" json_err '.category == "health_check" and (.log_tail | contains("dying"))'
run "$PODC" --json ps --all --label "podc.cli.test=$ID"
check "health failure: nothing left behind" json_out 'length == 0'

cat >"$TMP/brief.json" <<JSON
{"name": "$ID-brief", "image": "localhost/podc-base:latest",
 "command": ["/bin/busybox", "sh", "-c", "echo one; sleep 1; echo two >&2"],
 "labels": {"podc.cli.test": "$ID"}, "session": "$SESSION"}
JSON
expect_rc 0 "run a short-lived container" "$PODC" run "$TMP/brief.json"
expect_rc 0 "logs --follow ends when the container stops" timeout 20 "$PODC" logs --follow "$ID-brief"
check "logs --follow: stdout and stderr" grep -qx one "$TMP/out"
check "logs --follow: stderr to stderr" grep -qx two "$TMP/err"
expect_rc 6 "exec in a stopped container: conflict" "$PODC" --json exec "$ID-brief" -- true
check "exec in a stopped container: JSON conflict error" json_err '.category == "conflict"'
expect_rc 0 "stop a stopped container" "$PODC" stop "$ID-brief"

# ---- build -----------------------------------------------------------------------------------
mkdir -p "$TMP/ctx" "$TMP/badctx"
printf 'FROM localhost/podc-base:latest\nARG MSG=none\nRUN echo "msg=$MSG" > /msg\n' >"$TMP/ctx/Containerfile"
printf 'FROM localhost/podc-base:latest\nRUN echo about to fail; exit 3\n' >"$TMP/badctx/Containerfile"
expect_rc 0 "build" "$PODC" build "$TMP/ctx" -t "localhost/$ID:test" --build-arg MSG=hello --label "podc.session=$SESSION"
check "build: live progress (STEP lines)" grep -q "STEP" "$TMP/err"
check "build: prints the tag" grep -q "localhost/$ID:test" "$TMP/out"
expect_rc 8 "build: failing step" "$PODC" --json build "$TMP/badctx" -t "localhost/$ID-bad:test" --label "podc.session=$SESSION"
check "build failure: JSON error" json_err '.category == "build"'
expect_rc 2 "build without a tag" "$PODC" build "$TMP/ctx"

# ---- registries: pull, push, --pull on run / ds up / build, credentials never shown ----------
# (tests/env/registry.sh: anonymous $PODC_REGISTRY, htpasswd $PODC_AUTH_REGISTRY, docker.io rewritten)
REG=${PODC_REGISTRY:-}
AREG=${PODC_AUTH_REGISTRY:-}
CANARY="cli-canary-$$-pw"
if [ -z "$REG" ] || [ -z "$AREG" ] || [ -z "${PODC_REGISTRY_PASSWORD:-}" ]; then
    ko "registries: PODC_REGISTRY, PODC_AUTH_REGISTRY and PODC_REGISTRY_PASSWORD must be set (tests/env/registry.sh)"
else
    expect_rc 0 "pull an upstream name" "$PODC" --json pull docker.io/library/redis:7-alpine --policy always
    check "pull --json: id and digest" json_out '(.id | test("^[0-9a-f]{64}$")) and (.digest | startswith("sha256:"))'
    expect_rc 0 "pull (people's output)" "$PODC" pull redis:7-alpine --policy always
    check "pull: progress lines on stderr" grep -q "Copying config" "$TMP/err"
    check "pull: prints the image" grep -q "^pulled redis:7-alpine [0-9a-f]\{12\}" "$TMP/out"
    expect_rc 10 "pull with wrong credentials: exit 10" "$PODC" --json pull "$AREG/podc/httpsvc:test" --policy always \
        --tls-verify=false --creds "podc-test:$CANARY"
    check "wrong credentials: JSON auth error" json_err '.category == "auth" and .details.registry != null'
    check "wrong credentials: the password never shown" not_in_files "$CANARY" "$TMP/out" "$TMP/err"
    expect_rc 10 "pull without credentials: exit 10" "$PODC" pull "$AREG/podc/httpsvc:test" --policy always --tls-verify=false
    run "$PODC" pull "$AREG/podc/httpsvc:test" --policy always --tls-verify=false --creds podc-test <<<"$PODC_REGISTRY_PASSWORD"
    if [ "$RC" -eq 0 ]; then ok; else ko "pull with --creds USER and the password on stdin: exit $RC"; fi
    check "stdin password: never shown" not_in_files "$PODC_REGISTRY_PASSWORD" "$TMP/out" "$TMP/err"
    printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$AREG" "$(printf 'podc-test:%s' "$PODC_REGISTRY_PASSWORD" | base64 -w0)" >"$TMP/auth.json"
    expect_rc 0 "pull with --authfile" "$PODC" pull "$AREG/podc/httpsvc:test" --policy always --tls-verify=false \
        --authfile "$TMP/auth.json"
    expect_rc 2 "pull: TLS mismatch is invalid input" "$PODC" --json pull "$AREG/podc/httpsvc:test" --policy always \
        --authfile "$TMP/auth.json"
    check "TLS mismatch: names tls_verify" json_err '.details.field == "tls_verify"'
    expect_rc 5 "pull: missing tag" "$PODC" --json pull "$REG/podc/httpsvc:no-such-tag"
    check "missing tag: JSON not found" json_err '.category == "not_found"'
    expect_rc 2 "pull: bad reference" "$PODC" --json pull "docker.io/Upper/Case:1"
    check "bad reference: names ref" json_err '.details.field == "ref"'
    expect_rc 2 "pull: bad policy" "$PODC" pull redis:7-alpine --policy sometimes
    expect_rc 0 "push" "$PODC" --json push localhost/podc-httpsvc:test "$REG/$ID/pushed:1" --tls-verify=false
    check "push --json: destination" json_out ".destination == \"$REG/$ID/pushed:1\""
    expect_rc 10 "push to the htpasswd registry without credentials" "$PODC" push localhost/podc-httpsvc:test \
        "$AREG/$ID/pushed:1" --tls-verify=false

    # a run spec with "pull" and "tls_verify", and credentials given on the command line
    cat >"$TMP/pulled.json" <<JSON
{"name": "$ID-pulled", "image": "$REG/$ID/pushed:1", "pull": "always", "tls_verify": false,
 "ports": [8080], "labels": {"podc.cli.test": "$ID"}, "session": "$SESSION",
 "checks": [{"type": "http", "port": 8080, "path": "/healthz", "status": 200}], "timeout_ms": 30000}
JSON
    expect_rc 0 "run: pulls the spec's image" "$PODC" run "$TMP/pulled.json"
    check "run: pull progress as steps" grep -q "pulling $REG/$ID/pushed:1: " "$TMP/err"
    expect_rc 0 "must-gather after a pull with credentials" "$PODC" must-gather "$TMP/gather3" --label "podc.cli.test=$ID"
    check "must-gather: no registry password" not_in_files "$PODC_REGISTRY_PASSWORD" "$TMP/gather3"
    expect_rc 0 "stop the pulled service" "$PODC" stop "$ID-pulled"
    "$PODC" --json pull "$REG/$ID/pushed:1" --policy never >/dev/null 2>&1 && \
        curl -s --unix-socket /run/podman/podman.sock -X DELETE "http://d/v4.0.0/libpod/images/$(printf %s "$REG/$ID/pushed:1" | jq -sRr @uri)" >/dev/null
    expect_rc 5 "run --pull never on an absent image: not found" "$PODC" --json run "$TMP/pulled.json" --pull never
    run "$PODC" --json ps --all --label "podc.cli.test=$ID"
    check "run --pull never: nothing created" json_out 'length == 0'

    # ds up with the stack's own default images: pulled through the rewrite
    expect_rc 0 "ds up with the default images (--pull always)" "$PODC" ds up --service "$ID-dflt" "${FREE_PORTS[@]}" \
        --migrations "$MIGRATIONS" --session "$SESSION" --pull always
    check "ds up: pulled postgres" grep -q "pulling docker.io/library/postgres:16-alpine: " "$TMP/err"
    check "ds up: pulled redis" grep -q "pulling docker.io/library/redis:7-alpine: " "$TMP/err"
    expect_rc 0 "ds down (defaults)" "$PODC" ds down "$ID-dflt"
    # the first command a kubernaut engineer runs: the suite's preset, no image overrides
    expect_rc 0 "ds up --preset gateway with no overrides" "$PODC" --json ds up --preset gateway --pull always \
        --migrations "$MIGRATIONS" --session "$SESSION"
    check "ds up --preset gateway: the preset's ports" json_out '.ports.postgres == 15437 and .ports.api == 18091'
    expect_rc 0 "ds down gateway" "$PODC" ds down gateway
    expect_rc 0 "build --pull never" "$PODC" build "$TMP/ctx" -t "localhost/$ID-np:test" --pull never --label "podc.session=$SESSION"
    expect_rc 2 "build --pull bogus" "$PODC" build "$TMP/ctx" -t "localhost/$ID-np:test" --pull bogus
fi

# ---- compose: a kubernaut-shaped file up with image overrides, ps, logs, down ----------------
COMPOSE=$srcdir/tests/compose/kubernaut-ds/compose.yaml
[ -f "$COMPOSE" ] || COMPOSE=$(cd "$(dirname "$0")/../compose/kubernaut-ds" && pwd)/compose.yaml
expect_rc 0 "compose up" "$PODC" --json compose -f "$COMPOSE" -p "$ID-cmp" --session "$SESSION" \
    --image datastorage=localhost/podc-datastorage:test up
check "compose up: four services, migrate a job" json_out '(.services | length) == 4 and (.services[] | select(.service == "migrate") | .kind) == "job"'
check "compose up: progress on stderr" grep -q '"progress"' "$TMP/err"
expect_rc 0 "compose ps" "$PODC" --json compose -p "$ID-cmp" ps
check "compose ps: migrate exited 0, datastorage running" json_out '(.services[] | select(.service == "migrate") | .exit_code) == 0 and (.services[] | select(.service == "datastorage") | .state) == "running"'
expect_rc 0 "compose logs migrate" "$PODC" compose -p "$ID-cmp" logs migrate
check "compose logs: prefixed lines of the job" grep -q "^migrate *| applying /migrations/003" "$TMP/out"
expect_rc 2 "compose logs of an unknown service" "$PODC" compose -p "$ID-cmp" logs nope
expect_rc 0 "compose down" "$PODC" --json compose -f "$COMPOSE" -p "$ID-cmp" down
check "compose down: four containers and the network" json_out '.removed == 5'
expect_rc 0 "compose ps after down" "$PODC" --json compose -p "$ID-cmp" ps
check "compose ps after down: nothing" json_out '(.services | length) == 0'
# strict: an unsupported key is an error (2); a failing job fails the up (7), nothing is left
printf 'services:\n  a:\n    image: localhost/podc-base:latest\n    command: ["/bin/busybox", "sleep", "60"]\n    restart: always\n' >"$TMP/strict.yaml"
expect_rc 2 "compose --strict: unsupported key" "$PODC" --json compose -f "$TMP/strict.yaml" -p "$ID-strict" --strict up
check "compose --strict: the error names the key" json_err '.details.field == "services.a.restart"'
expect_rc 0 "compose without --strict: a warning" "$PODC" compose -f "$TMP/strict.yaml" -p "$ID-strict" --session "$SESSION" up
check "compose warning names file, line and key" grep -q "warning: .*strict.yaml: line 5: services.a.restart" "$TMP/err"
expect_rc 0 "compose down (strict file)" "$PODC" compose -p "$ID-strict" down --timeout 0
printf 'services:\n  db:\n    image: localhost/podc-base:latest\n    command: ["/bin/busybox", "sleep", "60"]\n  migrate:\n    image: localhost/podc-base:latest\n    command: ["/bin/busybox", "sh", "-c", "echo broken schema >&2; exit 3"]\n    depends_on: [db]\n  app:\n    image: localhost/podc-base:latest\n    command: ["/bin/busybox", "sleep", "60"]\n    depends_on: {migrate: {condition: service_completed_successfully}}\n' >"$TMP/failjob.yaml"
expect_rc 7 "compose up: a failing job" "$PODC" --json compose -f "$TMP/failjob.yaml" -p "$ID-fail" --session "$SESSION" up
check "failing job: named with its exit code and waiter" json_err '.details.member == "migrate" and .exit_code == 3 and .details.waiting == "app"'
expect_rc 0 "failing job: ps" "$PODC" --json compose -p "$ID-fail" ps
check "failing job: nothing left" json_out '(.services | length) == 0'
printf 'services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n' >"$TMP/cycle.yaml"
expect_rc 2 "compose: a cycle is refused before anything is sent" "$PODC" --json compose -f "$TMP/cycle.yaml" up
check "cycle: named" json_err '.message | test("cycle a -> b -> a")'

# ---- cleanup -------------------------------------------------------------------------------
sed "s/$ID-web/$ID-left/" "$TMP/web.json" >"$TMP/left.json"
expect_rc 0 "run a leftover" "$PODC" run "$TMP/left.json"
expect_rc 0 "cleanup --session" "$PODC" --json cleanup --session "$SESSION"
check "cleanup removed the leftover and the built image" json_out '.removed >= 2'
run "$PODC" --json ps --all --label "podc.session=$SESSION"
check "cleanup: nothing of the session left" json_out 'length == 0'

# ---- ds up --reuse: the second up resets the running stack -------------------------------
expect_rc 0 "ds up --reuse (cold)" "$PODC" --json ds up --service "$ID-re" "${FREE_PORTS[@]}" "${IMAGES[@]}" \
    --skip-redis --reuse --session "$SESSION"
check "ds up --reuse (cold): not reused" json_out '.reused == false'
expect_rc 0 "ds up --reuse (warm)" "$PODC" --json ds up --service "$ID-re" "${FREE_PORTS[@]}" "${IMAGES[@]}" \
    --skip-redis --reuse --session "$SESSION"
check "ds up --reuse (warm): reused" json_out '.reused == true'
check "ds up --reuse (warm): a reuse line in the progress" grep -q "reuse: the running stack has this definition" "$TMP/err"
expect_rc 0 "ds down after reuse" "$PODC" ds down "$ID-re"
run "$PODC" --json ps --all --label "podc.ds.stack=$ID-re"
check "ds down after reuse: nothing left" json_out 'length == 0'

# ---- migration failure (9) -----------------------------------------------------------------
mkdir -p "$TMP/badmig"
printf -- '-- +goose Up\nSELECT no_such_function_at_all();\n' >"$TMP/badmig/001_bad.sql"
expect_rc 9 "ds up: failing migration" "$PODC" --json ds up --service "$ID-mig" "${FREE_PORTS[@]}" "${IMAGES[@]}" \
    --skip-redis --migrations "$TMP/badmig" --session "$SESSION"
check "migration failure: JSON error names the file" json_err '.details.file | contains("001_bad.sql")'
run "$PODC" --json ps --all --label "podc.ds.stack=$ID-mig"
check "migration failure: nothing left behind" json_out 'length == 0'

# ---- Ctrl-C during ds up -------------------------------------------------------------------
"$PODC" ds up --service "$ID-int" "${FREE_PORTS[@]}" "${IMAGES[@]}" --session "$SESSION" >"$TMP/int.out" 2>"$TMP/int.err" &
UPPID=$!
for _ in $(seq 200); do grep -q "starting postgres" "$TMP/int.err" && break; sleep 0.05; done
check "Ctrl-C: ds up reached 'starting postgres'" grep -q "starting postgres" "$TMP/int.err"
sleep 0.5 # into the readiness wait
kill -INT "$UPPID"
wait "$UPPID"
INTRC=$?
if [ "$INTRC" -eq 130 ]; then ok; else ko "Ctrl-C: exit code $INTRC, expected 130"; fi
run "$PODC" --json ps --all --label "podc.ds.stack=$ID-int"
check "Ctrl-C: no container left" json_out 'length == 0'
run "$PODC" --json ds status "$ID-int"
check "Ctrl-C: network gone" json_out '.network_exists | not'

# ---- Ctrl-C during run (while it waits for health) ---------------------------------------
cat >"$TMP/slow.json" <<JSON
{"name": "$ID-slow", "image": "localhost/podc-base:latest", "command": ["/bin/busybox", "sleep", "300"],
 "labels": {"podc.cli.test": "$ID"}, "checks": [{"type": "log", "regex": "never-printed"}],
 "timeout_ms": 60000, "session": "$SESSION"}
JSON
START=$SECONDS
"$PODC" run "$TMP/slow.json" >"$TMP/slow.out" 2>"$TMP/slow.err" &
RUNPID=$!
for _ in $(seq 200); do grep -q ": started" "$TMP/slow.err" && break; sleep 0.05; done
sleep 0.3
kill -INT "$RUNPID"
wait "$RUNPID"
INTRC=$?
if [ "$INTRC" -eq 130 ]; then ok; else ko "Ctrl-C during run: exit code $INTRC, expected 130"; fi
check "Ctrl-C during run: ends promptly" test $((SECONDS - START)) -lt 20
run "$PODC" --json ps --all --label "podc.cli.test=$ID"
check "Ctrl-C during run: no container left" json_out 'length == 0'

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
