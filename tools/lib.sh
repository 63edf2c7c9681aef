# Shell pieces the scripts under tools/ and tests/ share; source it:
#   . "$top/tools/lib.sh"

# A free TCP port on 127.0.0.1.
free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits until URL answers (up to 10 s); 1 with a message naming HINT if not.
wait_httpd() {  # URL [HINT]
    _i=0
    until curl -s -o /dev/null "$1"; do
        _i=$((_i+1))
        if [ $_i -ge 100 ]; then
            echo "httpd did not start${2:+; see $2}" >&2
            return 1
        fi
        sleep 0.1
    done
}

# The httpd binary and module directory configure found (tools/paths.sh,
# written by configure; run tools/build.sh first): sets HTTPD_BIN and
# HTTPD_MODULE_DIR, and exports them to the integration tests as
# RW_APACHE2 and RW_APACHE_MODULE_DIR. The caller sets top (the tree).
httpd_paths() {
    [ -f "$top/tools/paths.sh" ] \
        || { echo "tools/paths.sh missing: run tools/build.sh" >&2; return 1; }
    . "$top/tools/paths.sh"
    RW_APACHE2=${RW_APACHE2:-$HTTPD_BIN}
    RW_APACHE_MODULE_DIR=${RW_APACHE_MODULE_DIR:-$HTTPD_MODULE_DIR}
    export RW_APACHE2 RW_APACHE_MODULE_DIR
}

# The client lab (tests/lab/server/) added to a private configuration made
# by mkconf.sh: a folder per scenario, the page, the journal (started
# afresh). The caller sets top and has run httpd_paths.
#   add_lab RUNDIR CONF
add_lab() {
    _run=$1 _conf=$2
    for _s in strict header property lock-owner depth prop-list infinite-depth no-echo; do
        mkdir -p "$_run/lab/$_s"
    done
    mkdir -p "$_run/lab-page"
    cp "$top/tests/lab/server/index.html" "$_run/lab-page/index.html"
    chown -R "$(sed -n 's/^User //p' "$_conf")" "$_run/lab" 2>/dev/null || true
    rm -f "$_run/logs/lab-journal"
    sed -e "s|@RUN@|$_run|g; s|@LAB@|$_run/lab|g; s|@PAGE@|$_run/lab-page|g" \
        -e "s|@MODDIR@|$HTTPD_MODULE_DIR|g" \
        "$top/tests/lab/server/lab.conf" > "$_run/lab.conf"
    echo "Include \"$_run/lab.conf\"" >> "$_conf"
}
