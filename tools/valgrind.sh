#!/bin/sh
# One pass of httpd -X (a single process) under valgrind's memcheck with
# mod_dav_fs and mod_retrywith, driven by litmus, by a request for every
# refusal and 449 path, and by the lab's journal and report cards. Clean means: no memcheck error, and no leak record
# whose stack passes through mod_retrywith or dav/.
#   tools/valgrind.sh            prints a summary; exit status 0 when clean
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. tools/lib.sh
tools/deps.sh test >/dev/null || exit 1
command -v valgrind >/dev/null || { echo "valgrind missing" >&2; exit 1; }
tools/build.sh >/dev/null || exit 1
httpd_paths || exit 1
w="$top/build-valgrind"
rm -rf "$w"; mkdir -p "$w"
port=$(free_port)
tools/mkconf.sh "$w/run" "$port" "$w/share"
add_lab "$w/run" "$w/run/httpd.conf"   # the lab's journal and report too
mkdir -p "$w/share/retry"; chown www-data "$w/share/retry" 2>/dev/null || true
log="$w/memcheck.log"
valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect \
    --num-callers=30 --log-file="$log" \
    "$HTTPD_BIN" -X -f "$w/run/httpd.conf" &
vpid=$!
base="http://127.0.0.1:$port/dav"
i=0
until curl -s -o /dev/null "$base/"; do
    i=$((i+1))
    if [ $i -gt 300 ] || ! kill -0 $vpid 2>/dev/null; then
        echo "httpd under valgrind did not start" >&2; cat "$log" >&2; exit 1
    fi
    sleep 0.3
done

c() { curl -s -o /dev/null -w "%{http_code} " --max-time 60 "$@"; }
echo hello > "$w/f.txt"
printf '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype></D:lockinfo>' > "$w/lock.xml"
printf 'retrywith under valgrind: '
c -T "$w/f.txt" "$base/a.txt"
c -X PROPFIND -H "Depth: 2" "$base/"
c -X PROPFIND -H "Depth: infinity" "$base/"
c -X PROPFIND -H "Depth: 0" --data '<propfind xmlns="DAV:"><prop/><allprop/></propfind>' "$base/"
c -X PROPFIND -H "Depth: 0" --data '<!DOCTYPE x [<!ENTITY a "b">]><propfind xmlns="DAV:"><allprop/></propfind>' "$base/"
c -X PROPPATCH --data '<x/>' "$base/a.txt"
c -X COPY -H "Destination: /dav/b.txt" "$base/a.txt"
c -X COPY -H "Destination: https://other.example/dav/c.txt" "$base/a.txt"
c -X COPY -H "Destination: $base/" "$base/a.txt"
c -X COPY -H "Destination: $base/%zz" "$base/a.txt"
c -X MOVE -H "Destination: $base/c.txt" -H "Overwrite: yes" "$base/b.txt"
c -X PUT -H "If: (<urn:x>" --data x "$base/a.txt"
c -X PUT -H "If: (not <DAV:no-lock>)" --data x "$base/a.txt"
c -X GET -H "Translate: x" "$base/a.txt"
c -X DELETE -H "Content-Length: 3" --data abc "$base/a.txt"
c -X LOCK -H "Timeout: Second-4294967296" --data-binary @"$w/lock.xml" "$base/a.txt"
c -X LOCK -H "Timeout: second-60" --data-binary @"$w/lock.xml" "$base/a.txt"
c -X UNLOCK -H "Lock-Token: opaquelocktoken:x" "$base/a.txt"
c -X UNLOCK "$base/a.txt"
c -T "$w/f.txt" "$base/retry/a.txt"
echo_=$(curl -s -D - -o /dev/null -T "$w/f.txt" "$base/retry/a.txt" | sed -n 's/^Ms-Echo-Request: //Ip' | tr -d '\r')
c -T "$w/f.txt" -H "Ms-Echo-Reply: $echo_" -H "X-Retention-Ack: yes" "$base/retry/a.txt"
c -T "$w/f.txt" -H "Ms-Echo-Reply: $echo_" "$base/retry/a.txt"
c -T "$w/f.txt" -H "Ms-Echo-Reply: garbage" "$base/retry/a.txt"
c -X PROPFIND "$base/retry/"
c -X PROPPATCH --data '<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><x:c xmlns:x="urn:c">r</x:c></D:prop></D:set></D:propertyupdate>' "$base/retry/a.txt"
c "http://127.0.0.1:$port/retrywith-status"
c "http://127.0.0.1:$port/retrywith-status?json"
c -X POST --data x "http://127.0.0.1:$port/retrywith-status"
lab="http://127.0.0.1:$port/lab"
c -T "$w/f.txt" "$lab/header/a.txt"
c -T "$w/f.txt" "$lab/header/a.txt"
c -T "$w/f.txt" -H "X-Lab-Ack: yes" -H "Ms-Echo-Reply: garbage" "$lab/header/a.txt"
c -X PROPFIND -H "Depth: 2" -A 'ua "with" <quotes>' "$lab/strict/"
c -X PROPFIND -H "Depth: 1" "$lab/strict/"
c -X UNLOCK -H "Lock-Token: opaquelocktoken:x" "$lab/strict/a.txt"
c "$lab/report"
c "$lab/report?format=json"
echo
( cd "$w" && litmus -k "$base/" >litmus.out 2>&1 )
grep -E "^<- summary" "$w/litmus.out"

kill -TERM $vpid
wait $vpid 2>/dev/null
errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
ours=$(awk '/are (definitely|indirectly) lost/{rec=1; buf=""} rec{buf=buf"\n"$0} /^==[0-9]+== $/{if(rec && buf ~ /(rw_|rwdav_|mod_retrywith)/) n++; rec=0} END{print n+0}' "$log")
grep -E "definitely lost:|indirectly lost:|ERROR SUMMARY" "$log" | sed 's/^==[0-9]*== */  /'
echo "memcheck errors: ${errors:-?}; leak records through mod_retrywith/dav: $ours (log: $log)"
[ "${errors:-1}" = 0 ] && [ "$ours" = 0 ]
