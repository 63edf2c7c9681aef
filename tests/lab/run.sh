#!/bin/sh
# The client compatibility lab (tests/lab/README.md): installs the clients
# it drives (curl, cadaver, rclone, litmus, davfs2 from Debian; the `webdav`
# library from npm), builds the module, and runs every client through every
# scenario. Writes tests/lab/out/matrix.md and matrix.html; --update also
# refreshes tests/lab/MATRIX.md, tests/lab/matrix.html and the README's
# matrix. Not part of the test run (it takes a few minutes).
#   tests/lab/run.sh [--update] [--only curl,cadaver,...] [--scenarios plain,...]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tools/deps.sh test
missing=""
command -v mount.davfs >/dev/null 2>&1 || missing="$missing davfs2"
# node and npm may come from elsewhere than Debian (npm then conflicts)
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
    echo "installing:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
fi
tools/build.sh >/dev/null
. tools/lib.sh
httpd_paths
if [ ! -d tests/lab/clients/node/node_modules/webdav ]; then
    (cd tests/lab/clients/node && npm ci --no-audit --no-fund --loglevel=error \
        || npm install --no-audit --no-fund --loglevel=error)
fi
exec /usr/bin/python3 tests/lab/lab.py "$@"
