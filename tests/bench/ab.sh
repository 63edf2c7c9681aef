#!/bin/sh
# A/B throughput: one httpd (event MPM, conf.example) serving two identical
# shares, /dav/on with the module's checks and /dav/off with RetryWith Off,
# and wrk alternating the two sides (A B, then B A) for ROUNDS rounds of
# SECONDS each per mix. Prints, per mix, the on/off ratio of requests per
# second as min / median / max over the rounds and the median p99 latency
# of each side. Loopback only; not part of the test run.
#   tests/bench/ab.sh [mix...]
#   ROUNDS (default 5), SECONDS (default 5), CONNS (default 4)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tools/lib.sh
tools/deps.sh test >/dev/null || exit 1
command -v wrk >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null || exit 1; }
tools/build.sh >/dev/null || exit 1
httpd_paths || exit 1
ROUNDS=${ROUNDS:-5} SECONDS_EACH=${SECONDS:-5} CONNS=${CONNS:-4}
mixes=${*:-"get propfind0 propfind1 proppatch copy lock_unlock refuse_depth refuse_body"}
w="$top/build-bench/ab"
rm -rf "$w"; mkdir -p "$w"
port=$(free_port)
tools/mkconf.sh "$w/run" "$port" "$w/share" >/dev/null
# without conf.example's W3C log: its writer would compete for the 2 cores
sed -i '/ retrywith-w3c$/d' "$w/run/retrywith.conf"
# the same two sections on both sides, so the location walk costs the same
cat >> "$w/run/retrywith.conf" <<'CONF'
<Location /dav/on>
    RetryWith On
</Location>
<Location /dav/off>
    RetryWith Off
</Location>
CONF
sed -i 's/ retrywith:info//' "$w/run/retrywith.conf"
for side in on off; do
    mkdir -p "$w/share/$side/coll100"
    head -c 1024 /dev/zero | tr '\0' x > "$w/share/$side/1k.txt"
    for i in $(seq 1 100); do echo "$i" > "$w/share/$side/coll100/f$i.txt"; done
done
chown -R www-data "$w/share" 2>/dev/null || true
conf="$w/run/httpd.conf"
"$HTTPD_BIN" -f "$conf" -k start || exit 1
trap '"$HTTPD_BIN" -f "$conf" -k stop 2>/dev/null' EXIT
wait_httpd "http://127.0.0.1:$port/dav/" || exit 1

one() {  # side mix -> "req/s p99 unexpected requests"
    # $(one ...) runs in a subshell: the clock makes each run's files unique
    # mod_dav_fs' lock database loses LOCKs under concurrent writers (its
    # UNLOCK then gets 400, the next LOCK 423), with or without the module:
    # one connection for that mix
    c=$CONNS; [ "$2" = lock_unlock ] && c=1
    MIX=$2 BASE=/dav/$1 HOSTPORT=127.0.0.1:$port RUN=$(date +%s%N) \
        wrk -t"$c" -c"$c" -d"${SECONDS_EACH}s" -s tests/bench/ab.lua \
        "http://127.0.0.1:$port" 2>&1 | sed -n 's/^RESULT //p'
}

printf '%-13s %6s %6s %6s %12s %12s %10s\n' mix min median max \
    "p99 on (us)" "p99 off (us)" unexpected
for mix in $mixes; do
    one on "$mix" >/dev/null; one off "$mix" >/dev/null   # warm up
    : > "$w/$mix.txt"
    r=1
    while [ $r -le "$ROUNDS" ]; do
        if [ $((r % 2)) = 1 ]; then a=$(one on "$mix"); b=$(one off "$mix")
        else b=$(one off "$mix"); a=$(one on "$mix"); fi
        echo "$a $b" >> "$w/$mix.txt"
        r=$((r+1))
    done
    # columns: on rps p99 bad n, off rps p99 bad n
    awk -v mix="$mix" '
        { ratio[NR] = $1 / $5; p99on[NR] = $2; p99off[NR] = $6; bad += $3 + $7 }
        function med(a, n,   i, j, t) {
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        END {
            n = NR; m = med(ratio, n)
            printf "%-13s %6.3f %6.3f %6.3f %12d %12d %10d\n", mix,
                ratio[1], m, ratio[n], med(p99on, n), med(p99off, n), bad
        }' "$w/$mix.txt"
done
