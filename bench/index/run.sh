#!/bin/sh
# bench/index/run.sh - index the shared corpus from empty with f8k-index,
# omindex and SQLite FTS5 in one run, then f8k's no-change rerun and a
# 10x expanded corpus.  Prints wall time, MB/s, files/s, peak RSS and
# index size for each, with ratios against f8k.
#
#   bench/index/run.sh [BUILD_DIR]        (default: build)
#
# Environment: F8K_CORPUS (default ../shared/corpus), F8K_BENCH_TMP
# (default: a new directory under $TMPDIR), F8K_BENCH_SCALE (10; 0
# skips the expanded run), F8K_BENCH_JOBS (f8k --jobs; default: all
# cores).  Needs /usr/bin/time, omindex (xapian-omega), python3.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build}
bin=$build/indexer/f8k-index
corpus=${F8K_CORPUS:-$src/../shared/corpus}
scale=${F8K_BENCH_SCALE:-10}
jobs=${F8K_BENCH_JOBS:-}
tmp=${F8K_BENCH_TMP:-$(mktemp -d "${TMPDIR:-/tmp}/f8k-bench-index.XXXXXX")}

[ -x "$bin" ] || { echo "run.sh: $bin not built (cmake --build $build)" >&2; exit 2; }
[ -d "$corpus" ] || { echo "run.sh: no corpus at $corpus" >&2; exit 77; }
command -v omindex >/dev/null || { echo "run.sh: omindex not installed (apt-get install xapian-omega)" >&2; exit 2; }
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

files=$(find "$corpus" -type f | wc -l)
bytes=$(find "$corpus" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
jobsopt=""
[ -n "$jobs" ] && jobsopt="--jobs $jobs"

# measure NAME CMD...: runs CMD under /usr/bin/time; sets t_NAME, m_NAME.
measure() {
    name=$1
    shift
    /usr/bin/time -f '%e %M' -o "$tmp/time.$name" "$@" >"$tmp/out.$name" 2>"$tmp/err.$name" || {
        rc=$?
        # f8k-index exits 1 when some input failed (reported): still a run.
        [ "$rc" -eq 1 ] || { echo "run.sh: $name failed ($rc):" >&2; tail -5 "$tmp/err.$name" >&2; exit 1; }
    }
    read -r t m <"$tmp/time.$name"
    eval "t_$name=$t m_$name=$m"
}

size_of() { du -sb "$1" | cut -f1; }

row() { # NAME WALL RSS_KB SIZE_BYTES
    awk -v n="$1" -v t="$2" -v m="$3" -v s="$4" -v b="$bytes" -v f="$files" 'BEGIN {
        printf "%-22s %8.2f %8.2f %9.1f %9.1f %9.1f\n", n, t, b / 1e6 / t, f / t, m / 1024, s / 1e6 }'
}

echo "corpus: $corpus ($files files, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1e6}') MB); cores: $(nproc)"
echo "f8k-index: $bin $jobsopt"
echo

# shellcheck disable=SC2086
measure f8k "$bin" --db "$tmp/f8k" add --quiet $jobsopt "$corpus"
measure omindex omindex --db "$tmp/omega" --url / "$corpus"
measure fts5 python3 "$here/fts5.py" "$tmp/fts5.db" "$corpus"
s_f8k=$(size_of "$tmp/f8k")
s_omindex=$(size_of "$tmp/omega")
s_fts5=$(size_of "$tmp/fts5.db")

printf '%-22s %8s %8s %9s %9s %9s\n' "indexer" "wall s" "MB/s" "files/s" "RSS MB" "index MB"
row "f8k-index add" "$t_f8k" "$m_f8k" "$s_f8k"
row "omindex" "$t_omindex" "$m_omindex" "$s_omindex"
row "sqlite fts5 (python)" "$t_fts5" "$m_fts5" "$s_fts5"
echo
awk -v f="$t_f8k" -v o="$t_omindex" -v q="$t_fts5" -v sf="$s_f8k" -v so="$s_omindex" -v sq="$s_fts5" \
    -v mf="$m_f8k" -v mo="$m_omindex" -v mq="$m_fts5" 'BEGIN {
    printf "speed: f8k is %.2fx omindex, %.2fx fts5 (higher is faster)\n", o / f, q / f
    printf "size:  f8k is %.2fx omindex, %.2fx fts5 (lower is smaller)\n", sf / so, sf / sq
    printf "RSS:   f8k is %.2fx omindex, %.2fx fts5\n", mf / mo, mf / mq }'

# shellcheck disable=SC2086
measure rerun "$bin" --db "$tmp/f8k" add $jobsopt "$corpus"
awk -v r="$t_rerun" -v f="$t_f8k" 'BEGIN {printf "rerun, nothing changed: %.2f s (%.1f%% of the first run)\n", r, 100 * r / f}'
printf '  %s\n' "$(cat "$tmp/out.rerun")"

if [ "$scale" -gt 0 ]; then
    echo
    python3 "$here/expand.py" "$corpus" "$tmp/big" "$scale"
    big_files=$(find "$tmp/big" -type f | wc -l)
    big_bytes=$(find "$tmp/big" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
    rm -rf "$tmp/omega" "$tmp/fts5.db"
    # shellcheck disable=SC2086
    measure big "$bin" --db "$tmp/f8kbig" add --quiet $jobsopt "$tmp/big"
    s_big=$(size_of "$tmp/f8kbig")
    awk -v t="$t_big" -v m="$m_big" -v s="$s_big" -v b="$big_bytes" -v f="$big_files" -v k="$scale" \
        -v t1="$t_f8k" -v m1="$m_f8k" -v s1="$s_f8k" 'BEGIN {
        printf "%dx corpus (%d files, %.1f MB): %.2f s, %.2f MB/s, %.1f files/s, RSS %.1f MB, index %.1f MB\n",
            k, f, b / 1e6, t, b / 1e6 / t, f / t, m / 1024, s / 1e6
        printf "growth vs 1x: time %.2fx, RSS %.2fx, index %.2fx\n", t / t1, m / m1, s / s1 }'
fi
