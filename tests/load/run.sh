#!/bin/sh
# Load and faults, loopback only, bounded in time: wrk with 64 connections
# for DURATION seconds (default 60) over a mix of valid and refused requests
# (mix.lua), with a graceful restart half-way. Reports requests by status,
# unexpected 5xx, child crashes in the error_log, the children's resident
# memory before and after, and whether the refused requests left the
# read-only tree unchanged. Exit status 0 when all of that holds.
#   tests/load/run.sh [DURATION]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
duration=${1:-${DURATION:-60}}
cd "$top"
. tools/lib.sh
tools/deps.sh test >/dev/null || exit 1
command -v wrk >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || exit 1; }
tools/build.sh >/dev/null || exit 1
httpd_paths || exit 1
w="$top/build-load"
rm -rf "$w"; mkdir -p "$w"
port=$(free_port)
tools/mkconf.sh "$w/run" "$port" "$w/share"
mkdir -p "$w/share/load/ro" "$w/share/load/scratch" "$w/share/retry"
head -c 1024 /dev/urandom > "$w/share/load/ro/1k.txt"
chown -R www-data "$w/share" 2>/dev/null || true
conf="$w/run/httpd.conf"
"$HTTPD_BIN" -f "$conf" -k start || exit 1
trap '"$HTTPD_BIN" -f "$conf" -k stop 2>/dev/null' EXIT
wait_httpd "http://127.0.0.1:$port/dav/" || exit 1

rss() {  # total resident KiB of the children
    ppid=$(cat "$w/run/httpd.pid")
    ps --ppid "$ppid" -o rss= | awk '{s+=$1} END {print s+0}'
}
ro_sum() { (cd "$w/share/load/ro" && find . -type f -exec sha256sum {} + | sort | sha256sum); }

before_sum=$(ro_sum)
# warm up so every child has served requests before the first reading
wrk -t2 -c16 -d3s -s tests/load/mix.lua "http://127.0.0.1:$port" >/dev/null 2>&1
rss_before=$(rss)

half=$((duration / 2))
# first half: the same children throughout, in three slices, so their
# memory can be seen to level off (httpd's allocators keep freed blocks up to
# MaxMemFree per thread, so the first slices grow)
slice=$((half / 3)); [ $slice -ge 1 ] || slice=1
rss_series="$rss_before"
: > "$w/wrk1.out"
for k in 1 2 3; do
    wrk -t2 -c64 -d"${slice}s" --latency -s tests/load/mix.lua \
        "http://127.0.0.1:$port" >> "$w/wrk1.out" 2>&1
    rss_series="$rss_series $(rss)"
done
rss_mid=$(rss)
# second half: a graceful restart one second in, under load
( sleep 1; "$HTTPD_BIN" -f "$conf" -k graceful ) &
wrk -t2 -c64 -d"$((duration - half))s" --latency -s tests/load/mix.lua \
    "http://127.0.0.1:$port" > "$w/wrk2.out" 2>&1
wait
sleep 2
rss_after=$(rss)
after_sum=$(ro_sum)
crashes=$(grep -c -E "exit signal|Segmentation|AH00060" "$w/run/logs/error_log")

echo "== first half (${half} s, no restart)"; cat "$w/wrk1.out"
echo "== second half (graceful restart after 1 s)"; cat "$w/wrk2.out"
echo "graceful restarts in the error_log: $(grep -c 'AH00493\|SIGUSR1' "$w/run/logs/error_log")"
echo "child crashes in the error_log: $crashes"
echo "children's RSS (KiB): after warm-up, then after each slice of the first half (same children): $rss_series; after the restart and second half: $rss_after (new children)"
[ "$before_sum" = "$after_sum" ] && echo "read-only tree: unchanged" || echo "read-only tree: CHANGED"
unexpected=$(cat "$w/wrk1.out" "$w/wrk2.out" | sed -n 's/^unexpected 5xx: //p' | awk '{s+=$1} END {print s+0}')
[ "$(grep -c '^unexpected 5xx' "$w/wrk1.out" "$w/wrk2.out" | awk -F: '{s+=$2} END {print s}')" = 4 ] || unexpected=1
[ "$unexpected" = 0 ] && [ "$crashes" = 0 ] && [ "$before_sum" = "$after_sum" ]
