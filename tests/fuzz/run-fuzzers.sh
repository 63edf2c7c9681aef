#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz/ with clang and runs each for a
# while.
#
#   tests/fuzz/run-fuzzers.sh [seconds-per-target] [target...]
#
#   seconds-per-target  default 60
#   target              depth flags destination if timeout locktoken body
#                       echo (default: every tests/fuzz/fuzz_*.c)
#
# Everything goes under tests/fuzz/build/ (git-ignored):
#   build/obj/            dav/*.c and pool_shim.c, compiled once per run
#   build/fuzz_<name>     the fuzzer
#   build/corpus-new/<name>/  the writable corpus: the committed seeds of
#                         tests/fuzz/corpus/<name>/ are copied in (except the
#                         inputs listed in tests/fuzz/known-crashes) and
#                         libFuzzer adds every new interesting input there;
#                         it grows across runs
#   build/crashes/<name>/ crash-*, leak-*, timeout-*, oom-* artifacts
#   build/logs/<name>.log the fuzzer's output
#
# Environment:
#   CC          clang (default: clang)
#   FUZZ_FLAGS  compile flags (default below, plus -fno-sanitize-recover so
#               that undefined behaviour is a crash, not a message)
#   FUZZ_DEFINES  more compile flags (e.g. an opt-in define a target offers
#               to fuzz past a known, not yet fixed fault)
#   FUZZ_ARGS   extra libFuzzer flags, e.g. "-max_len=8192 -jobs=2"
#   FUZZ_FORK   N > 0: libFuzzer's -fork=N with -ignore_crashes=1, so that a
#               run goes on after the first crash (default 0: stop at it)
#
# Needs clang with compiler-rt's libFuzzer (Debian: libclang-rt-14-dev, with
# clang-14), the APR, APR-util and expat development files, pkg-config.
#
# Exit status: 0 when no target crashed, 1 when one did, 2 on a build error.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
"$top/tools/deps.sh" fuzz
build=$here/build

secs=60
if [ $# -gt 0 ]; then
    case $1 in
        ''|*[!0-9]*) ;;
        *) secs=$1; shift ;;
    esac
fi
if [ $# -gt 0 ]; then
    targets=$*
else
    targets=$(cd "$here" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
fi

CC=${CC:-clang}
FUZZ_FLAGS=${FUZZ_FLAGS:--g -O1 -fsanitize=fuzzer,address,undefined}
FUZZ_FLAGS="$FUZZ_FLAGS -fno-sanitize-recover=undefined ${FUZZ_DEFINES:-}"
FUZZ_ARGS=${FUZZ_ARGS:-}
FUZZ_FORK=${FUZZ_FORK:-0}
APR_CFLAGS="-I/usr/include/apr-1.0 $(pkg-config --cflags apr-1 2>/dev/null || true)"
INCS="$APR_CFLAGS -I$top/dav -I$here"

for t in $targets; do
    if [ ! -f "$here/fuzz_$t.c" ]; then
        echo "run-fuzzers: no target $t (tests/fuzz/fuzz_$t.c)" >&2
        exit 2
    fi
done

mkdir -p "$build/obj" "$build/logs"

# dav/ with the same flags: coverage, ASan and UBSan inside the library.
echo "== building dav/ with: $CC $FUZZ_FLAGS"
objs=
for src in "$top"/dav/*.c; do
    o=$build/obj/$(basename "$src" .c).o
    # shellcheck disable=SC2086
    $CC $FUZZ_FLAGS $INCS -c "$src" -o "$o" || exit 2
    objs="$objs $o"
done
# the pool shim: sanitizers only, no coverage of its own
# shellcheck disable=SC2086
$CC -g -O1 -fsanitize=address,undefined $APR_CFLAGS \
    -c "$here/pool_shim.c" -o "$build/obj/pool_shim.o" || exit 2

summary=
failed=0
for t in $targets; do
    bin=$build/fuzz_$t
    corpus=$build/corpus-new/$t
    crashes=$build/crashes/$t
    log=$build/logs/$t.log
    dict=$here/dict/$t.dict

    echo "== $t: building $bin"
    # shellcheck disable=SC2086
    $CC $FUZZ_FLAGS $INCS "$here/fuzz_$t.c" $objs "$build/obj/pool_shim.o" \
        -o "$bin" -lapr-1 -laprutil-1 -lexpat -ldl || exit 2

    mkdir -p "$corpus" "$crashes"
    # the committed seeds, minus the inputs that still crash on purpose
    for f in "$here/corpus/$t"/*; do
        [ -f "$f" ] || continue
        b=$(basename "$f")
        if [ -f "$here/known-crashes" ] && awk -v k="$t/$b" '
                { sub(/#.*/, ""); gsub(/^[ \t]+|[ \t\r]+$/, "") }
                $0 == k { found = 1 }
                END { exit !found }' "$here/known-crashes"; then
            continue
        fi
        [ -e "$corpus/$b" ] || cp "$f" "$corpus/$b"
    done
    before=$(ls "$crashes" | wc -l)

    set -- -max_total_time="$secs" -artifact_prefix="$crashes/" \
        -print_final_stats=1
    [ -f "$dict" ] && set -- "$@" -dict="$dict"
    [ "$FUZZ_FORK" -gt 0 ] && set -- "$@" -fork="$FUZZ_FORK" \
        -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1
    echo "== $t: fuzzing for ${secs}s (log: $log)"
    rc=0
    # shellcheck disable=SC2086
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
        "$bin" "$@" $FUZZ_ARGS "$corpus" > "$log" 2>&1 || rc=$?

    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    if [ -z "$runs" ]; then
        # fork mode: the last "#N: ..." status line
        runs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
    fi
    after=$(ls "$crashes" | wc -l)
    new=$((after - before))
    if [ "$rc" -ne 0 ] && [ "$new" -eq 0 ]; then
        new="?"   # died without an artifact: read the log
    fi
    line="$t: runs=${runs:-?} crashes=$new corpus=$(ls "$corpus" | wc -l) exit=$rc"
    echo "== $line"
    if [ "$new" != 0 ]; then
        failed=1
        grep -m 1 -E "^SUMMARY|property violated|ERROR: libFuzzer" "$log" \
            | sed 's/^/   /' || true
        ls -t "$crashes" | head -n 5 | sed "s|^|   $crashes/|"
    fi
    summary="$summary$line
"
done

echo
echo "== summary (${secs}s per target)"
printf '%s' "$summary"
if [ "$failed" -ne 0 ]; then
    echo "crashes found: minimise with"
    echo "  tests/fuzz/build/fuzz_<name> -minimize_crash=1 -runs=100000 \\"
    echo "      -exact_artifact_path=tests/fuzz/corpus/<name>/crash-<what> <artifact>"
    echo "and see tests/fuzz/README.md"
fi
exit "$failed"
