#!/bin/bash
# ab-lib.sh - the same bench_ds binary against two builds of libpodc, taking turns, to tell
# whether a library change made the DataStorage up slower (the ABI is one, so the binary runs
# on either: only the library differs).
# Usage: bench/ab-lib.sh OLD_LIBDIR [rounds]   (OLD_LIBDIR: a build's lib/.libs, e.g. of the
#        commit before the change; the new one is this tree's build/lib/.libs)
# Per round, one bench_ds run a library (the old first in odd rounds): its up alone against
# Postgres's floor, and one stack against four side by side. Prints each round, the medians
# and new/old ratios of the medians.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
old=${1:?usage: bench/ab-lib.sh OLD_LIBDIR [rounds]}
rounds=${2:-3}
new=$here/build/lib/.libs
bin=$here/build/bench/.libs/bench_ds
[ -x "$bin" ] || { echo "ab-lib: build bench/bench_ds first (make -C build bench/bench_ds)" >&2; exit 2; }
export PODC_BENCH_MIGRATIONS=${PODC_BENCH_MIGRATIONS:-$here/tests/images/datastorage/migrations}

# one bench_ds run on library dir $1: prints "up one four"
measure() {
    local out
    out=$(LD_LIBRARY_PATH=$1 "$bin" 1 0 1 2>/dev/null)
    local up one four
    up=$(sed -n 's/^round 1: .*| up \([0-9.]*\) s.*/\1/p' <<<"$out" | head -1)
    one=$(sed -n 's/^round 1 (.*): one \([0-9.]*\) s.*/\1/p' <<<"$out" | head -1)
    four=$(sed -n 's/^round 1 (.*| four \([0-9.]*\) s until.*/\1/p' <<<"$out" | head -1)
    echo "${up:-nan} ${one:-nan} ${four:-nan}"
}

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }

declare -a o_up o_one o_four n_up n_one n_four
for r in $(seq 1 "$rounds"); do
    if (( r % 2 )); then
        read -r ou oo of < <(measure "$old"); read -r nu no nf < <(measure "$new")
    else
        read -r nu no nf < <(measure "$new"); read -r ou oo of < <(measure "$old")
    fi
    o_up+=("$ou"); o_one+=("$oo"); o_four+=("$of"); n_up+=("$nu"); n_one+=("$no"); n_four+=("$nf")
    echo "round $r ($( (( r % 2 )) && echo old || echo new) first): up old $ou s new $nu s | one old $oo s new $no s |" \
         "four side by side old $of s new $nf s"
done
mu_o=$(printf '%s\n' "${o_up[@]}" | median); mu_n=$(printf '%s\n' "${n_up[@]}" | median)
m1_o=$(printf '%s\n' "${o_one[@]}" | median); m1_n=$(printf '%s\n' "${n_one[@]}" | median)
m4_o=$(printf '%s\n' "${o_four[@]}" | median); m4_n=$(printf '%s\n' "${n_four[@]}" | median)
awk -v a="$mu_o" -v b="$mu_n" -v c="$m1_o" -v d="$m1_n" -v e="$m4_o" -v f="$m4_n" -v n="$rounds" 'BEGIN {
    printf "medians of %d: up old %.3f s new %.3f s = %.2fx | one old %.3f s new %.3f s = %.2fx | four old %.3f s new %.3f s = %.2fx (new/old; <= 1 = no slower)\n",
           n, a, b, b / a, c, d, d / c, e, f, f / e }'
