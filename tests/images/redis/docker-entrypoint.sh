#!/bin/sh
# Redis entrypoint modelled on the official redis image: flags or a *.conf as
# first argument imply redis-server; as root, /data is handed to the redis
# user and the server runs as redis.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
    set -- redis-server "$@"
fi
if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
    mkdir -p /data
    find /data \! -user redis -exec chown redis:redis '{}' + 2>/dev/null || :
    umask 0077
    exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
exec "$@"
