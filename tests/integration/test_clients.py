"""Real clients (curl, cadaver, rclone) through mod_dav, with and without
mod_retrywith: every valid request passes, none is refused by the module."""

from __future__ import annotations

import os
import re
import subprocess
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from httpd import RID_HEADER, new_rid

DAV = "{DAV:}"
ZNS = "http://example.com/rw-test"

LOCKINFO = b"""<?xml version="1.0" encoding="utf-8"?>
<D:lockinfo xmlns:D="DAV:">
  <D:lockscope><D:exclusive/></D:lockscope>
  <D:locktype><D:write/></D:locktype>
  <D:owner><D:href>mailto:curl@example.com</D:href></D:owner>
</D:lockinfo>
"""
PROPPATCH = f"""<?xml version="1.0" encoding="utf-8"?>
<D:propertyupdate xmlns:D="DAV:" xmlns:Z="{ZNS}">
  <D:set><D:prop><Z:color>cerulean</Z:color></D:prop></D:set>
</D:propertyupdate>
""".encode()
PROPFIND_COLOR = f"""<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:" xmlns:Z="{ZNS}"><D:prop><Z:color/></D:prop></D:propfind>
""".encode()

# mod_dav explains its own 423/409 refusals at level error
DAV_REFUSALS = r"\[dav:error\] .*\[(423|409|412), #0\]"


@pytest.fixture(params=["off", "on"])
def srv(request):
    """The module-off and the module-on server."""
    return request.getfixturevalue("server_off" if request.param == "off" else "server")


def assert_no_refusals(srv, mark, expected_count=None):
    entries = srv.access_entries(mark)
    assert entries, "no request reached the access log"
    bad = [e["line"] for e in entries if e["note"] != "-" or e["subhdr"] != "-"]
    assert not bad, "requests refused by mod_retrywith:\n" + "\n".join(bad)
    if expected_count is not None:
        assert len(entries) >= expected_count, entries


# --------------------------------------------------------------------------
# curl
# --------------------------------------------------------------------------

class Curl:
    def __init__(self, srv, workdir: Path):
        self.srv = srv
        self.work = workdir
        self.rids: list[str] = []

    def __call__(self, method, path, *args, headers=(), data: bytes | None = None,
                 upload: Path | None = None):
        rid = new_rid("curl")
        self.rids.append(rid)
        body = self.work / f"{rid}.body"
        hdrs = self.work / f"{rid}.hdrs"
        cmd = ["curl", "-sS", "-v", "--http1.1", "-o", str(body), "-D", str(hdrs),
               "-w", "%{http_code}", "-H", f"{RID_HEADER}: {rid}"]
        if upload is not None:
            cmd += ["-T", str(upload)]
            if method != "PUT":
                cmd += ["-X", method]
        else:
            cmd += ["-X", method]
        if data is not None:
            f = self.work / f"{rid}.req"
            f.write_bytes(data)
            cmd += ["--data-binary", f"@{f}", "-H", "Content-Type: application/xml"]
        for h in headers:
            cmd += ["-H", h]
        cmd += list(args)
        cmd.append(self.srv.url(path))
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, f"curl failed: {cmd}\n{p.stderr}"
        status = int(p.stdout.strip()[-3:])
        raw_headers = hdrs.read_bytes().decode("iso-8859-1")
        # keep only the final response's headers
        blocks = [b for b in re.split(r"\r\n\r\n", raw_headers) if b.strip()]
        final = blocks[-1].split("\r\n")
        headers_out = {}
        for line in final[1:]:
            k, _, v = line.partition(":")
            headers_out[k.strip().lower()] = v.strip()
        return CurlResult(status, headers_out, body.read_bytes(), p.stderr, rid)


class CurlResult:
    def __init__(self, status, headers, body, verbose, rid):
        self.status, self.headers, self.body, self.verbose, self.rid = \
            status, headers, body, verbose, rid

    def __repr__(self):
        return f"<curl {self.status} {self.headers} {self.body[:400]!r}>"


def propstats(body: bytes) -> list[tuple[str, ET.Element]]:
    """(status line, prop element) of each propstat in a multistatus."""
    root = ET.fromstring(body)
    assert root.tag == DAV + "multistatus", body
    out = []
    for ps in root.iter(DAV + "propstat"):
        out.append((ps.find(DAV + "status").text, ps.find(DAV + "prop")))
    return out


@pytest.mark.expect_errors(DAV_REFUSALS)
def test_curl_session(srv, tmp_path, expect_errors):
    if not srv.module_loaded:
        expect_errors(r"\[dav:error\] .*AH00592: Destination URI must be an absolute URI")
    c = Curl(srv, tmp_path)
    coll = f"curl-{uuid.uuid4().hex[:8]}"
    base = f"/dav/{coll}/"
    mark = srv.mark()
    before = srv.share_checksum()

    r = c("MKCOL", base)
    assert r.status == 201, r

    payload = b"".join(b"line %04d of the curl upload\n" % i for i in range(200))
    src = tmp_path / "a.txt"
    src.write_bytes(payload)
    r = c("PUT", base + "a.txt", upload=src, headers=["Expect: 100-continue"])
    assert r.status == 201, r
    assert "> Expect: 100-continue" in r.verbose
    assert re.search(r"< HTTP/1.1 100 Continue", r.verbose), r.verbose

    r = c("GET", base + "a.txt")
    assert r.status == 200 and r.body == payload, r

    # COPY with an absolute Destination
    r = c("COPY", base + "a.txt", headers=[f"Destination: {srv.url(base + 'b.txt')}"])
    assert r.status == 201, r

    # COPY with a path-only Destination: mod_dav alone refuses it (it wants
    # an absolute URI); mod_retrywith rewrites it to the absolute form.
    r = c("COPY", base + "a.txt", headers=[f"Destination: {base}p.txt", "Overwrite: F"])
    if srv.module_loaded:
        assert r.status == 201, r
    else:
        assert r.status == 400, r

    r = c("MOVE", base + "b.txt", headers=[f"Destination: {srv.url(base + 'c.txt')}",
                                          "Overwrite: T"])
    assert r.status == 201, r

    r = c("LOCK", base + "c.txt", headers=["Timeout: Second-600", "Depth: 0"], data=LOCKINFO)
    assert r.status == 200, r
    token = r.headers.get("lock-token")
    assert token and re.fullmatch(r"<opaquelocktoken:[0-9a-f-]{36}>", token), r
    disc = ET.fromstring(r.body)
    assert disc.find(f".//{DAV}locktoken/{DAV}href").text == token[1:-1]

    new = tmp_path / "c2.txt"
    new.write_bytes(b"locked and rewritten\n")
    r = c("PUT", base + "c.txt", upload=new)          # no If: the lock holds
    assert r.status == 423, r
    r = c("PUT", base + "c.txt", upload=new, headers=[f"If: ({token})"])
    assert r.status == 204, r
    r = c("PUT", base + "c.txt", upload=new,
          headers=[f"If: <{srv.url(base + 'c.txt')}> ({token} [\"no-such-etag\"]) ({token})"])
    assert r.status == 204, r

    r = c("UNLOCK", base + "c.txt", headers=[f"Lock-Token: {token}"])
    assert r.status == 204, r

    r = c("PROPPATCH", base + "c.txt", data=PROPPATCH)
    assert r.status == 207, r
    assert [s for s, _ in propstats(r.body)] == ["HTTP/1.1 200 OK"], r

    r = c("PROPFIND", base + "c.txt", headers=["Depth: 0"], data=PROPFIND_COLOR)
    assert r.status == 207, r
    (status, prop), = propstats(r.body)
    assert status == "HTTP/1.1 200 OK"
    assert prop.find(f"{{{ZNS}}}color").text == "cerulean"

    r = c("PROPFIND", base, headers=["Depth: 1"])
    assert r.status == 207, r
    hrefs = sorted(h.text for h in ET.fromstring(r.body).iter(DAV + "href"))
    expected = [base, base + "a.txt", base + "c.txt"]
    if srv.module_loaded:
        expected.append(base + "p.txt")
    assert hrefs == sorted(expected), hrefs

    tree = srv.share_tree()
    assert tree[f"{coll}/a.txt"] == payload
    assert tree[f"{coll}/c.txt"] == b"locked and rewritten\n"
    assert f"{coll}/b.txt" not in tree
    assert (f"{coll}/p.txt" in tree) == srv.module_loaded

    r = c("DELETE", base + "a.txt")
    assert r.status == 204, r
    r = c("DELETE", base)
    assert r.status == 204, r
    assert not any(k.startswith(coll) for k in srv.share_tree())
    assert srv.share_checksum() == before

    # every request, as the access log saw it: not one refused by the module
    for rid in c.rids:
        e = srv.access_entry(rid)
        assert e["note"] == "-" and e["subhdr"] == "-", e["line"]
    assert_no_refusals(srv, mark, len(c.rids))


# --------------------------------------------------------------------------
# cadaver
# --------------------------------------------------------------------------

@pytest.mark.expect_errors(DAV_REFUSALS)
def test_cadaver_session(srv, tmp_path):
    coll = f"cad-{uuid.uuid4().hex[:8]}"
    (tmp_path / "up.txt").write_bytes(b"cadaver upload\n" * 50)
    script = f"""open {srv.url('/dav/')}
mkcol {coll}
cd {coll}
put up.txt a.txt
get a.txt got.txt
copy a.txt b.txt
move b.txt c.txt
lock c.txt
propset c.txt color vermilion
propget c.txt color
unlock c.txt
mkcol sub
put up.txt sub/d.txt
ls
rm a.txt
"""
    mark = srv.mark()
    env = dict(os.environ, HOME=str(tmp_path))      # no ~/.netrc, no ~/.cadaverrc
    p = subprocess.run(["cadaver"], input=script + "quit\n", cwd=tmp_path,
                       capture_output=True, text=True, env=env, timeout=120)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert "failed" not in out.lower(), out
    assert out.count("succeeded") >= 11, out
    assert "Value of color is: vermilion" in out, out
    assert (tmp_path / "got.txt").read_bytes() == b"cadaver upload\n" * 50

    tree = srv.share_tree()
    assert tree[f"{coll}/c.txt"] == b"cadaver upload\n" * 50
    assert tree[f"{coll}/sub/d.txt"] == b"cadaver upload\n" * 50
    assert tree[f"{coll}/sub"] is None
    assert f"{coll}/a.txt" not in tree and f"{coll}/b.txt" not in tree

    p = subprocess.run(["cadaver"], input=f"open {srv.url('/dav/')}\nrmcol {coll}\nquit\n",
                       cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60)
    assert "succeeded" in p.stdout and "failed" not in p.stdout.lower(), p.stdout
    assert not any(k.startswith(coll) for k in srv.share_tree())

    methods = {re.match(r'(\S+)', e["request"]).group(1) for e in srv.access_entries(mark)}
    assert {"MKCOL", "PUT", "GET", "COPY", "MOVE", "LOCK", "UNLOCK", "PROPPATCH",
            "PROPFIND", "DELETE"} <= methods, methods
    assert_no_refusals(srv, mark, 15)


# --------------------------------------------------------------------------
# rclone
# --------------------------------------------------------------------------

@pytest.mark.expect_errors(DAV_REFUSALS)
def test_rclone_session(srv, tmp_path):
    coll = f"rc-{uuid.uuid4().hex[:8]}"
    local = tmp_path / "local"
    (local / "deep").mkdir(parents=True)
    files = {"one.txt": b"rclone one\n" * 20, "two.bin": bytes(range(256)) * 8,
             "deep/three.txt": b"three\n"}
    for k, v in files.items():
        (local / k).write_bytes(v)
    env = dict(os.environ, HOME=str(tmp_path),
               RCLONE_CONFIG=str(tmp_path / "rclone.conf"),
               RCLONE_CONFIG_T_TYPE="webdav", RCLONE_CONFIG_T_URL=srv.url("/dav/"),
               RCLONE_CONFIG_T_VENDOR="other")
    mark = srv.mark()

    def rclone(*args):
        p = subprocess.run(["rclone", "--retries", "1", "--low-level-retries", "1", *args],
                           capture_output=True, env=env, timeout=120)
        assert p.returncode == 0, f"rclone {args}: {p.stderr.decode(errors='replace')}"
        return p.stdout

    rclone("mkdir", f"T:{coll}")
    rclone("copy", str(local), f"T:{coll}")
    listing = sorted(rclone("lsf", "-R", f"T:{coll}").decode().split())
    assert listing == sorted(["deep/", "deep/three.txt", "one.txt", "two.bin"]), listing
    rclone("copyto", f"T:{coll}/one.txt", f"T:{coll}/one-copy.txt")
    rclone("moveto", f"T:{coll}/one-copy.txt", f"T:{coll}/moved.txt")
    assert rclone("cat", f"T:{coll}/moved.txt") == files["one.txt"]

    tree = srv.share_tree()
    for k, v in files.items():
        assert tree[f"{coll}/{k}"] == v, k
    assert tree[f"{coll}/moved.txt"] == files["one.txt"]
    assert f"{coll}/one-copy.txt" not in tree

    rclone("delete", f"T:{coll}/two.bin")
    assert f"{coll}/two.bin" not in srv.share_tree()
    rclone("purge", f"T:{coll}")
    assert not any(k.startswith(coll) for k in srv.share_tree())

    methods = {re.match(r'(\S+)', e["request"]).group(1) for e in srv.access_entries(mark)}
    assert {"MKCOL", "PUT", "GET", "COPY", "MOVE", "PROPFIND", "DELETE"} <= methods, methods
    assert_no_refusals(srv, mark, 10)
