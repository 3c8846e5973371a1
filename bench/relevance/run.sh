#!/usr/bin/env bash
# bench/relevance/run.sh - score f8k against omindex/quest and SQLite FTS5 on the
# judged relevance set (queries.tsv, qrels.tsv). See README.md.
#
#   bench/relevance/run.sh [--build DIR] [--work DIR] [--f8k-db DIR] [--omega-db DIR]
#                          [--fts5-db FILE] [--rebuild] [--per-query] [--no-f8k]
#
#   --build DIR     f8k build tree holding indexer/f8k-index and query/f8k-search
#                   (default $F8K_BUILD, else <repo>/build)
#   --work DIR      where indexes are built and reused (default $F8K_RELEVANCE_WORK,
#                   else ${TMPDIR:-/tmp}/f8k-relevance)
#   --f8k-db, --omega-db, --fts5-db   reuse existing indexes at these paths
#   --rebuild       rebuild the indexes even if they exist
#   --per-query     also print nDCG@10 per query and system
# Corpus: $F8K_CORPUS, default ../shared/corpus relative to the repository.
# Needs: bash, python3 (standard library; sqlite3 module with FTS5), omindex, quest.
# No network. Exits 0 after printing the figures (a missing system is reported and skipped).
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${F8K_BUILD:-$repo/build}
work=${F8K_RELEVANCE_WORK:-${TMPDIR:-/tmp}/f8k-relevance}
corpus=${F8K_CORPUS:-$repo/../shared/corpus}
f8k_db= omega_db= fts5_db= rebuild=0 per_query= no_f8k=0

while [ $# -gt 0 ]; do
    case $1 in
        --build) build=$2; shift 2 ;;
        --work) work=$2; shift 2 ;;
        --f8k-db) f8k_db=$2; shift 2 ;;
        --omega-db) omega_db=$2; shift 2 ;;
        --fts5-db) fts5_db=$2; shift 2 ;;
        --rebuild) rebuild=1; shift ;;
        --per-query) per_query=--per-query; shift ;;
        --no-f8k) no_f8k=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

if [ ! -d "$corpus" ]; then
    echo "run.sh: corpus not found at $corpus (set F8K_CORPUS)"; exit 0
fi
corpus=$(cd "$corpus" && pwd)
mkdir -p "$work"
log="$work/build.log"
echo "corpus: $corpus"
echo "work:   $work (build log $log)"

secs() { date +%s; }

# --- SQLite FTS5 --------------------------------------------------------------------
if [ -z "$fts5_db" ]; then
    fts5_db=$work/fts5.db
    if [ $rebuild = 1 ] || [ ! -s "$fts5_db" ]; then
        rm -f "$fts5_db"
        t=$(secs)
        if python3 "$here/relevance.py" build-fts5 "$corpus" "$fts5_db" >>"$log" 2>&1; then
            echo "fts5:    built in $(( $(secs) - t ))s"
        else
            echo "fts5:    build failed (see $log); skipped"; fts5_db=
        fi
    else
        echo "fts5:    reusing $fts5_db"
    fi
fi

# --- Xapian omindex -----------------------------------------------------------------
if [ -z "$omega_db" ]; then
    if ! command -v omindex >/dev/null || ! command -v quest >/dev/null; then
        echo "omindex: omindex/quest not installed; skipped"
    else
        omega_db=$work/omega
        if [ $rebuild = 1 ] || [ ! -d "$omega_db" ] || [ ! -f "$work/omega.done" ]; then
            rm -rf "$omega_db" "$work/omega.done"
            t=$(secs)
            if omindex --db "$omega_db" --url / "$corpus" >>"$log" 2>&1; then
                touch "$work/omega.done"
                echo "omindex: built in $(( $(secs) - t ))s"
            else
                echo "omindex: build failed (see $log); skipped"; omega_db=
            fi
        else
            echo "omindex: reusing $omega_db"
        fi
    fi
fi

# --- f8k ----------------------------------------------------------------------------
f8k_search=
if [ $no_f8k = 0 ]; then
    if [ -x "$build/query/f8k-search" ]; then
        f8k_search=$build/query/f8k-search
        if [ -z "$f8k_db" ]; then
            f8k_db=$work/f8k-db
            if [ $rebuild = 1 ] || [ ! -f "$work/f8k.done" ]; then
                if [ ! -x "$build/indexer/f8k-index" ]; then
                    echo "f8k:     no $build/indexer/f8k-index; skipped"; f8k_search= f8k_db=
                else
                    rm -rf "$f8k_db" "$work/f8k.done"
                    t=$(secs)
                    if "$build/indexer/f8k-index" --db "$f8k_db" add --quiet "$corpus" >>"$log" 2>&1; then
                        touch "$work/f8k.done"
                        echo "f8k:     built in $(( $(secs) - t ))s"
                    else
                        echo "f8k:     f8k-index add failed (see $log); skipped"; f8k_search= f8k_db=
                    fi
                fi
            else
                echo "f8k:     reusing $f8k_db"
            fi
        else
            echo "f8k:     reusing $f8k_db"
        fi
    else
        echo "f8k:     no $build/query/f8k-search (set F8K_BUILD or --build); skipped"
    fi
fi

echo
args=(run --corpus "$corpus" --queries "$here/queries.tsv" --qrels "$here/qrels.tsv"
      --runs-dir "$work/runs")
[ -n "$f8k_search" ] && [ -n "$f8k_db" ] && args+=(--f8k-search "$f8k_search" --f8k-db "$f8k_db")
[ -n "$omega_db" ] && args+=(--omega-db "$omega_db")
[ -n "$fts5_db" ] && args+=(--fts5-db "$fts5_db")
[ -n "$per_query" ] && args+=("$per_query")
python3 "$here/relevance.py" "${args[@]}" || echo "run.sh: scoring failed"
exit 0
