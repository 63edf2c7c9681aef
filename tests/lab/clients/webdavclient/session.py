"""One lab operation with Debian's python3-webdavclient (webdav3.client),
called the way an application calls it. Run with /usr/bin/python3 (the
interpreter that sees Debian's packages):

    session.py OP HOSTNAME ROOT WORKDIR

HOSTNAME is http://127.0.0.1:PORT, ROOT the collection's path (/lab/coll);
the library's paths are relative to ROOT. Prints one JSON line:
{"ok": true} or {"ok": false, "message": "..."}.
"""

import json
import sys
from pathlib import Path

from webdav3.client import Client

NS = "urn:lab"


def main() -> int:
    op, hostname, root, work = sys.argv[1:5]
    work = Path(work)
    # webdav_disable_check: without it every upload, mkdir, copy and move
    # first sends HEAD to the parent collection, which mod_dav_fs answers
    # 404 (a collection has no GET without Options Indexes or an index
    # file), module or not: the library then refuses ("Remote parent not
    # found"). Its documented setting for such servers.
    c = Client({"webdav_hostname": hostname, "webdav_root": root, "webdav_timeout": 60,
                "webdav_disable_check": True})
    c.session.headers["User-Agent"] = "python3-webdavclient (lab)"
    prop = {"namespace": NS, "name": "project"}
    try:
        if op == "list":
            c.list()
        elif op == "upload":
            c.upload_sync(remote_path="up.txt", local_path=str(work / "up.txt"))
        elif op == "download":
            dst = work / "down.txt"
            dst.unlink(missing_ok=True)
            c.download_sync(remote_path="up.txt", local_path=str(dst))
            if dst.read_bytes() != (work / "up.txt").read_bytes():
                return out(False, "downloaded bytes differ")
        elif op == "mkdir":
            if c.mkdir("newdir") is False:
                return out(False, "mkdir() returned False")
        elif op == "copy":
            c.copy("up.txt", "copy.txt")
        elif op == "move":
            c.move("copy.txt", "moved.txt")
        elif op == "setprop":
            c.set_property("up.txt", dict(prop, value="lab"))
        elif op == "readprop":
            v = c.get_property("up.txt", prop)
            if v != "lab":
                return out(False, f"get_property returned {v!r}")
        elif op == "delete":
            c.clean("moved.txt")
        else:
            print(json.dumps({"ok": None, "message": "the library has no such operation"}))
            return 0
    except Exception as e:      # what the application gets
        msg = str(e)
        if isinstance(getattr(e, "message", None), bytes):
            msg = msg.replace(repr(e.message), e.message.decode("utf-8", "replace"))
        return out(False, f"{type(e).__name__}: {msg}")
    return out(True, "")


def out(ok: bool, message: str) -> int:
    print(json.dumps({"ok": ok, "message": message}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
