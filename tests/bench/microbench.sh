#!/bin/sh
# Builds tests/bench/microbench.c against dav/ (optimised, as the module is)
# and runs it: ns per call, MB/s and linearity of every dav/ parser.
#   tests/bench/microbench.sh [min-ms-per-point]   (default 200)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tools/deps.sh build >/dev/null
tools/build.sh >/dev/null
out="$top/build-bench/microbench"
mkdir -p "$top/build-bench"
${CC:-cc} -O2 -g -o "$out" tests/bench/microbench.c -Idav \
    $(pkg-config --cflags apr-1 apr-util-1) dav/.libs/librwdav.a \
    $(pkg-config --libs apr-1 apr-util-1) -lexpat
exec "$out" "${1:-200}"
