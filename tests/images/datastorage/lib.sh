# Shared by the DataStorage stand-in CGI scripts (sourced). Connection settings
# come from the environment prepared by datastorage-standin:
#   PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSSLMODE PGCONNECT_TIMEOUT
#   DS_REDIS_HOST DS_REDIS_PORT DS_REDIS_DB REDISCLI_AUTH (redis unset = not configured)

# db_check: 0 when `SELECT 1` answers; error text in $db_err
db_check() {
    local out
    if out=$(psql -X -q -t -A -c 'SELECT 1' 2>&1) && [ "$out" = 1 ]; then
        db_err=; return 0
    fi
    db_err=$(printf '%s' "$out" | head -n1); return 1
}

redis_configured() { [ -n "${DS_REDIS_HOST:-}" ]; }

# rcli ARGS...: redis-cli against the configured server (3 s limit)
rcli() {
    timeout 3 redis-cli --no-auth-warning -h "$DS_REDIS_HOST" -p "$DS_REDIS_PORT" -n "${DS_REDIS_DB:-0}" "$@"
}

# redis_check: 0 when PING answers PONG; error text in $redis_err
redis_check() {
    local out
    if out=$(rcli ping 2>&1) && [ "$out" = PONG ]; then
        redis_err=; return 0
    fi
    redis_err=$(printf '%s' "${out:-no answer}" | head -n1); return 1
}

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g; s/\t/\\t/g' | tr -d '\r\n')"; }

reply() { # reply STATUS BODY [CONTENT-TYPE]
    printf 'Status: %s\r\nContent-Type: %s\r\n\r\n%s\n' "$1" "${3:-application/json}" "$2"
}
