"""Valid and refused requests in parallel: every answer stays right (no shared
state between requests in the module), and the server survives.  Bounded:
a fixed number of requests on 8 threads."""

from __future__ import annotations

import socket
import uuid
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

import pytest

from httpd import build_request

ROUNDS = 40
PROPFIND_ALLPROP = b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>'


@pytest.fixture(scope="module")
def area(server):
    base = f"/dav/conc-{uuid.uuid4().hex[:8]}/"
    assert server.request("MKCOL", base).status == 201
    for i in range(8):
        assert server.request("PUT", f"{base}f{i}.txt", body=b"x" * (100 + i)).status == 201
    return base


def one_round(server, base, n):
    """Sends a mix and returns a list of (what, ok, detail)."""
    out = []
    i = n % 8
    f = f"{base}f{i}.txt"
    cases = [
        ("PROPFIND", base, {"Depth": "1"}, PROPFIND_ALLPROP, 207, None),
        ("PROPFIND", base, {"Depth": "2"}, None, 400, "400.2"),
        ("GET", f, {"Translate": "f"}, None, 200, None),
        ("PROPFIND", f, {"Depth": "0"}, b"<D:propfind xmlns:D='DAV:'><D:allprop>", 400, "400.6"),
        ("PROPPATCH", f, {},
         (f'<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:z"><D:set>'
          f'<D:prop><Z:n>{n}</Z:n></D:prop></D:set></D:propertyupdate>').encode(), 207, None),
        ("PUT", f"{base}nope-{n}", {"If": "(<urn:x:a>"}, b"x", 400, "400.3"),
        ("COPY", f, {"Destination": "https://elsewhere.example/x"}, None, 502, "400.1"),
        ("LOCK", f"{base}nolock-{n}", {"Timeout": "Second-x"},
         b'<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:shared/></D:lockscope>'
         b'<D:locktype><D:write/></D:locktype></D:lockinfo>', 400, "400.8"),
    ]
    for method, path, headers, body, status, sub in cases:
        r = server.request(method, path, headers, body, timeout=30)
        ok = r.status == status and r.substatus == sub
        out.append((f"{method} {path} {headers}", ok, f"{r.status} {r.substatus}", r.rid, sub))
    return out


def test_parallel_mix(server, area):
    before_entries = len(server.access_lines())
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [x for chunk in pool.map(lambda n: one_round(server, area, n), range(ROUNDS))
                   for x in chunk]
    bad = [f"{w}: got {d}" for w, ok, d, _, _ in results if not ok]
    assert not bad, "\n".join(bad[:20])
    # the notes in the access log belong to the right requests (a line is
    # written after its response: wait for the ones not there yet)
    entries = {e["rid"]: e for e in server.access_entries()}
    for _, _, _, rid, _ in results:
        if rid not in entries:
            entries[rid] = server.access_entry(rid)
    wrong = [(rid, sub, entries.get(rid, {}).get("note"))
             for _, _, _, rid, sub in results if entries.get(rid, {}).get("note") != (sub or "-")]
    assert not wrong, wrong[:20]
    assert len(server.access_lines()) - before_entries >= len(results)
    # a file's property holds one of the values written
    r = server.request("PROPFIND", f"{area}f0.txt", {"Depth": "0"},
                       b'<D:propfind xmlns:D="DAV:" xmlns:Z="urn:z"><D:prop><Z:n/></D:prop>'
                       b'</D:propfind>')
    assert r.status == 207, r
    val = ET.fromstring(r.body).find(".//{urn:z}n")
    assert val is not None and int(val.text) in range(0, ROUNDS, 8), r


def test_server_alive_after_abuse(server, area):
    """Connections cut in the middle of a request body, then normal service."""
    for i in range(20):
        data, _ = build_request("PROPPATCH", f"{area}f1.txt", [], b"<D:proper",
                                content_length=5000, host=f"127.0.0.1:{server.port}")
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(data)
        # closed without the rest of the body
    r = server.request("PROPFIND", area, {"Depth": "1"})
    assert r.status == 207 and r.substatus is None, r
