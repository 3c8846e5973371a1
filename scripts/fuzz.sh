#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS_TOTAL] - a bounded fuzz run of every parser of
# outside input, for CI (issue 7).
#
# Configures build-fuzz/ with clang, -DF8K_BUILD_FUZZERS=ON and ASan+UBSan
# (CMAKE_BUILD_TYPE=AddressSanitizer), builds the six libFuzzer targets,
# seeds their corpora in a temporary directory from the shared corpus
# ($F8K_CORPUS, a sample truncated to 64 KiB a file) and corpus/samples,
# runs each target for its share of SECONDS_TOTAL (default 480; two at a
# time on two cores), prints executions, exec/s and PASS/FAIL per target,
# and exits 1 on any crash, leak, sanitizer report or timeout (an input
# taking over a second), 2 on a build or usage error.
#
# Environment: F8K_CORPUS (default ../shared/corpus beside the checkout),
# F8K_FUZZ_BUILD (build dir, default build-fuzz), F8K_FUZZ_JOBS (targets
# run at once, default 2), F8K_FUZZ_SEEDS_PER_DIR (corpus files per corpus
# directory, default 24), F8K_FUZZ_KEEP=1 (keep the temp dir).  Crash
# inputs are copied to $F8K_FUZZ_BUILD/fuzz-artifacts/<target>/.
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
total=${1:-480}
case $total in '' | *[!0-9]*) echo "usage: $0 [SECONDS_TOTAL]" >&2; exit 2 ;; esac
build=${F8K_FUZZ_BUILD:-$root/build-fuzz}
jobs=${F8K_FUZZ_JOBS:-2}
per_dir=${F8K_FUZZ_SEEDS_PER_DIR:-24}
corpus=${F8K_CORPUS:-$root/../shared/corpus}
targets="fuzz_qparse fuzz_parse_sgml fuzz_parse_html fuzz_cover fuzz_analyzer fuzz_charset"
declare -A max_len=([fuzz_qparse]=600 [fuzz_parse_sgml]=65536 [fuzz_parse_html]=65536
                    [fuzz_cover]=16384 [fuzz_analyzer]=16384 [fuzz_charset]=65536)
started=$(date +%s)

command -v clang >/dev/null || { echo "fuzz.sh: clang not found" >&2; exit 2; }

# --- build ----------------------------------------------------------------
# -fsanitize=fuzzer-no-link on every C file gives libFuzzer coverage of the
# libraries too (fuzz_parse_* link f8k::indexer rather than compiling it in).
echo "== configure and build $build"
if ! CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DF8K_BUILD_FUZZERS=ON \
        -DCMAKE_BUILD_TYPE=AddressSanitizer -DCMAKE_C_FLAGS=-fsanitize=fuzzer-no-link \
        >"$build.configure.log" 2>&1; then
    cat "$build.configure.log" >&2; echo "fuzz.sh: configure failed" >&2; exit 2
fi
if ! cmake --build "$build" -j"$jobs" --target $targets >"$build.build.log" 2>&1; then
    tail -40 "$build.build.log" >&2; echo "fuzz.sh: build failed" >&2; exit 2
fi
bin() { find "$build" -type f -perm -u+x -name "$1" | head -1; }
for t in $targets; do
    [ -n "$(bin "$t")" ] || { echo "fuzz.sh: $t was not built" >&2; exit 2; }
done
built=$(date +%s)
echo "   built in $((built - started)) s"

# --- seeds ----------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/f8k-fuzz.XXXXXX")
[ "${F8K_FUZZ_KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
for t in $targets; do mkdir -p "$work/$t/corpus" "$work/$t/artifacts"; done

n=0
seed() { # FILE: one seed per target, cut to each target's length
    local f=$1 name size
    n=$((n + 1)); name=$(printf 's%04d' "$n")
    size=$(stat -c %s "$f")
    for t in fuzz_parse_sgml fuzz_parse_html fuzz_charset; do
        head -c 65536 "$f" >"$work/$t/corpus/$name"
    done
    # cover: a control byte (filed date, form, company; see fuzz_cover.c), then
    # the file with its markup crudely stripped, as the document text it holds
    { printf "\\$(printf '%03o' $(( (n * 37) & 0x5f )))"
      head -c 262144 "$f" | sed -e 's/<[^>]*>/ /g' -e 's/&nbsp;\|&#160;\|&#xa0;/ /gI' \
          | tr -s ' \t' | head -c 16383; } >"$work/fuzz_cover/corpus/$name"
    head -c 16384 "$f" >"$work/fuzz_analyzer/corpus/$name"
    if [ "$size" -gt 8192 ]; then # the body, past the header, too
        tail -c +$((size / 2)) "$f" | head -c 8192 >"$work/fuzz_analyzer/corpus/$name-mid"
    fi
}
if [ -d "$corpus" ]; then
    for d in "$corpus"/*/; do
        mapfile -t files < <(find "$d" -type f ! -name '*.tsv' ! -name '*.md' | LC_ALL=C sort)
        cnt=${#files[@]}
        [ "$cnt" -gt 0 ] || continue
        step=$(( cnt > per_dir ? cnt / per_dir : 1 ))
        for ((i = 0; i < cnt && i / step < per_dir; i += step)); do seed "${files[$i]}"; done
    done
else
    echo "   (no shared corpus at $corpus: samples only)"
fi
while IFS= read -r f; do seed "$f"; done < <(find "$root/corpus/samples" -type f \
    ! -name '*.tsv' ! -name 'README.md' | LC_ALL=C sort)
# Queries: the demo queries, then a few hand-written ones.
q=0
{
    tail -n +2 "$root/corpus/samples/DEMO_QUERIES.tsv" | cut -f1
    printf '%s\n' 'chief financial officer' '"cost reduction" NOT layoffs' \
        'item:5.02 company:"Acme Corp" filed:2004-08-23..2010-01-01' 'cfo* OR (ceo AND -resigned)' \
        'officer:"Jane Doe" role:cfo form:8-K/A' 'cik:0000320193 year:2020' '$1.5 million 12.5%'
} | while IFS= read -r line; do
    [ -n "$line" ] || continue
    q=$((q + 1)); printf '%s' "$line" >"$work/fuzz_qparse/corpus/q$q"
done
echo "   seeds: $n files ($(du -sh "$work" | cut -f1)), $(ls "$work/fuzz_qparse/corpus" | wc -l) queries"

# --- run ------------------------------------------------------------------
ntargets=$(echo $targets | wc -w)
share=$(( total * jobs / ntargets ))
[ "$share" -ge 1 ] || share=1
echo "== fuzzing: $ntargets targets, $share s each, $jobs at a time"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=
run_one() {
    local t=$1 exe
    exe=$(bin "$t")
    # libFuzzer does not stop during the seed corpus run; timeout(1) bounds
    # it (SIGINT: libFuzzer prints its stats and exits; counted as a pass).
    ( cd "$work/$t" && timeout -s INT -k 10 $((share + 10)) "$exe" -max_total_time="$share" -timeout=1 -rss_limit_mb=2048 \
        -max_len="${max_len[$t]}" -detect_leaks=1 -print_final_stats=1 \
        -artifact_prefix="$work/$t/artifacts/" corpus >"$work/$t/log" 2>&1
      echo $? >"$work/$t/rc" )
}
set -- $targets
while [ $# -gt 0 ]; do
    pids=""
    for ((k = 0; k < jobs && $# > 0; k++)); do run_one "$1" & pids="$pids $!"; shift; done
    wait $pids
done

# --- report ---------------------------------------------------------------
fail=0
printf '%-16s %12s %9s  %s\n' target executions exec/s result
for t in $targets; do
    log=$work/$t/log rc=$(cat "$work/$t/rc" 2>/dev/null || echo 99)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if [ -z "$execs" ]; then # no final stats (killed): the last status line
        execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    fi
    why="" note=""
    case $rc in 0) ;; 124) note=" (stopped at $((share + 10)) s)" ;; *) why="exit $rc" ;; esac
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|ALARM: working on|check failed' "$log"; then
        why="${why:+$why, }$(grep -oE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)[^(]*|runtime error:.*|ALARM: working on.*|[^ ]*check failed' "$log" | head -1)"
    fi
    if ls "$work/$t/artifacts/"* >/dev/null 2>&1; then
        mkdir -p "$build/fuzz-artifacts/$t"
        cp "$work/$t/artifacts/"* "$build/fuzz-artifacts/$t/"
        why="${why:+$why; }artifacts in $build/fuzz-artifacts/$t"
    fi
    if [ -z "$why" ]; then
        printf '%-16s %12s %9s  PASS%s\n' "$t" "${execs:-?}" "${rate:-?}" "$note"
    else
        fail=1
        printf '%-16s %12s %9s  FAIL (%s)\n' "$t" "${execs:-?}" "${rate:-?}" "$why"
        cp "$log" "$build/fuzz-$t.log"
        echo "   log: $build/fuzz-$t.log"
    fi
done
ended=$(date +%s)
echo "== total $((ended - started)) s (build $((built - started)) s, fuzzing $((ended - built)) s)"
exit $fail
