#!/bin/sh
# Builds mod_retrywith, dav/ and the unit tests with ASan + UBSan in
# build-asan/ (a copy of the tracked sources), runs the unit tests, then the
# integration tests with Debian's httpd loading that build (the sanitizer
# runtime preloaded into httpd only). Any sanitizer report in an error_log
# fails the test that caused it.
#   tools/sanitize.sh [pytest args...]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tools/deps.sh test
b="$top/build-asan"
rm -rf "$b"
mkdir -p "$b"
git ls-files -z | xargs -0 cp --parents -t "$b"
cd "$b"
autoreconf -fi >/dev/null 2>&1
./configure -q --enable-sanitizers >/dev/null
make -j"$(nproc)" >/dev/null
asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
# httpd's pools are freed at exit in bulk: leak reports there say nothing
# about requests, so leaks are left to valgrind (tools/valgrind.sh).
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:print_summary=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
make check >unit-check.log 2>&1 || { cat tests/unit/test_rwdav.log; exit 1; }
grep -E "^[0-9]+%: Checks:" tests/unit/test_rwdav.log
cd "$top"
RETRYWITH_MODULE="$b/mod_retrywith/.libs/mod_retrywith.so" \
RETRYWITH_HTTPD_PRELOAD="$asan $ubsan" \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/integration "$@"
