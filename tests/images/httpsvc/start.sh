#!/bin/sh
# localhost/podc-httpsvc:test entrypoint: serve /srv/http on ${PORT:-8080}.
set -e
date +%s >/tmp/httpsvc.started
echo "httpsvc: starting on port ${PORT:-8080} (HEALTHZ_STATUS=${HEALTHZ_STATUS:-200}${HEALTHZ_READY_AFTER:+, HEALTHZ_READY_AFTER=$HEALTHZ_READY_AFTER})"
exec cgi-httpd "${PORT:-8080}:/srv/http"
