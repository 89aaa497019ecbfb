#!/usr/bin/env bash
# Write a bookworm minbase rootfs tarball (slimmed) to stdout. Used by ../build.sh:
#   mkbase.sh | podman import ... - localhost/podc-base:latest
# mmdebstrap uses the host's apt sources (no mirror argument).
# The dpkg drop-in only applies to packages dpkg installs; the Essential set is
# extracted before it takes effect, hence the customize-hook clean-up.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pkgs=$(grep -v '^\s*#' "$here/packages" | tr -s ' \n' ',' | sed 's/^,//; s/,$//')
export TMPDIR=${TMPDIR:-/dev/shm}
exec mmdebstrap --quiet --variant=minbase --format=tar --include="$pkgs" \
    --setup-hook='mkdir -p "$1/etc/dpkg/dpkg.cfg.d"' \
    --setup-hook="upload $here/dpkg-slim.conf /etc/dpkg/dpkg.cfg.d/podc-slim" \
    --essential-hook='mkdir -p "$1/etc/postgresql-common/createcluster.d"' \
    --essential-hook="upload $here/createcluster.conf /etc/postgresql-common/createcluster.d/podc.conf" \
    --customize-hook='rm -f "$1"/var/log/apt/* "$1"/var/log/dpkg.log "$1"/var/log/alternatives.log "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old' \
    --customize-hook='rm -rf "$1"/etc/postgresql/*' \
    --customize-hook='rm -rf "$1"/usr/share/man/* "$1"/usr/share/info/* "$1"/usr/share/locale/* "$1"/usr/share/lintian/* "$1"/usr/share/groff/*' \
    --customize-hook='find "$1"/usr/share/doc -mindepth 1 ! -type d ! -name copyright -delete; find "$1"/usr/share/doc -mindepth 1 -type d -empty -delete' \
    --customize-hook='for a in wget nc httpd; do ln -sf /bin/busybox "$1/usr/local/bin/$a"; done' \
    --customize-hook='mkdir -p "$1/data" && chroot "$1" chown redis:redis /data' \
    bookworm -
