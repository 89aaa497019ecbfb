#!/bin/sh
# The libraries show the documented API and nothing else: the functions declared PODC_EXTERN in
# include/podc/, the version script's list (lib/libpodc.sym), what the shared library exports
# and the podc_* symbols of the static library are one and the same set; every other global
# symbol of the static library has the internal prefix pdc_. Every builder setter
# (podc_<builder>_set_*/_add_*, podc_filters_add) has the one setter signature: an int result and
# an optional podc_error ** last.
b="${top_builddir:-.}"
s="${srcdir:-.}"
so="$b/lib/.libs/libpodc.so"
a="$b/lib/.libs/libpodc.a"
nm_tool="${NM:-nm}"  # libtool sets NM="nm -B": keep it unquoted below
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0; passed=0
check() { # name, then the command's status
    if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else echo "FAIL: $1"; fail=$((fail + 1)); fi
}

# declared: PODC_EXTERN ... podc_name( in the public headers (declarations may span lines)
cat "$s"/include/podc/*.h | tr '\n' ' ' | grep -o 'PODC_EXTERN[^;{]*' |
    sed -n 's/.*\(podc_[a-z0-9_]*\) *(.*/\1/p' | sort -u >"$tmp/declared"
# listed: the version script's global names
sed -n '/global:/,/local:/p' "$s/lib/libpodc.sym" | sed -n 's/^ *\(podc_[a-z0-9_]*\);.*/\1/p' | sort -u >"$tmp/listed"
[ -s "$tmp/declared" ] && [ "$(wc -l <"$tmp/declared")" -ge 10 ]
check "the headers declare the API ($(wc -l <"$tmp/declared") functions)" $?
cmp -s "$tmp/declared" "$tmp/listed"
rc=$?; check "lib/libpodc.sym lists exactly the declared API" $rc
[ $rc -eq 0 ] || diff "$tmp/declared" "$tmp/listed" | sed 's/^</  declared only:/; s/^>/  listed only:/' | grep only

# setters: the declarations (one line each once joined) whose name has _set/_add as a word
cat "$s"/include/podc/*.h | tr '\n' ' ' | sed 's/  */ /g' | grep -o 'PODC_EXTERN[^;{]*;' |
    grep -E ' podc_[a-z0-9_]*_(set|add)(_[a-z0-9_]*)? ?\(' >"$tmp/setters"
odd=$(grep -Ev '^PODC_EXTERN int podc_[a-z0-9_]+ ?\(.*, podc_error \*\*err\);$' "$tmp/setters" || true)
[ "$(wc -l <"$tmp/setters")" -ge 100 ] && [ -z "$odd" ]
check "every builder setter returns int and takes podc_error **err last ($(wc -l <"$tmp/setters") setters)" $?
[ -z "$odd" ] || printf '  %s\n' "$odd"

if [ -f "$so" ]; then
    $nm_tool -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | grep -v '^PODC_0$' |
        sort -u >"$tmp/exported"
    cmp -s "$tmp/declared" "$tmp/exported"
    rc=$?; check "libpodc.so exports exactly the declared API" $rc
    [ $rc -eq 0 ] || diff "$tmp/declared" "$tmp/exported" | sed 's/^</  not exported:/; s/^>/  exported, not declared:/' |
        grep ':'
else
    check "libpodc.so is built ($so)" 1
fi

if [ -f "$a" ]; then
    $nm_tool -g --defined-only "$a" 2>/dev/null | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u >"$tmp/static"
    grep '^podc_' "$tmp/static" >"$tmp/static_api"
    cmp -s "$tmp/declared" "$tmp/static_api"
    rc=$?; check "libpodc.a's podc_* symbols are exactly the declared API" $rc
    [ $rc -eq 0 ] || diff "$tmp/declared" "$tmp/static_api" | sed 's/^</  missing:/; s/^>/  internal with the public prefix:/' |
        grep ':'
    # (the sanitizers add symbols of their own, e.g. __odr_asan.<global> under ASan)
    other=$(grep -v '^podc_' "$tmp/static" | grep -v '^pdc_' | grep -Ev '^__(odr_asan|asan|ubsan|tsan)' || true)
    [ -z "$other" ]
    check "libpodc.a's other global symbols are all pdc_* ($(grep -c '^pdc_' "$tmp/static") internal)" $?
    [ -z "$other" ] || printf '  %s\n' $other
else
    echo "(no static library: $a; configure --disable-static)"
fi

echo "API: $(wc -l <"$tmp/declared") functions"
echo "$passed passed, $fail failed"
[ "$fail" -eq 0 ]
