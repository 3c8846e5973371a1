#!/bin/sh
# valgrind.sh - build a plain Debug tree and run a subset of the test
# suite under valgrind (memcheck): every test executable runs as
#   valgrind --error-exitcode=1 --leak-check=full ...
# and so does every f8k-index / f8k-search the tests start (through
# wrapper scripts in a shadow F8K_BUILD_DIR; their reports go to
# BUILD/valgrind/*.log and are checked at the end).
#
#   scripts/valgrind.sh [-L LABEL | -R REGEX] [BUILD_DIR]
#
# Default subset: -R '^test_(parse|qparse|charset|xapian_db|status|index_add|index_robust|reliability_security)$'.
# Exit 0 when valgrind found nothing, 1 otherwise.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
sel_kind=-R
sel='^test_(parse|qparse|charset|xapian_db|status|index_add|index_robust|reliability_security)$'
case "${1:-}" in
-L | -R) sel_kind=$1; sel=$2; shift 2 ;;
esac
build=${1:-$src/build-valgrind}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not installed" >&2; exit 2; }

start=$(date +%s)
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null

logs=$build/valgrind
shadow=$build/valgrind-bin
rm -rf "$logs" "$shadow"
mkdir -p "$logs" "$shadow/indexer" "$shadow/query"
vg="valgrind --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --num-callers=30 --suppressions=$src/scripts/valgrind.supp"
[ -f "$src/scripts/valgrind.supp" ] || vg=$(echo "$vg" | sed 's/ --suppressions=[^ ]*//')
# The CLIs under valgrind: the tests exec F8K_BUILD_DIR/indexer/f8k-index etc.
for cli in indexer/f8k-index query/f8k-search; do
    cat >"$shadow/$cli" <<EOS
#!/bin/sh
exec $vg --log-file=$logs/$(basename $cli).%p.log "$build/$cli" "\$@"
EOS
    chmod +x "$shadow/$cli"
done

tests=$(cd "$build" && ctest -N $sel_kind "$sel" | sed -n 's/^ *Test *#[0-9]*: *//p')
fail=0
for t in $tests; do
    exe=$build/tests/$t
    [ -x "$exe" ] || continue
    t0=$(date +%s)
    set +e
    (cd "$build/tests" && F8K_SOURCE_DIR=$src F8K_BUILD_DIR=$shadow \
        $vg --log-file="$logs/$t.log" "$exe" >"$logs/$t.out" 2>&1)
    rc=$?
    set -e
    if [ $rc -eq 77 ]; then
        echo "skip  $t"
    elif [ $rc -ne 0 ]; then
        echo "FAIL  $t (exit $rc, $(($(date +%s) - t0)) s; see $logs/$t.log and .out)"
        fail=1
    else
        echo "ok    $t ($(($(date +%s) - t0)) s)"
    fi
done
# The CLI runs: any memcheck error or definite/indirect leak.
bad=$(grep -l -E "ERROR SUMMARY: [1-9]|(definitely|indirectly) lost: [1-9]" "$logs"/f8k-*.log 2>/dev/null || true)
ncli=$(ls "$logs"/f8k-*.log 2>/dev/null | wc -l)
if [ -n "$bad" ]; then
    echo "FAIL  CLI runs with valgrind errors:"
    echo "$bad" | sed 's/^/      /'
    fail=1
fi
echo "valgrind.sh: $(echo "$tests" | wc -w) tests, $ncli CLI runs, $(($(date +%s) - start)) s, $( [ $fail -eq 0 ] && echo 'no errors' || echo 'ERRORS')"
exit $fail
