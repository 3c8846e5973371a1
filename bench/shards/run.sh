#!/usr/bin/env bash
# bench/shards/run.sh - f8k over shards: build time of 1, 2 and 4 shards
# built in parallel (split by hand into one f8k-index per shard, and by
# one `f8k-index add --shard-by hash:N`), then search latency
# (p50/p99/mean, one client) and throughput (queries a second from 8
# parallel clients), each through a local stub and through xapian-tcpsrv
# on loopback.  One table a scale; shards.py says what is timed and how.
#
# Usage: bench/shards/run.sh [--scales "1 10"] [--shards "1 2 4"]
#                            [--builds "split shard-by"]
#                            [--clients N] [--max-queries N] [--rebuild]
#   --scales  1: the corpus; 10: its 10x expansion (bench/search's
#             expander; about 1.4 GB of files, and the shards ten times
#             the 1x size)            (default: 1)
#   --builds  split: one f8k-index --jobs 1 per shard on its share of
#             the files; shard-by: one f8k-index add --shard-by hash:N
#             (default: both)
#   --max-queries N  every k-th of bench/search/queries.tsv's 200 queries,
#             at most N of them (default: all)
# Environment:
#   F8K_BUILD       build dir with query/f8k-search, indexer/f8k-index
#                   (default: <repo>/build)
#   F8K_CORPUS      the shared corpus (default: <repo>/../shared/corpus)
#   F8K_BENCH_WORK  work dir (default: /tmp/f8k-bench-shards); shards
#                   built there are reused unless --rebuild
#   F8K_CORPUS_10X  an existing 10x expansion to use (for instance
#                   bench/search's, /tmp/f8k-bench-search/corpus)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${F8K_BUILD:-$repo/build}
corpus=${F8K_CORPUS:-$repo/../shared/corpus}
work=${F8K_BENCH_WORK:-/tmp/f8k-bench-shards}
scales=1
shards="1 2 4"
builds="split shard-by"
clients=8
maxq=0
rebuild=()
while [ $# -gt 0 ]; do
    case $1 in
        --scales) scales=$2; shift 2 ;;
        --shards) shards=$2; shift 2 ;;
        --builds) builds=$2; shift 2 ;;
        --clients) clients=$2; shift 2 ;;
        --max-queries) maxq=$2; shift 2 ;;
        --rebuild) rebuild=(--rebuild); shift ;;
        -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -f "$corpus/MANIFEST.tsv" ] || { echo "run.sh: no corpus at $corpus" >&2; exit 2; }
for t in python3 xargs xapian-tcpsrv; do
    command -v $t >/dev/null || { echo "run.sh: $t not found" >&2; exit 2; }
done
for b in query/f8k-search indexer/f8k-index; do
    [ -x "$build/$b" ] || { echo "run.sh: no $build/$b (set F8K_BUILD)" >&2; exit 2; }
done
mkdir -p "$work"
for s in $scales; do
    if [ "$s" = 1 ]; then
        dir=$corpus
    else
        dir=$work/corpus-${s}x
        [ "$s" = 10 ] && [ -n "${F8K_CORPUS_10X:-}" ] && dir=$F8K_CORPUS_10X
        if [ ! -d "$dir" ] || { [ "$dir" = "$work/corpus-${s}x" ] && [ ! -f "$dir.done" ]; }; then
            rm -rf "$dir"
            python3 "$repo/bench/search/expand.py" "$corpus" "$dir" "$s"
            touch "$dir.done"
        fi
    fi
    python3 "$here/shards.py" --corpus "$dir" --work "$work/${s}x" --build "$build" \
        --queries "$repo/bench/search/queries.tsv" --shards "$shards" --builds "$builds" \
        --clients "$clients" \
        --max-queries "$maxq" \
        --label "${s}x" "${rebuild[@]}"
done
