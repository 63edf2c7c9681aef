"""No Destination or Resource-Tag reaches outside the DAV location: dot
segments, encoded slashes and dots, overlong UTF-8, backslashes, case
tricks. Whatever the status, nothing may appear or change outside the
share, and anything created must lie inside it."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from httpd import build_request


def outside(srv) -> dict:
    """Every path of the server root outside the shares, logs and state."""
    shares = {"share", "strict", "off", "inf", "bare", "limits"}
    out = {}
    for dirpath, dirnames, filenames in os.walk(srv.root):
        rel = Path(dirpath).relative_to(srv.root)
        top = rel.parts[0] if rel.parts else ""
        if top in shares | {"logs", "run", "var"}:
            dirnames[:] = []
            continue
        for fn in filenames:
            p = Path(dirpath) / fn
            out[str(p.relative_to(srv.root))] = p.read_bytes()
        for dn in dirnames:
            out[str(rel / dn) + "/"] = None
    return out


def inside(srv) -> set:
    base = srv.share_dir("/dav/")
    return {str(Path(d, f).relative_to(base))
            for d, _, fs in os.walk(base) for f in fs}


DESTS = [
    # (id, Destination template, expected sub-status or None for mod_dav's)
    ("dotdot-above-root", "/../../etc/escaped", "400.1"),
    ("dotdot-above-root-abs", "{o}/../escaped", "400.1"),
    ("encoded-dots-above-root", "{o}/dav/%2E%2E/%2E%2E/etc/escaped", "400.1"),
    ("mixed-dots-above-root", "/dav/.%2e/%2e./escaped", "400.1"),
    ("encoded-slash-climb", "/dav/a%2f..%2f..%2f..%2fescaped", "400.1"),
    ("backslash-raw", "/dav/..\\escaped", "400.1"),
    ("out-of-location", "/dav/../escaped", None),
    ("out-of-location-encoded", "/dav/%2e%2e/escaped", None),
    ("encoded-slash", "/dav/..%2fescaped", None),
    ("overlong-utf8-dots", "/dav/%c0%ae%c0%ae/escaped", None),
    ("encoded-backslash", "/dav/%5c..%5cescaped", None),
    ("case-trick", "/DAV/escaped", None),
    # httpd merges "//", so this climbs as the server would read it
    ("double-slash", "/dav//../../escaped", "400.1"),
]


@pytest.fixture
def src(server):
    p = server.share_dir("/dav/") / "path-src.txt"
    r = server.request("PUT", "/dav/path-src.txt", body=b"source\n")
    assert r.status in (201, 204), r
    return p


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
@pytest.mark.parametrize("name,dest,sub", DESTS, ids=[d[0] for d in DESTS])
def test_destination_never_escapes(server, src, expect_errors, method, name,
                                   dest, sub):
    expect_errors(r"\[dav:error\]", r"\[core:error\].*AH0(0126|2811|0127)")
    before_out = outside(server)
    before_in = inside(server)
    d = dest.replace("{o}", f"http://127.0.0.1:{server.port}")
    data, rid = build_request(method, "/dav/path-src.txt", [("Destination", d)],
                              host=f"127.0.0.1:{server.port}")
    resp = server.raw(data, until_eof=True).final
    assert outside(server) == before_out, (resp, "something changed outside")
    if sub:
        assert resp.status == 400 and resp.substatus == sub, resp
        assert inside(server) == before_in
    else:
        assert resp.substatus is None, resp
        created = inside(server) - before_in
        # whatever mod_dav made of it, it stayed in the share
        for c in created:
            assert not c.startswith(".."), c


TAGS = [
    ("tag-above-root", "</../../etc/passwd> (<DAV:no-lock>)"),
    ("tag-encoded-above-root", "<{o}/dav/%2e%2e/%2e%2e/x> (Not <DAV:no-lock>)"),
    ("tag-backslash", "</dav/..\\x> (<DAV:no-lock>)"),
    ("tag-nul", "</dav/%00> (<DAV:no-lock>)"),
]


@pytest.mark.parametrize("name,value", TAGS, ids=[t[0] for t in TAGS])
def test_resource_tag_never_escapes(server, name, value):
    before_out = outside(server)
    before_in = inside(server)
    v = value.replace("{o}", f"http://127.0.0.1:{server.port}")
    r = server.request("PUT", "/dav/path-tag.txt", {"If": v}, b"x")
    assert r.status == 400 and r.substatus == "400.3", r
    assert outside(server) == before_out
    assert inside(server) == before_in
