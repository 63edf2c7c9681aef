"""The malformed Content-Length forms that httpd's core refuses before any
module runs (README: "What httpd itself refuses"). They must get httpd's own
plain 400 (413 for a length above LimitRequestBody), never a sub-status, and
change nothing in the share."""
from __future__ import annotations

import pytest

from httpd import build_request

CORE_400 = [
    ("letters", "abc"),
    ("negative", "-1"),
    ("plus sign", "+5"),
    ("trailing junk", "5x"),
    ("overflow", "99999999999999999999999"),
    ("two different", "5, 6"),
    ("two equal", "5, 5"),
]


@pytest.mark.parametrize("name,value", CORE_400, ids=[c[0] for c in CORE_400])
@pytest.mark.parametrize("method", ["PUT", "PROPFIND", "DELETE"])
def test_core_refuses_bad_content_length(server, method, name, value):
    data, rid = build_request(method, "/dav/", [("Content-Length", value),
                                                ("Depth", "0")],
                              host=f"127.0.0.1:{server.port}")
    before = server.share_checksum()
    res = server.raw(data + b"hello", shutdown_write=True, until_eof=True)
    assert res.final.status == 400, res.final
    assert res.final.substatus is None
    assert "retrywith" not in res.final.text
    assert server.share_checksum() == before


def test_core_refuses_unknown_transfer_encoding(server):
    data, rid = build_request("PROPFIND", "/dav/",
                              [("Transfer-Encoding", "gzip"), ("Depth", "0")],
                              host=f"127.0.0.1:{server.port}")
    res = server.raw(data + b"hello", shutdown_write=True, until_eof=True)
    assert res.final.status == 400, res.final
    assert res.final.substatus is None


@pytest.mark.expect_errors(r"\[dav:error\] .*An error occurred while reading "
                           r"the request body")
def test_core_413_above_limit_request_body(server):
    data, rid = build_request("PUT", "/dav/huge.txt",
                              [("Content-Length", "99999999999")],
                              host=f"127.0.0.1:{server.port}")
    before = server.share_checksum()
    res = server.raw(data + b"hello", shutdown_write=True, until_eof=True)
    assert res.final.status == 413, res.final
    assert res.final.substatus is None
    assert server.share_checksum() == before
