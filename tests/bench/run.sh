#!/bin/sh
# Every benchmark of tests/bench/, in one run (not part of the test run):
# instructions per request under callgrind, module on vs not loaded and vs
# loaded with RetryWith Off; the dav/ parser microbenchmarks; the wrk A/B
# throughput. Each prints its table; all of it is also kept in
# build-bench/results.txt. RESULTS.md quotes such a run.
#   tests/bench/run.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mkdir -p "$top/build-bench"
{
    echo "== callgrind: Ir per request, off = module not loaded"
    N1=${N1:-10} N2=${N2:-60} "$here/callgrind.sh"
    echo "== callgrind: Ir per request, off = loaded with RetryWith Off"
    BASE=disabled N1=${N1:-10} N2=${N2:-60} "$here/callgrind.sh"
    echo "== dav/ parser microbenchmarks"
    "$here/microbench.sh"
    echo "== wrk A/B: on/off requests per second over alternating rounds"
    "$here/ab.sh"
} 2>&1 | tee "$top/build-bench/results.txt"
