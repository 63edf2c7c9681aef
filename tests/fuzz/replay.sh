#!/bin/sh
# Replays one committed corpus through its target built with the normal
# compiler; `make check` runs it for every target (see tests/fuzz/README.md).
#
#   replay.sh tests/fuzz/replay_<name>.replay   (as `make check` calls it:
#                                                the stub make writes)
#   replay.sh <name>                            (by hand, from the build dir)
#
# runs
#   tests/fuzz/replay_<name> --known-crashes $(srcdir)/tests/fuzz/known-crashes \
#       $(srcdir)/tests/fuzz/corpus/<name>
# where $(srcdir)/tests/fuzz is the directory of this script.
# Exit status: the replay program's; 99 (a hard error for automake) when the
# program or the corpus is missing.
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 tests/fuzz/replay_<name>.replay | <name>" >&2
    exit 99
fi
fuzzsrc=$(dirname "$0")
case $1 in
    */*|*.replay)
        base=$(basename "$1" .replay)
        prog=$(dirname "$1")/$base
        ;;
    *)
        base=replay_$1
        prog=tests/fuzz/$base
        ;;
esac
name=${base#replay_}
corpus=$fuzzsrc/corpus/$name

if [ ! -x "$prog" ]; then
    echo "replay.sh: $prog is not built (make check builds it)" >&2
    exit 99
fi
if [ ! -d "$corpus" ]; then
    echo "replay.sh: no corpus $corpus" >&2
    exit 99
fi
exec "$prog" --known-crashes "$fuzzsrc/known-crashes" "$corpus"
