#!/bin/sh
# Runs every test: the dav/ unit tests (Check), then the integration tests
# (pytest: a private httpd with mod_dav_fs and the module, litmus, curl,
# cadaver, rclone). Installs what is missing first. The last line is
# pytest's summary; the exit status is non-zero if anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tools/deps.sh test || exit 1
tools/build.sh >/dev/null || { echo "build failed" >&2; exit 1; }
. tools/lib.sh
httpd_paths || exit 1

make check >tests/unit-check.log 2>&1
unit=$?
grep -E "^[0-9]+%: Checks:" tests/unit/test_rwdav.log 2>/dev/null \
    || tail -20 tests/unit-check.log
[ $unit -eq 0 ] || { echo "make check FAILED (tests/unit-check.log):"; \
                     grep -E "^(FAIL|ERROR):" tests/unit-check.log; \
                     grep -E ":[EF]:" tests/unit/test_rwdav.log | head -40; }

/usr/bin/python3 -m pytest -q -p no:cacheprovider tests "$@"
it=$?
[ $unit -eq 0 ] && [ $it -eq 0 ]
