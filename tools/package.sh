#!/bin/sh
# Builds the Debian package libapache2-mod-retrywith from a clean copy of the
# tree (tracked and untracked-but-not-ignored files, no build outputs), runs
# lintian on it (fails on errors and warnings), installs it and checks it:
# a2enmod, apache2ctl -t, and a private httpd refusing a Depth: 2 PROPFIND
# with 400.2, logged by the installed retrywith-w3c-log. Prints "N passed, N failed"; exits non-zero if anything failed.
# Usage: tools/package.sh            (as root or with sudo; Debian 12)
# OUT=dir keeps the .deb/.changes there (default: the top of the tree).
set -eu
top="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${OUT:-$top}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo

passed=0
failed=0
ok()   { passed=$((passed + 1)); echo "ok:   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

work="$(mktemp -d)"
httpd_pid=""
policy_added=""
cleanup() {
    if [ -n "$httpd_pid" ] && kill -0 "$httpd_pid" 2>/dev/null; then
        kill "$httpd_pid" 2>/dev/null || true
    fi
    [ -n "$policy_added" ] && $SUDO rm -f /usr/sbin/policy-rc.d
    rm -rf "$work"
}
trap cleanup EXIT

# The Debian apache2 package must not start or reload its system service.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    policy_added=1
fi

# ---- build dependencies (debian/control's Build-Depends plus the tools;
#      dh-apache2 is a virtual package provided by apache2-dev)
deps="devscripts lintian debhelper dpkg-dev fakeroot build-essential
      apache2 apache2-dev libapr1-dev libaprutil1-dev libexpat1-dev pkg-config
      autoconf automake libtool check curl git"
missing=""
for p in $deps; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "tools/package.sh: installing:$missing" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

# ---- clean copy of the sources: git's file list, without ignored build outputs
src="$work/libapache2-mod-retrywith-0.1.0"
mkdir -p "$src"
# (and without earlier results of this script at the top: *.deb, *.changes, ...)
(cd "$top" && git ls-files -co --exclude-standard -z) \
    | { grep -zv '^libapache2-mod-retrywith[-_]' || true; } \
    | (cd "$top" && xargs -0 cp --parents -P -t "$src" 2>/dev/null || true)
# files listed by git but deleted in the tree are skipped by the `|| true`
chmod +x "$src/debian/rules"

echo "tools/package.sh: dpkg-buildpackage in $src" >&2
if (cd "$src" && dpkg-buildpackage -us -uc -b) > "$work/build.log" 2>&1; then
    grep -E '^# (TOTAL|PASS|FAIL):' "$work/build.log" | sed 's/^/make check: /' || true
    ok "dpkg-buildpackage -us -uc -b"
else
    tail -40 "$work/build.log"
    mkdir -p "$OUT"; cp "$work/build.log" "$OUT/libapache2-mod-retrywith_failed.build"
    fail "dpkg-buildpackage -us -uc -b (log above)"
    echo "$passed passed, $failed failed"
    exit 1
fi
changes="$(ls "$work"/libapache2-mod-retrywith_*.changes)"
deb="$(ls "$work"/libapache2-mod-retrywith_*.deb)"
mkdir -p "$OUT"
cp "$work"/libapache2-mod-retrywith*.deb "$changes" "$work"/libapache2-mod-retrywith_*.buildinfo "$OUT"/
cp "$work/build.log" "$OUT/$(basename "$changes" .changes).build"
deb="$OUT/$(basename "$deb")"

# ---- lintian: errors and warnings fail; informational tags are printed
if lintian --info --display-info --fail-on error,warning "$changes" > "$work/lintian.log" 2>&1; then
    lrc=0
else
    lrc=$?
fi
echo "---- lintian $(lintian --version)"; cat "$work/lintian.log"; echo "----"
if [ "$lrc" -eq 0 ]; then ok "lintian: no errors or warnings"; else fail "lintian (exit $lrc)"; fi

# ---- install the package; the module must not be enabled by installing it
if DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$deb" \
        > "$work/install.log" 2>&1; then
    ok "apt-get install $(basename "$deb")"
else
    cat "$work/install.log"; fail "apt-get install $(basename "$deb")"
fi
so=/usr/lib/apache2/modules/mod_retrywith.so
w3c_log=/usr/libexec/mod_retrywith/retrywith-w3c-log
if [ -f "$so" ] && [ -f /etc/apache2/mods-available/retrywith.load ] \
        && [ -f /etc/apache2/mods-available/retrywith.conf ] && [ -x "$w3c_log" ]; then
    ok "installed $so, mods-available/retrywith.{load,conf} and $w3c_log"
else
    fail "installed files missing"
fi
if [ ! -e /etc/apache2/mods-enabled/retrywith.load ]; then
    ok "module not enabled on install"
else
    fail "module enabled on install"
fi

# ---- a2enmod + apache2ctl -t, then restore the previous state
dav_was_enabled=""
[ -e /etc/apache2/mods-enabled/dav.load ] && dav_was_enabled=1
if $SUDO a2enmod -q retrywith > "$work/a2enmod.log" 2>&1 \
        && [ -e /etc/apache2/mods-enabled/retrywith.load ]; then
    ok "a2enmod retrywith"
else
    cat "$work/a2enmod.log"; fail "a2enmod retrywith"
fi
if $SUDO apache2ctl -t > "$work/configtest.log" 2>&1; then
    ok "apache2ctl -t with retrywith enabled"
else
    cat "$work/configtest.log"; fail "apache2ctl -t with retrywith enabled"
fi
$SUDO a2dismod -q retrywith > /dev/null 2>&1 || true
[ -z "$dav_was_enabled" ] && { $SUDO a2dismod -q dav > /dev/null 2>&1 || true; }

# ---- a private httpd on a free loopback port with the installed module
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
       || echo 18417)
run="$work/httpd"
chmod 755 "$work"
# tools/mkconf.sh of the built copy (its tools/paths.sh was written by the
# package build's configure): conf.example, which loads mod_dav, mod_dav_fs
# and here the installed module, with a DAV share at /dav/ in $run/share.
W3C_LOG=$w3c_log "$src/tools/mkconf.sh" "$run" "$port" "$run/share" "$so"
if /usr/sbin/apache2 -f "$run/httpd.conf" -k start > "$work/httpd.log" 2>&1; then
    i=0
    while [ ! -s "$run/httpd.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    httpd_pid=$(cat "$run/httpd.pid" 2>/dev/null || true)
    got=$(curl -s -o /dev/null -w '%{http_code} %header{Retrywith-Substatus}' -X PROPFIND \
          -H 'Depth: 2' "http://127.0.0.1:$port/dav/" || true)
    if [ "$got" = "400 400.2" ]; then
        ok "PROPFIND Depth: 2 on the private httpd: $got"
    else
        cat "$run/logs/error_log" 2>/dev/null || true
        fail "PROPFIND Depth: 2 on the private httpd: got '$got', want '400 400.2'"
    fi
    # conf.example's W3C log, written by the installed retrywith-w3c-log
    i=0
    while ! grep -qs ' PROPFIND /dav/ .* 400 2 0 ' "$run"/logs/w3c/u_ex*.log && [ $i -lt 50 ]; do
        sleep 0.1; i=$((i + 1))
    done
    if grep -qs ' PROPFIND /dav/ .* 400 2 0 ' "$run"/logs/w3c/u_ex*.log; then
        ok "W3C log line 'sc-status sc-substatus' = '400 2'"
    else
        cat "$run"/logs/w3c/* "$run/logs/error_log" 2>/dev/null || true
        fail "no W3C log line for the 400.2 refusal"
    fi
    /usr/sbin/apache2 -f "$run/httpd.conf" -k stop > /dev/null 2>&1 || true
    i=0
    while [ -n "$httpd_pid" ] && kill -0 "$httpd_pid" 2>/dev/null && [ $i -lt 50 ]; do
        sleep 0.1; i=$((i + 1))
    done
    httpd_pid=""
else
    cat "$work/httpd.log"; fail "private httpd did not start"
fi

echo "package: $deb"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
