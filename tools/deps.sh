#!/bin/sh
# Installs the Debian packages the build and the tests need, if missing.
# Usage: tools/deps.sh [build|test|fuzz|bench]
set -eu
pkgs="apache2 apache2-dev autoconf automake libtool pkg-config make gcc libexpat1-dev libapr1-dev libaprutil1-dev check curl"
case "${1:-build}" in
test) pkgs="$pkgs python3 python3-pytest litmus cadaver rclone valgrind libapache2-mod-svn subversion git davix nginx haproxy lighttpd lighttpd-mod-webdav python3-prometheus-client openssl libexpat1-dev chromium" ;;
fuzz) pkgs="$pkgs clang libclang-rt-14-dev" ;;
bench) pkgs="$pkgs python3 valgrind wrk faketime" ;;
esac
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || missing="$missing $p"
done
# node and npm (the lab's npm client) may come from elsewhere than Debian,
# whose npm would then conflict: installed only when absent
if [ "${1:-build}" = test ]; then
    command -v node >/dev/null 2>&1 || missing="$missing nodejs"
    command -v npm >/dev/null 2>&1 || missing="$missing npm"
fi

# The npm `webdav` library the lab and the report card tests drive, at the
# version package-lock.json pins.
npm_clients() {
    node_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/lab/clients/node"
    [ -d "$node_dir/node_modules/webdav" ] && return 0
    (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
}

if [ -z "$missing" ]; then
    [ "${1:-build}" != test ] || npm_clients
    exit 0
fi
echo "tools/deps.sh: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
# The Debian apache2 package must not start its system service.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
[ "${1:-build}" != test ] || npm_clients
