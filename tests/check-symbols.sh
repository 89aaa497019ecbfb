#!/bin/sh
# The shared library must export the podc_* API and nothing else.
so="${top_builddir:-.}/lib/.libs/libpodc.so"
[ -f "$so" ] || { echo "missing $so"; exit 1; }
nm_tool="${NM:-nm}"  # libtool sets NM="nm -B": keep it unquoted below
exported=$($nm_tool -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}')
count=$(printf '%s\n' "$exported" | grep -c '^podc_' || true)
bad=$(printf '%s\n' "$exported" | grep -v '^podc_' | grep -v '^PODC_0$' | grep -v '^$' || true)
if [ -n "$bad" ]; then
    echo "symbols exported that are not podc_*:"; printf '%s\n' "$bad"
    exit 1
fi
if [ "$count" -lt 10 ]; then
    echo "only $count podc_* symbols exported: the API is missing"; exit 1
fi
echo "exported: $count podc_* symbols, nothing else"
echo "1 passed, 0 failed"
