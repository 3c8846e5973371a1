#!/bin/sh
# make demo: index the bundled sample filings into a fresh database and run
# the searches listed in corpus/samples/DEMO_QUERIES.tsv.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
db="$top/demo-db"
index="$top/$build/indexer/f8k-index"
search="$top/$build/query/f8k-search"

rm -rf "$db"
echo "== f8k-index --db demo-db add corpus/samples"
"$index" --db "$db" add "$top/corpus/samples"
echo
"$index" --db "$db" status
echo

tab=$(printf '\t')
grep -v '^#' "$top/corpus/samples/DEMO_QUERIES.tsv" | grep -v '^query' |
while IFS="$tab" read -r query expected; do
    [ -n "$query" ] || continue
    echo "== f8k-search --limit 3 '$query'      (expect $expected first)"
    # The query is one argument; f8k-search never hands it to a shell.
    "$search" --db "$db" --limit 3 "$query" || true
    echo
done

echo "== f8k-search --format json --limit 1 'chief financial officer'"
"$search" --db "$db" --format json --limit 1 "chief financial officer"
echo
echo "The demo database is in demo-db/; try: $search --db demo-db 'your words'"
