#!/usr/bin/env bash
# bench/search/run.sh - search latency of f8k-search beside Xapian's quest
# (over an omindex index) and the sqlite3 CLI (FTS5), on the corpus (1x) and
# on its 10x expansion, in one run.  Prints one table; see latency.py for what
# is timed and how, queries.tsv (made by gen_queries.py) for the 200 queries.
#
# Usage: bench/search/run.sh [--scales "1 10"] [--repeat N] [--rebuild]
#                            [--no-build] [--regen-queries]
#   --no-build   build no index: time only the systems whose index exists
# Environment:
#   F8K_BUILD    build dir holding query/f8k-search, indexer/f8k-index
#                (default: <repo>/build)
#   F8K_CORPUS   the shared corpus (default: <repo>/../shared/corpus)
#   F8K_BENCH_WORK  work dir (default: /tmp/f8k-bench-search); indexes built
#                there are reused on the next run unless --rebuild
#   F8K_DB_1X F8K_DB_10X OMEGA_DB_1X OMEGA_DB_10X FTS5_DB_1X FTS5_DB_10X
#                existing indexes to use instead of building them
#   F8K_INDEX_JOBS  --jobs for f8k-index add (default 1: the machine is shared)
# A system whose index or binary is missing is reported as n/a.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${F8K_BUILD:-$repo/build}
corpus=${F8K_CORPUS:-$repo/../shared/corpus}
work=${F8K_BENCH_WORK:-/tmp/f8k-bench-search}
jobs=${F8K_INDEX_JOBS:-1}
scales="1 10"
repeat=1
rebuild=0
nobuild=0
regen=0
while [ $# -gt 0 ]; do
    case $1 in
        --scales) scales=$2; shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        --rebuild) rebuild=1; shift ;;
        --no-build) nobuild=1; shift ;;
        --regen-queries) regen=1; shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

say() { echo "run.sh: $*" >&2; }
[ -f "$corpus/MANIFEST.tsv" ] || { say "no corpus at $corpus (set F8K_CORPUS)"; exit 2; }
for t in python3 omindex quest sqlite3; do
    command -v $t >/dev/null || { say "$t not found"; exit 2; }
done
mkdir -p "$work"
queries=$here/queries.tsv
if [ $regen = 1 ] || [ ! -f "$queries" ]; then
    python3 "$here/gen_queries.py" "$corpus/MANIFEST.tsv" "$queries"
fi

search_bin=$build/query/f8k-search
index_bin=$build/indexer/f8k-index
[ -x "$search_bin" ] || say "no $search_bin: f8k rows will be n/a"

# --- corpus: OUT/0 = the corpus as it is (1x), OUT/0..OUT/9 = the 10x expansion.
# bench/index/expand.{py,sh} (the index benchmark's expander) when present,
# else bench/search/expand.py (same layout, same accession mapping).
max=1
for s in $scales; do [ "$s" -gt "$max" ] && max=$s; done
cdir=$work/corpus
if [ $nobuild = 0 ] && { [ $rebuild = 1 ] || [ ! -f "$cdir.done" ] ||
                         [ "$(cat "$cdir.done")" -lt "$max" ]; }; then
    rm -f "$cdir.done"
    if [ -f "$repo/bench/index/expand.py" ]; then
        say "expanding with bench/index/expand.py"
        python3 "$repo/bench/index/expand.py" "$corpus" "$cdir" "$max"
    elif [ -f "$repo/bench/index/expand.sh" ]; then
        say "expanding with bench/index/expand.sh"
        sh "$repo/bench/index/expand.sh" "$corpus" "$cdir" "$max"
    else
        say "expanding with bench/search/expand.py"
        python3 "$here/expand.py" "$corpus" "$cdir" "$max"
    fi
    echo "$max" > "$cdir.done"
fi
corpus_dir() {  # the directory holding the Nx corpus
    if [ "$1" = "$max" ] && [ "$1" != 1 ]; then echo "$cdir"; else echo "$cdir/0"; fi
}
[ "$(printf '%s\n' $scales | grep -vx -e 1 -e "$max" | wc -l)" = 0 ] ||
    { say "--scales takes 1 and one N"; exit 2; }

# --- indexes.  Build times go to stderr (incidental: bench/index measures them).
build_one() {  # name dest cmd...  (cmd builds "$dest.tmp")
    local name=$1 dest=$2; shift 2
    if [ $rebuild = 0 ] && [ -e "$dest" ]; then return 0; fi
    if [ $nobuild = 1 ]; then say "no $name index $dest: skipped"; return 1; fi
    rm -rf "$dest" "$dest.tmp"
    local t0=$(date +%s.%N)
    if "$@" > "$dest.log" 2>&1; then :; else
        local rc=$?
        # f8k-index exits 1 when some input failed but the rest is indexed.
        if [ "$name" = f8k ] && [ $rc = 1 ]; then
            say "f8k-index: some files failed (see $dest.log)"
        else
            say "$name index failed (exit $rc, see $dest.log)"; return 1
        fi
    fi
    mv "$dest.tmp" "$dest"
    say "$name index $(basename "$dest"): $(echo "$(date +%s.%N) - $t0" | bc) s"
}

raw=$work/raw-$(date +%Y%m%d-%H%M%S).tsv
loads=
for s in $scales; do
    label=${s}x
    dir=$(corpus_dir "$s")
    envf=F8K_DB_${s}X; envo=OMEGA_DB_${s}X; envs=FTS5_DB_${s}X
    f8kdb=${!envf:-$work/f8k-$label}
    omega=${!envo:-$work/omega-$label}
    fts5=${!envs:-$work/fts5-$label.db}
    [ -n "${!envo:-}" ] || build_one omindex "$omega" \
        nice omindex --db "$omega.tmp" --url / "$dir" || omega=
    [ -n "${!envs:-}" ] || build_one sqlite3 "$fts5" \
        nice python3 "$here/latency.py" build-fts5 "$dir" "$fts5.tmp" || fts5=
    if [ -x "$index_bin" ] && [ -z "${!envf:-}" ]; then
        build_one f8k "$f8kdb" nice "$index_bin" --db "$f8kdb.tmp" add --quiet \
            --jobs "$jobs" "$dir" || f8kdb=
    fi
    args=(--queries "$queries" --label "$label" --out "$raw" --repeat "$repeat")
    [ -x "$search_bin" ] && [ -e "$f8kdb" ] && args+=(--f8k-search "$search_bin" --f8k-db "$f8kdb")
    [ -n "$omega" ] && args+=(--omega-db "$omega")
    [ -n "$fts5" ] && args+=(--fts5-db "$fts5")
    say "timing $label ($(awk 'END{print NR-1}' "$queries") queries x $repeat)"
    load0=$(cut -d' ' -f1 /proc/loadavg)
    python3 "$here/latency.py" run "${args[@]}"
    loads+="$label: ${load0} -> $(cut -d' ' -f1 /proc/loadavg); "
done

echo "f8k search latency: $(awk 'END{print NR-1}' "$queries") queries (bench/search/queries.tsv)," \
     "whole process per query, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo "corpus 1x = $(find -L "$cdir/0" -type f | wc -l) files$( [ "$max" -gt 1 ] &&
      echo "; ${max}x = $(find "$cdir" -type f | wc -l) files (expansion, distinct accessions)")"
echo "peers: fields -> plain words, dates and facets dropped (see gen_queries.py)"
echo "1-min load average before -> after timing: $loads(cpu columns: child user+sys)"
echo
python3 "$here/latency.py" report "$raw"
echo
echo "raw timings: $raw"
