#!/bin/sh
# The client compatibility lab (tests/lab/README.md): installs the clients
# it drives (curl, cadaver, rclone, litmus, davfs2, davix, subversion with
# libapache2-mod-svn, git, python3-webdavclient from Debian; the `webdav`
# library from npm), builds the module, and runs every client through every
# scenario. Writes tests/lab/out/matrix.md and matrix.html; --update also
# refreshes tests/lab/MATRIX.md, tests/lab/matrix.html and the README's
# matrix. Not part of the test run (it takes a few minutes).
#   tests/lab/run.sh [--update] [--only curl,cadaver,...] [--scenarios plain,...]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
# tools/deps.sh test installs curl, cadaver, rclone, litmus, svn with
# mod_dav_svn, git, davix, node and npm, and the npm `webdav` library
tools/deps.sh test
missing=""
command -v mount.davfs >/dev/null 2>&1 || missing="$missing davfs2"
# Debian's Python WebDAV library (run with /usr/bin/python3)
dpkg-query -W -f='${Status}' python3-webdavclient 2>/dev/null \
    | grep -q "install ok installed" || missing="$missing python3-webdavclient"
if [ -n "$missing" ]; then
    echo "installing:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null
fi
tools/build.sh >/dev/null
. tools/lib.sh
httpd_paths
exec /usr/bin/python3 tests/lab/lab.py "$@"
