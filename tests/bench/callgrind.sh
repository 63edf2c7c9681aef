#!/bin/sh
# Instructions per request inside ap_process_request, module on and off,
# counted by valgrind's callgrind on httpd -X: deterministic, so comparable
# across commits. For each mix it runs N1 and N2 requests and reports
# (Ir(N2) - Ir(N1)) / (N2 - N1), which drops one-time costs (first-use
# allocations, file caches).
#   tests/bench/callgrind.sh [mix...]     (default: every mix)
# BASE=unloaded (default): "off" is httpd without the module at all;
# BASE=disabled: "off" loads the module with RetryWith Off, so both sides
# have the same libraries mapped and only the checks differ.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tools/lib.sh
tools/deps.sh test >/dev/null && tools/deps.sh bench >/dev/null || exit 1
tools/build.sh >/dev/null || exit 1
httpd_paths || exit 1
N1=${N1:-20}
N2=${N2:-120}
w="$top/build-bench/callgrind"
rm -rf "$w"; mkdir -p "$w"
mixes=${*:-"get propfind0 propfind1 proppatch copy lock_unlock refuse_depth refuse_if refuse_body"}

# one config per mode; "off" is the same file without the LoadModule line
tools/mkconf.sh "$w/A" 0 "$w/share" >/dev/null
port=$(free_port)
sed -i "s/^Listen .*/Listen 127.0.0.1:$port/" "$w/A/httpd.conf"
# prefork: -X then serves in the main thread through ap_process_request
sed -i "s|mpm_event_module .*mod_mpm_event.so|mpm_prefork_module $HTTPD_MODULE_DIR/mod_mpm_prefork.so|" "$w/A/httpd.conf"
# The same configuration both ways: conf.example without its /dav/retry
# policies (one <Location> more to walk) and at LogLevel warn, so refusals
# are not logged (info) in either mode, and without its W3C log (a piped
# logger, the same work both ways: left out so that the figures compare with
# earlier runs); "off" also drops the module.
sed -i '/^<Location \/dav\/retry>/,/^<\/Location>/d; s/ retrywith:info//; / retrywith-w3c$/d' "$w/A/retrywith.conf"
mkdir -p "$w/B"
cp -r "$w/A/." "$w/B/"
sed -i "s|ServerRoot \"$w/A\"|ServerRoot \"$w/B\"|; s|$w/A/|$w/B/|g" "$w/B/httpd.conf"
if [ "${BASE:-unloaded}" = disabled ]; then
    sed -i 's/^\( *\)RetryWith On/\1RetryWith Off/' "$w/B/retrywith.conf"
else
    sed -i '/retrywith_module/d; /RetryWith/d' "$w/B/retrywith.conf"
fi
sed -i "s|$w/A/|$w/B/|g" "$w/B/retrywith.conf"

mkdir -p "$w/share/coll100"
head -c 1024 /dev/urandom > "$w/share/1k.txt"
for i in $(seq 1 100); do echo "$i" > "$w/share/coll100/f$i.txt"; done
# httpd -X would drop to www-data after callgrind opened its output as
# root, so the whole run is www-data's
chown -R www-data "$w" 2>/dev/null || true
as_www=""
[ "$(id -u)" = 0 ] && as_www="runuser -u www-data --"

base="http://127.0.0.1:$port/dav"
PF0='<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:getcontentlength/><D:getlastmodified/><D:resourcetype/></D:prop></D:propfind>'
PP='<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="http://example.com/ns"><D:set><D:prop><Z:color>red</Z:color></D:prop></D:set></D:propertyupdate>'
LI='<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner>bench</D:owner></D:lockinfo>'

# one request of a mix, on a kept-alive curl? No: each request is a fresh
# curl, the same in both modes, so connection setup cancels out in the ratio
one() {
    case $1 in
    get) curl -s -o /dev/null "$base/1k.txt" ;;
    propfind0) curl -s -o /dev/null -X PROPFIND -H "Depth: 0" -H "Content-Type: application/xml" --data "$PF0" "$base/1k.txt" ;;
    propfind1) curl -s -o /dev/null -X PROPFIND -H "Depth: 1" -H "Content-Type: application/xml" --data "$PF0" "$base/coll100/" ;;
    proppatch) curl -s -o /dev/null -X PROPPATCH -H "Content-Type: application/xml" --data "$PP" "$base/1k.txt" ;;
    copy) curl -s -o /dev/null -X COPY -H "Destination: $base/copy.txt" -H "Overwrite: T" -H "If: (Not <DAV:no-lock>)" "$base/1k.txt" ;;
    lock_unlock)
        tok=$(curl -s -D - -o /dev/null -X LOCK -H "Timeout: Second-60" --data "$LI" "$base/1k.txt" | sed -n 's/^Lock-Token: //Ip' | tr -d '\r')
        curl -s -o /dev/null -X UNLOCK -H "Lock-Token: $tok" "$base/1k.txt" ;;
    refuse_depth) curl -s -o /dev/null -X PROPFIND -H "Depth: 2" "$base/coll100/" ;;
    refuse_if) curl -s -o /dev/null -X PUT -H "If: garbage" --data x "$base/1k.txt" ;;
    refuse_body) curl -s -o /dev/null -X PROPFIND -H "Depth: 0" --data '<D:propfind xmlns:D="DAV:"><D:prop/><D:allprop/></D:propfind>' "$base/1k.txt" ;;
    esac
}

# The module's extra instructions are counted with the clock standing still
# (libfaketime): httpd formats the Date header and the access log's time
# once per second and keeps the text for the rest of it, so with a running
# clock a run's count depended on how many seconds it took (about 100 per
# request from run to run, the slower side paying more). Frozen, both modes
# format it once and the difference is the same in every run. The
# denominator, a request's own count, comes from a run on the real clock:
# libfaketime's wrappers (time, stat) cost instructions of their own.
ft=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
frozen=""
if [ -e "$ft" ]; then
    frozen="LD_PRELOAD=$ft FAKETIME=2026-01-01_00:00:00 FAKETIME_FMT=%Y-%m-%d_%T DONT_FAKE_MONOTONIC=1"
else
    echo "note: libfaketime missing (apt-get install faketime): the extra" \
         "count varies by about 100 per request between runs" >&2
fi

measure() {  # mode mix n [real] -> total Ir inside ap_process_request
    mode=$1 mix=$2 n=$3 clock=$frozen sfx=""
    if [ "${4:-}" = real ]; then clock="" sfx="-real"; fi
    out="$w/$mode-$mix-$n$sfx.out"
    # the two configurations live in equally long paths (A: on, B: off),
    # so no path length differs between the modes
    d=A; [ "$mode" = on ] || d=B
    $as_www env $clock valgrind --tool=callgrind --callgrind-out-file="$out" \
        --toggle-collect=ap_process_request --collect-atstart=no \
        "$HTTPD_BIN" -X -f "$w/$d/httpd.conf" 2>"$w/$mode-$mix-$n$sfx.log" &
    vp=$!
    i=0
    until curl -s -o /dev/null "$base/"; do
        i=$((i+1))
        if [ $i -ge 300 ] || ! kill -0 $vp 2>/dev/null; then
            echo "httpd did not start: $w/$mode-$mix-$n$sfx.log" >&2; kill $vp 2>/dev/null; return 1
        fi
        sleep 0.2
    done
    k=0
    while [ $k -lt "$n" ]; do one "$mix"; k=$((k+1)); done
    # runuser does not pass signals on: stop httpd by its pid file
    kill -TERM "$(cat "$w/$d/httpd.pid")"; wait $vp 2>/dev/null
    # the readiness probe GET is counted in every run and cancels out
    sed -n 's/^summary: //p; s/^totals: //p' "$out" | head -1
}

# One request of each mix first, outside any measurement, so that every
# measured request finds the share in its steady state (COPY overwrites,
# the property and lock databases exist) in both modes alike.
$as_www "$HTTPD_BIN" -f "$w/A/httpd.conf" -k start
wait_httpd "$base/" || exit 1
for mix in $mixes; do one "$mix"; done
$as_www "$HTTPD_BIN" -f "$w/A/httpd.conf" -k stop
while [ -e "$w/A/httpd.pid" ]; do sleep 0.1; done
cp -p "$w/A/lock/"* "$w/B/lock/" 2>/dev/null || true
chown -R www-data "$w" 2>/dev/null || true

printf '%-14s %12s %12s %8s %8s\n' mix "off Ir/req" "on Ir/req" "extra" "on/off"
for mix in $mixes; do
    for mode in off on; do
        a=$(measure $mode $mix $N1); b=$(measure $mode $mix $N2)
        eval "ir_$mode=$(( (b - a) / (N2 - N1) ))"
    done
    extra=$((ir_on - ir_off))
    if [ -n "$frozen" ]; then
        a=$(measure off $mix $N1 real); b=$(measure off $mix $N2 real)
        ir_off=$(( (b - a) / (N2 - N1) ))
    fi
    # lock_unlock is two requests per round
    printf '%-14s %12d %12d %8d %8s\n' "$mix" "$ir_off" "$((ir_off + extra))" \
        "$extra" "$(awk -v e="$extra" -v b="$ir_off" 'BEGIN{printf "%.4f", 1 + e/b}')"
done
