#!/bin/sh
# The main job: builds mod_retrywith and starts Debian's httpd binary from a
# private configuration (conf.example, with paths made local) serving a local
# folder over WebDAV on 127.0.0.1. Not the system service.
#
#   tools/serve.sh [start]   install what is missing, build, start
#   tools/serve.sh --lab     the same, plus the client lab under /lab/
#                            (tests/lab/server/: README "Testing a client")
#   tools/serve.sh stop      stop the server this script started
#
# PORT (default 8080), SHARE (default ./run/share) and RUN (the server's own
# directory, default ./run) change the defaults.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tools/lib.sh"
run="${RUN:-$top/run}"
port="${PORT:-8080}"
share="${SHARE:-$run/share}"
conf="$run/httpd.conf"

stop() {
    httpd_paths || return 1
    httpd=$HTTPD_BIN
    if [ -f "$run/httpd.pid" ] && kill -0 "$(cat "$run/httpd.pid")" 2>/dev/null; then
        "$httpd" -f "$conf" -k stop
        i=0
        while [ -f "$run/httpd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
        echo "stopped"
    else
        echo "not running"
    fi
}

lab=""
case "${1:-start}" in
stop) stop; exit 0 ;;
start) ;;
--lab) lab=1 ;;
*) echo "usage: $0 [start|--lab|stop]" >&2; exit 2 ;;
esac


"$top/tools/deps.sh" build
"$top/tools/build.sh" >/dev/null
httpd_paths
httpd=$HTTPD_BIN

"$top/tools/mkconf.sh" "$run" "$port" "$share"
[ -z "$lab" ] || add_lab "$run" "$conf"

stop >/dev/null 2>&1 || true
"$httpd" -f "$conf" -t >/dev/null 2>&1 || { "$httpd" -f "$conf" -t; exit 1; }
"$httpd" -f "$conf" -k start
wait_httpd "http://127.0.0.1:$port/dav/" "$run/logs/error_log" || exit 1
echo "mod_retrywith: WebDAV share $share"
echo "  URL:   http://127.0.0.1:$port/dav/"
if [ -n "$lab" ]; then
    echo "  lab:    http://127.0.0.1:$port/lab/ (a folder per scenario)"
    echo "  report: http://127.0.0.1:$port/lab/report (JSON: ?format=json)"
fi
echo "  logs:  $run/logs/error_log, $run/logs/access_log"
echo "  stop:  $0 stop"
