"""449 Retry With (README "449 Retry With"): the policies, the exchange with
a real client, the loop guard, the echo verdicts, a farm sharing one key,
keep-alive and Expect: 100-continue, ErrorDocument, HTTP/2, the scope of a
policy (agent=, methods=, nested locations), and the logs.

Every answer that refuses something (449, the final 403 of a retry, the 400
of a bad echo) is also checked to leave the shares untouched.

The notes: the harness' access log records `retrywith-substatus`; the note
`retrywith-echo` is not in its LogFormat, so each server here writes a second
log (`logs/notes_log`: rid, retrywith-substatus, retrywith-echo) through its
extra configuration.
"""

from __future__ import annotations

import base64
import os
import re
import socket
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

from httpd import (APACHE_NS, DAV_NS, RID_HEADER, RW_NS, Response, _Incomplete,
                   _parse_one, build_request, new_rid)

SECRET = "0123456789abcdef-farm-key"
OTHER_SECRET = "another-secret-of-a-second-farm"
NS = "http://example.com/ns"
PROJECT = "{" + NS + "}project"
ACK = ("X-Retention-Ack", "yes")
SUB_ACK = ("X-Sub-Ack", "ok")

POLICIES = """\
LogFormat "%{X-RW-Test}i %{retrywith-substatus}n %{retrywith-echo}n" rwnotes
CustomLog logs/notes_log rwnotes

<Location /dav/retry>
    RetryWithSecret "@SECRET@"
    RetryWithRequireHeader X-Retention-Ack=yes methods=PUT,LOCK text="kept 7 years"
    RetryWithRequireProperty {http://example.com/ns}project methods=PROPPATCH,PROPFIND
    RetryWithRequireLockOwner
    RetryWithRetryDepth
    RetryWithRetryPropList agent="^proplist-client"
</Location>
<Location /dav/retry/sub>
    RetryWithRequireHeader X-Sub-Ack=ok text="the sub folder asks too"
</Location>
<Location /dav/retry/short>
    RetryWithEchoLifetime 1
</Location>
# no RetryWithSecret here: a random key per start
<Location /dav/scoped>
    RetryWithRetryPropList agent="^proplist-client"
    RetryWithRequireHeader X-Retention-Ack=yes methods=PUT,LOCK
</Location>
# the secret alone: the policies above, and a key the farm shares
<Location /dav/scoped/keyed>
    RetryWithSecret "@SECRET@"
</Location>
"""


def policy_conf(secret: str = SECRET, extra: str = "") -> str:
    return POLICIES.replace("@SECRET@", secret) + extra


# --------------------------------------------------------------------------
# what a 449 must name
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Item:
    name: str
    kind: str
    value: str | None = None
    unverified: bool = False
    text: str | None = None

    def unchecked(self) -> "Item":
        return Item(self.name, self.kind, self.value, True, self.text)

    @property
    def ms_line(self) -> str:
        if self.kind == "header":
            return f"Required-Header: {self.name}" + (f": {self.value}" if self.value else "")
        return {"property": f"Required-Property: {self.name}",
                "lockinfo": f"Required-Lock-Owner: {self.name}",
                "propfind": f"Required-Prop-List: {self.name}"}[self.kind]


I_ACK = Item("X-Retention-Ack", "header", "yes", text="kept 7 years")
I_SUB = Item("X-Sub-Ack", "header", "ok", text="the sub folder asks too")
I_PROP = Item(PROJECT, "property")
I_OWNER = Item("{DAV:}owner", "lockinfo")
I_DEPTH = Item("Depth", "header", "1")
I_PROPLIST = Item("{DAV:}prop", "propfind")
I_SCOPED_ACK = Item("X-Retention-Ack", "header", "yes")

VERDICTS = ("malformed", "forged", "foreign", "expired")


# --------------------------------------------------------------------------
# RFC 8941 List (strings, tokens, integers, decimals, booleans, byte
# sequences, parameters; inner lists are not expected here and refused)
# --------------------------------------------------------------------------

class Token(str):
    """An sf-token (kept apart from an sf-string)."""


class SFError(ValueError):
    pass


_TCHAR = set("!#$%&'*+-.^_`|~0123456789"
             "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_LCALPHA = set("abcdefghijklmnopqrstuvwxyz")


def parse_sf_list(text: str) -> list[tuple[object, dict]]:
    s = text.strip(" ")
    n = len(s)
    i = 0
    out: list[tuple[object, dict]] = []

    def bare(i: int) -> tuple[object, int]:
        if i >= n:
            raise SFError("item expected")
        c = s[i]
        if c == '"':
            i += 1
            buf = []
            while True:
                if i >= n:
                    raise SFError("unterminated string")
                c = s[i]
                if c == "\\":
                    if i + 1 >= n or s[i + 1] not in '"\\':
                        raise SFError("bad escape in string")
                    buf.append(s[i + 1])
                    i += 2
                elif c == '"':
                    return "".join(buf), i + 1
                elif not 0x20 <= ord(c) <= 0x7E:
                    raise SFError("bad character in string")
                else:
                    buf.append(c)
                    i += 1
        if c == "?":
            if i + 1 < n and s[i + 1] in "01":
                return s[i + 1] == "1", i + 2
            raise SFError("bad boolean")
        if c == "-" or c.isdigit():
            m = re.compile(r"-?(\d{1,15})(\.\d{1,3})?").match(s, i)
            if not m or (m.group(2) and len(m.group(1)) > 12):
                raise SFError("bad number")
            if i + len(m.group(0)) < n and s[i + len(m.group(0))] == ".":
                raise SFError("bad decimal")
            v = float(m.group(0)) if m.group(2) else int(m.group(0))
            return v, m.end()
        if c.isalpha() and c.isascii() or c == "*":
            j = i + 1
            while j < n and (s[j] in _TCHAR or s[j] in ":/"):
                j += 1
            return Token(s[i:j]), j
        if c == ":":
            j = s.find(":", i + 1)
            if j < 0:
                raise SFError("unterminated byte sequence")
            return base64.b64decode(s[i + 1:j], validate=True), j + 1
        if c == "(":
            raise SFError("inner list not expected")
        raise SFError(f"unexpected {c!r} at {i}")

    def params(i: int) -> tuple[dict, int]:
        p: dict = {}
        while i < n and s[i] == ";":
            i += 1
            while i < n and s[i] == " ":
                i += 1
            if i >= n or not (s[i] in _LCALPHA or s[i] == "*"):
                raise SFError("parameter key expected")
            j = i + 1
            while j < n and (s[j] in _LCALPHA or s[j].isdigit() or s[j] in "_-.*"):
                j += 1
            key = s[i:j]
            i = j
            if i < n and s[i] == "=":
                p[key], i = bare(i + 1)
            else:
                p[key] = True
        return p, i

    while i < n:
        item, i = bare(i)
        p, i = params(i)
        out.append((item, p))
        while i < n and s[i] in " \t":
            i += 1
        if i >= n:
            break
        if s[i] != ",":
            raise SFError(f"',' expected at {i}")
        i += 1
        while i < n and s[i] in " \t":
            i += 1
        if i >= n:
            raise SFError("trailing comma")
    return out


def test_sf_list_parser_self_check():
    """The parser the checks below rely on: it must refuse what is not a
    List, or a malformed Retrywith-Missing could pass."""
    got = parse_sf_list('"X-A";kind=header;value="y\\"es", "{DAV:}owner";kind=lockinfo;unverified')
    assert got == [("X-A", {"kind": "header", "value": 'y"es'}),
                   ("{DAV:}owner", {"kind": "lockinfo", "unverified": True})]
    assert isinstance(got[0][1]["kind"], Token)
    assert not isinstance(got[0][1]["value"], Token)
    assert parse_sf_list("") == []
    assert parse_sf_list("a;b=?0, 12;c=1.5") == [("a", {"b": False}), (12, {"c": 1.5})]
    for bad in ('"x', '"x",', '"x";Kind=a', "X-A;kind=header", '"x" "y"', '"x";=1',
                '("a")', '"a\\b"', '"x";kind="a', ","):
        if bad == "X-A;kind=header":
            # a bare token is a valid item, but it is not a String
            assert isinstance(parse_sf_list(bad)[0][0], Token)
            continue
        with pytest.raises(SFError):
            parse_sf_list(bad)


# --------------------------------------------------------------------------
# clients
# --------------------------------------------------------------------------

def curl(srv, method: str, path: str, headers=(), body: bytes | None = None, *,
         h2: bool = False, agent: str | None = None) -> Response:
    """One request through curl (`curl -s -D - -o FILE`): the status line and
    every header field exactly as curl printed them, and the body."""
    rid = new_rid("c")
    out = f"/tmp/rw449-{uuid.uuid4().hex}.body"
    cmd = ["curl", "-s", "-S", "--max-time", "30", "-D", "-", "-o", out, "-X", method,
           "--http2-prior-knowledge" if h2 else "--http1.1",
           "-H", f"{RID_HEADER}: {rid}", "-H", "Expect:"]
    if agent:
        cmd += ["-A", agent]
    for k, v in headers:
        cmd += ["-H", f"{k}: {v}"]
    if body is not None:
        cmd += ["--data-binary", "@-"]
    cmd.append(srv.url(path))
    try:
        p = subprocess.run(cmd, input=body or b"", capture_output=True, timeout=60)
        data = open(out, "rb").read() if os.path.exists(out) else b""
    finally:
        if os.path.exists(out):
            os.unlink(out)
    assert p.returncode == 0, f"curl failed ({p.returncode}): {p.stderr!r}"
    blocks = [b for b in p.stdout.decode("iso-8859-1").split("\r\n\r\n") if b.strip()]
    assert blocks, p.stdout
    lines = blocks[-1].split("\r\n")
    m = re.fullmatch(r"(HTTP/(?:1\.1|2)) (\d{3})(?: (.*))?", lines[0])
    assert m, f"bad status line {lines[0]!r}"
    hdrs = []
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hdrs.append((k.strip(), v.strip()))
    r = Response(int(m.group(2)), m.group(3) or "", hdrs, data, rid=rid, version=m.group(1))
    r.status_line = lines[0]
    return r


def req(srv, method, path, headers=(), body=None, agent=None) -> Response:
    """http.client, one connection per request."""
    hdrs = list(headers)
    if agent:
        hdrs.append(("User-Agent", agent))
    return srv.request(method, path, hdrs, body)


def read_one(sock: socket.socket, buf: bytes = b"") -> tuple[list[Response], Response, bytes]:
    """Reads one final response from a socket (interim ones collected);
    returns (interim, final, bytes left over)."""
    interim = []
    while True:
        try:
            r, used = _parse_one(buf, False, False)
        except _Incomplete:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError(f"connection closed; got {buf[:800]!r}")
            buf += chunk
            continue
        buf = buf[used:]
        if r.status >= 200:
            return interim, r, buf
        interim.append(r)


# --------------------------------------------------------------------------
# request bodies
# --------------------------------------------------------------------------

XML_DECL = '<?xml version="1.0" encoding="utf-8"?>\n'
CT_XML = ("Content-Type", "application/xml")


def proppatch_set(**props: str) -> bytes:
    """proppatch_set(project="x", color="y"): project in NS, others in urn:other."""
    inner = "".join(f"<E:{k}>{v}</E:{k}>" if k == "project" else f"<O:{k}>{v}</O:{k}>"
                    for k, v in props.items())
    return (XML_DECL + f'<D:propertyupdate xmlns:D="DAV:" xmlns:E="{NS}" xmlns:O="urn:other">'
            f"<D:set><D:prop>{inner}</D:prop></D:set></D:propertyupdate>").encode()


def propfind_props(*names: str) -> bytes:
    """names: "project" (NS), or DAV: local names."""
    inner = "".join("<E:project/>" if n == "project" else f"<D:{n}/>" for n in names)
    return (XML_DECL + f'<D:propfind xmlns:D="DAV:" xmlns:E="{NS}"><D:prop>{inner}'
            "</D:prop></D:propfind>").encode()


PROPFIND_ALLPROP = (XML_DECL + '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>').encode()
PROPFIND_PROPNAME = (XML_DECL + '<D:propfind xmlns:D="DAV:"><D:propname/></D:propfind>').encode()


def lockinfo(owner: str | None) -> bytes:
    o = f"<D:owner><D:href>{owner}</D:href></D:owner>" if owner else ""
    return (XML_DECL + '<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>'
            f"<D:locktype><D:write/></D:locktype>{o}</D:lockinfo>").encode()


def prop_values(resp: Response, tag: str) -> dict[str, ET.Element]:
    """{href: element} of a property found with status 200 in a multistatus."""
    assert resp.status == 207, resp
    out = {}
    for r in ET.fromstring(resp.body).findall(f"{{{DAV_NS}}}response"):
        href = r.findtext(f"{{{DAV_NS}}}href")
        for ps in r.findall(f"{{{DAV_NS}}}propstat"):
            if " 200 " not in (ps.findtext(f"{{{DAV_NS}}}status") or ""):
                continue
            el = ps.find(f"{{{DAV_NS}}}prop/{tag}")
            if el is not None:
                out[href] = el
    return out


# --------------------------------------------------------------------------
# checks
# --------------------------------------------------------------------------

ECHO_RE = re.compile(r"1\.\d{1,20}\.[A-Za-z0-9_,-]*\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}")


def missing_of(resp: Response) -> list[Item]:
    """Retrywith-Missing parsed as an RFC 8941 List of Strings."""
    fields = resp.header_all("Retrywith-Missing")
    assert fields, f"no Retrywith-Missing: {resp!r}"
    try:
        members = parse_sf_list(", ".join(fields))
    except SFError as e:
        raise AssertionError(f"Retrywith-Missing is not an RFC 8941 List ({e}): {fields!r}")
    items = []
    for name, params in members:
        assert isinstance(name, str) and not isinstance(name, Token), \
            f"member {name!r} is not an sf-string: {fields!r}"
        assert set(params) <= {"kind", "value", "unverified"}, params
        kind = params.get("kind")
        assert isinstance(kind, Token), f"kind is not a Token: {fields!r}"
        value = params.get("value")
        assert value is None or (isinstance(value, str) and not isinstance(value, Token)), \
            f"value is not an sf-string: {fields!r}"
        unv = params.get("unverified", False)
        assert unv in (True, False) and type(unv) is bool, fields
        items.append(Item(name, str(kind), value, unv))
    return items


def norm(items) -> list[tuple]:
    return sorted((i.name, i.kind, i.value, i.unverified) for i in items)


def check_xml_error(resp: Response, items, *, final: bool, condition: str | None = None):
    ctype = resp.header("Content-Type") or ""
    assert re.fullmatch(r'text/xml;\s*charset="?utf-8"?', ctype, re.I), resp
    root = ET.fromstring(resp.body)
    assert root.tag == f"{{{DAV_NS}}}error", resp
    kids = list(root)
    if condition:
        assert kids and kids[0].tag == f"{{{DAV_NS}}}{condition}", resp
        kids = kids[1:]
    assert not any(k.tag.startswith(f"{{{DAV_NS}}}") for k in kids), resp
    rws = [k for k in kids if k.tag.startswith(f"{{{RW_NS}}}")]
    assert len(rws) == 1 and rws[0].tag == f"{{{RW_NS}}}retry-with", resp
    rw = rws[0]
    assert rw.get("final") == ("true" if final else "false"), resp
    got = []
    for m in rw:
        assert m.tag == f"{{{RW_NS}}}missing", resp
        assert set(m.attrib) <= {"kind", "name", "value", "unverified"}, m.attrib
        assert m.get("unverified") in (None, "true"), m.attrib
        got.append((Item(m.get("name"), m.get("kind"), m.get("value"),
                         m.get("unverified") == "true"), (m.text or "").strip() or None))
    assert norm(i for i, _ in got) == norm(items), f"R:missing {got} != {items}"
    texts = {i.name: i.text for i in items}
    for i, text in got:
        assert text == texts[i.name], f"R:missing {i.name}: text {text!r}, want {texts[i.name]!r}"
    hr = root.find(f"{{{APACHE_NS}}}human-readable")
    assert hr is not None and hr.get("errcode") == "449", resp
    assert hr.text and hr.text.strip(), resp


def check_missing(resp: Response, items):
    assert norm(missing_of(resp)) == norm(items), \
        f"Retrywith-Missing {resp.header_all('Retrywith-Missing')} != {items}"
    assert sorted(resp.header_all("MS-RetryWith")) == sorted(i.ms_line for i in items), \
        f"MS-RetryWith {resp.header_all('MS-RetryWith')} != {[i.ms_line for i in items]}"


def check_msdavext(resp: Response, code: int):
    """[MS-WDV] 2.2.3: X-MSDAVEXT_ERROR: code "; " percent-encoded text."""
    m = re.fullmatch(r"(\d+); ([A-Za-z0-9%._~-]+)", resp.header("X-MSDAVEXT_ERROR") or "")
    assert m and int(m.group(1)) == code, resp


def check_449(resp: Response, items, *, h2: bool = False) -> str:
    """A first answer naming exactly items; returns the echo."""
    assert resp.status == 449, f"expected 449, got {resp!r}"
    check_msdavext(resp, 44900)
    if not h2:
        line = getattr(resp, "status_line", f"{resp.version} {resp.status} {resp.reason}")
        assert line == "HTTP/1.1 449 Retry With", f"status line {line!r}"
    echo = resp.header_all("Ms-Echo-Request")
    assert len(echo) == 1 and echo[0], resp
    assert ECHO_RE.fullmatch(echo[0]), f"Ms-Echo-Request {echo[0]!r} is not the README grammar"
    assert resp.header("Retrywith-Echo") is None, resp
    check_missing(resp, items)
    check_xml_error(resp, items, final=False)
    return echo[0]


def check_final(resp: Response, items, condition: str | None = None):
    assert resp.status == 403, f"expected the final 403, got {resp!r}"
    check_msdavext(resp, 40300)
    assert resp.header("Ms-Echo-Request") is None, resp
    assert resp.header("Retrywith-Echo") is None, resp
    check_missing(resp, items)
    check_xml_error(resp, items, final=True, condition=condition)


def check_bad_echo(resp: Response, verdict: str):
    assert resp.status == 400, f"expected 400 ({verdict}), got {resp!r}"
    check_msdavext(resp, 40000)
    assert resp.header_all("Retrywith-Echo") == [verdict], resp
    assert resp.header("Ms-Echo-Request") is None, resp
    ctype = resp.header("Content-Type") or ""
    assert re.fullmatch(r'text/xml;\s*charset="?utf-8"?', ctype, re.I), resp
    root = ET.fromstring(resp.body)
    assert root.tag == f"{{{DAV_NS}}}error", resp
    rws = [k for k in root if k.tag.startswith(f"{{{RW_NS}}}")]
    assert len(rws) == 1 and rws[0].tag == f"{{{RW_NS}}}invalid-echo-reply", resp
    assert rws[0].get("verdict") == verdict, resp
    assert root.find(f"{{{RW_NS}}}retry-with") is None, resp


def notes_entry(srv, rid: str, timeout: float = 5) -> tuple[str, str]:
    """(retrywith-substatus, retrywith-echo) of one request, from notes_log."""
    path = srv.root / "logs" / "notes_log"
    deadline = time.monotonic() + timeout
    while True:
        found = []
        if path.exists():
            found = [ln.split() for ln in path.read_text().splitlines()
                     if ln.split()[:1] == [rid]]
        if found:
            assert len(found) == 1 and len(found[0]) == 3, found
            return found[0][1], found[0][2]
        if time.monotonic() > deadline:
            raise AssertionError(f"no notes_log entry for {rid}")
        time.sleep(0.02)


def rw_lines(srv, rid: str) -> list[str]:
    return [ln for ln in srv.error_lines_for(rid) if "[retrywith:" in ln]


def check_logged(srv, resp: Response, *, sub: str, echo: str, tag: str | None,
                 items=(), status: int | None = None):
    entry = srv.access_entry(resp.rid)
    assert entry["status"] == str(status or resp.status), entry["line"]
    assert entry["note"] == sub, f"retrywith-substatus {entry['note']!r}, want {sub!r}"
    assert entry["subhdr"] == "-", entry["line"]   # no Retrywith-Substatus on these
    assert notes_entry(srv, resp.rid) == (sub, echo), (sub, echo)
    lines = rw_lines(srv, resp.rid)
    if tag is None:
        assert lines == [], lines
        return
    assert len(lines) == 1, f"expected one [retrywith:info] line: {lines}"
    assert "[retrywith:info]" in lines[0] and f"{tag}:" in lines[0], lines
    for i in items:
        assert i.name in lines[0], f"{i.name} not in {lines[0]}"


def logged_449(srv, resp, items):
    check_logged(srv, resp, sub="449", echo="issued", tag="RW00104", items=items)


def logged_final(srv, resp, items):
    check_logged(srv, resp, sub="449-final", echo="final", tag="RW00104", items=items)


def logged_bad_echo(srv, resp, verdict):
    check_logged(srv, resp, sub=f"449-echo-{verdict}", echo=verdict, tag="RW00105")


def logged_pass(srv, resp):
    assert resp.header("Retrywith-Missing") is None, resp
    assert resp.header("Ms-Echo-Request") is None, resp
    check_logged(srv, resp, sub="-", echo="-", tag=None)


def logged_retried(srv, resp):
    """A retry that satisfied its 449: passed, its echo noted 'satisfied'."""
    assert resp.header("Retrywith-Missing") is None, resp
    assert resp.header("Ms-Echo-Request") is None, resp
    check_logged(srv, resp, sub="-", echo="satisfied", tag=None)


def on_disk(srv, path: str) -> bytes | None:
    p = srv.share / path[len("/dav/"):]
    return p.read_bytes() if p.exists() else None


# --------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------

def prepare(srv):
    """The collections the tests use (MKCOL is not under a policy, except
    in /dav/retry/sub/ where X-Sub-Ack applies to every method)."""
    for path, hdrs in (("/dav/retry/", []), ("/dav/retry/coll/", []),
                       ("/dav/retry/short/", []), ("/dav/scoped/", []),
                       ("/dav/scoped/keyed/", []),
                       ("/dav/retry/sub/", [SUB_ACK])):
        r = srv.request("MKCOL", path, hdrs)
        assert r.status == 201, r
    r = srv.request("PUT", "/dav/retry/coll/inner.txt", [ACK], b"inner\n")
    assert r.status == 201, r
    return srv


@pytest.fixture(scope="module")
def rw(httpd_factory, module_path):
    return prepare(httpd_factory("rw449", module_path=module_path, extra_conf=policy_conf()))


@pytest.fixture(scope="module")
def farm(httpd_factory, module_path):
    """A second server of the same farm: the same RetryWithSecret."""
    return prepare(httpd_factory("rw449-farm", module_path=module_path,
                                 extra_conf=policy_conf()))


@pytest.fixture(scope="module")
def other(httpd_factory, module_path):
    """A server with another RetryWithSecret."""
    return prepare(httpd_factory("rw449-other", module_path=module_path,
                                 extra_conf=policy_conf(OTHER_SECRET)))


@pytest.fixture(scope="module")
def rw_h2(httpd_factory, module_path):
    return prepare(httpd_factory("rw449-h2", module_path=module_path,
                                 extra_conf=policy_conf(), protocols="h2c http/1.1"))


def fresh(base: str = "/dav/retry/", ext: str = ".txt") -> str:
    return f"{base}f-{uuid.uuid4().hex[:10]}{ext}"


def existing(srv, base: str = "/dav/retry/", content: bytes = b"existing\n") -> str:
    path = fresh(base)
    hdrs = [ACK] + ([SUB_ACK] if base.startswith("/dav/retry/sub/") else [])
    r = srv.request("PUT", path, hdrs, content)
    assert r.status == 201 and r.header("Retrywith-Missing") is None, r
    return path


# --------------------------------------------------------------------------
# 1. every policy kind: a real client loop with curl
# --------------------------------------------------------------------------

def test_header_policy_curl_loop(rw):
    path = fresh()
    before = rw.share_checksum()
    r1 = curl(rw, "PUT", path, body=b"report v1\n")
    echo = check_449(r1, [I_ACK])
    assert rw.share_checksum() == before and on_disk(rw, path) is None
    logged_449(rw, r1, [I_ACK])

    r2 = curl(rw, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"report v1\n")
    assert r2.status == 201, r2
    logged_retried(rw, r2)
    assert on_disk(rw, path) == b"report v1\n"


def test_header_value_compared_case_insensitively(rw):
    path = fresh()
    echo = check_449(curl(rw, "PUT", path, [("X-Retention-Ack", "no")], b"v\n"), [I_ACK])
    r = curl(rw, "PUT", path, [("Ms-Echo-Reply", echo), ("X-Retention-Ack", "YES")], b"v\n")
    assert r.status == 201, r
    assert on_disk(rw, path) == b"v\n"


def test_property_policy_proppatch_curl_loop(rw):
    path = existing(rw)
    before = rw.share_checksum()
    r1 = curl(rw, "PROPPATCH", path, [CT_XML], proppatch_set(color="teal"))
    echo = check_449(r1, [I_PROP])
    assert rw.share_checksum() == before
    logged_449(rw, r1, [I_PROP])

    r2 = curl(rw, "PROPPATCH", path, [CT_XML, ("Ms-Echo-Reply", echo)],
              proppatch_set(project="apollo", color="teal"))
    assert r2.status == 207, r2
    logged_retried(rw, r2)
    assert set(prop_values(r2, f"{{{NS}}}project")) and set(prop_values(r2, "{urn:other}color"))

    r3 = curl(rw, "PROPFIND", path, [CT_XML, ("Depth", "0")], propfind_props("project"))
    vals = prop_values(r3, f"{{{NS}}}project")
    assert [v.text for v in vals.values()] == ["apollo"], r3


def test_property_policy_propfind_curl_loop(rw):
    path = existing(rw)
    assert rw.request("PROPPATCH", path, [CT_XML], proppatch_set(project="gemini")).status == 207
    before = rw.share_checksum()
    r1 = curl(rw, "PROPFIND", path, [CT_XML, ("Depth", "0")], propfind_props("getcontentlength"))
    echo = check_449(r1, [I_PROP])
    assert rw.share_checksum() == before
    logged_449(rw, r1, [I_PROP])

    r2 = curl(rw, "PROPFIND", path, [CT_XML, ("Depth", "0"), ("Ms-Echo-Reply", echo)],
              propfind_props("getcontentlength", "project"))
    logged_retried(rw, r2)
    assert [v.text for v in prop_values(r2, f"{{{NS}}}project").values()] == ["gemini"], r2


def test_lock_owner_policy_curl_loop(rw):
    path = existing(rw)
    before = rw.share_checksum()
    r1 = curl(rw, "LOCK", path, [CT_XML, ACK, ("Timeout", "Second-120")], lockinfo(None))
    echo = check_449(r1, [I_OWNER])
    assert rw.share_checksum() == before
    logged_449(rw, r1, [I_OWNER])
    # nothing was locked: a PUT goes through without a token
    assert rw.request("PUT", path, [ACK], b"not locked\n").status == 204

    owner = "mailto:alice@example.com"
    r2 = curl(rw, "LOCK", path, [CT_XML, ACK, ("Timeout", "Second-120"), ("Ms-Echo-Reply", echo)],
              lockinfo(owner))
    assert r2.status == 200, r2
    logged_retried(rw, r2)
    token = r2.header("Lock-Token")
    assert token and token.startswith("<opaquelocktoken:"), r2
    try:
        got = ET.fromstring(r2.body).findtext(
            f".//{{{DAV_NS}}}activelock/{{{DAV_NS}}}owner/{{{DAV_NS}}}href")
        assert got == owner, r2
        r3 = curl(rw, "PROPFIND", path, [CT_XML, ("Depth", "0")],
                  propfind_props("lockdiscovery", "project"))
        disc = list(prop_values(r3, f"{{{DAV_NS}}}lockdiscovery").values())
        assert len(disc) == 1, r3
        assert disc[0].findtext(f".//{{{DAV_NS}}}owner/{{{DAV_NS}}}href") == owner, r3
        # a refresh has no body and no owner to give: exempt
        r4 = rw.request("LOCK", path, [ACK, ("If", f"({token})"), ("Timeout", "Second-60")])
        assert r4.status == 200 and r4.header("Retrywith-Missing") is None, r4
    finally:
        assert rw.request("UNLOCK", path, [("Lock-Token", token)]).status == 204


def test_lock_header_and_owner_missing_together(rw):
    """Without Expect the body is read first, so one 449 names both."""
    path = existing(rw)
    before = rw.share_checksum()
    r1 = curl(rw, "LOCK", path, [CT_XML], lockinfo(None))
    echo = check_449(r1, [I_ACK, I_OWNER])
    assert rw.share_checksum() == before
    logged_449(rw, r1, [I_ACK, I_OWNER])
    r2 = curl(rw, "LOCK", path, [CT_XML, ACK, ("Ms-Echo-Reply", echo)], lockinfo("bob"))
    assert r2.status == 200, r2
    assert rw.request("UNLOCK", path, [("Lock-Token", r2.header("Lock-Token"))]).status == 204


@pytest.mark.parametrize("depth", [None, "infinity", "Infinity"])
def test_depth_policy_curl_loop(rw, depth):
    before = rw.share_checksum()
    hdrs = [CT_XML] + ([("Depth", depth)] if depth else [])
    body = propfind_props("displayname", "project")
    r1 = curl(rw, "PROPFIND", "/dav/retry/coll/", hdrs, body)
    echo = check_449(r1, [I_DEPTH])
    # the 449 replaces the 403: no DAV:propfind-finite-depth in it
    assert ET.fromstring(r1.body).find(f"{{{DAV_NS}}}propfind-finite-depth") is None, r1
    assert rw.share_checksum() == before
    logged_449(rw, r1, [I_DEPTH])

    r2 = curl(rw, "PROPFIND", "/dav/retry/coll/",
              [CT_XML, ("Depth", "1"), ("Ms-Echo-Reply", echo)], body)
    assert r2.status == 207, r2
    logged_retried(rw, r2)
    hrefs = [h.text for h in ET.fromstring(r2.body).iter(f"{{{DAV_NS}}}href")]
    assert any(h.endswith("/dav/retry/coll/") for h in hrefs), hrefs
    assert any(h.endswith("/dav/retry/coll/inner.txt") for h in hrefs), hrefs


@pytest.mark.parametrize("form", ["allprop", "propname", "empty"])
def test_prop_list_policy_curl_loop(rw, form):
    path = existing(rw)
    assert rw.request("PROPPATCH", path, [CT_XML], proppatch_set(project="mercury")).status == 207
    body = {"allprop": PROPFIND_ALLPROP, "propname": PROPFIND_PROPNAME, "empty": b""}[form]
    before = rw.share_checksum()
    agent = "proplist-client/1.0"
    r1 = curl(rw, "PROPFIND", path, [CT_XML, ("Depth", "0")], body, agent=agent)
    # the property rule (no agent=) applies to PROPFIND too: neither form names it
    echo = check_449(r1, [I_PROPLIST, I_PROP])
    assert rw.share_checksum() == before
    logged_449(rw, r1, [I_PROPLIST, I_PROP])

    r2 = curl(rw, "PROPFIND", path, [CT_XML, ("Depth", "0"), ("Ms-Echo-Reply", echo)],
              propfind_props("getcontentlength", "project"), agent=agent)
    logged_retried(rw, r2)
    assert [v.text for v in prop_values(r2, f"{{{NS}}}project").values()] == ["mercury"]
    assert [v.text for v in prop_values(r2, f"{{{DAV_NS}}}getcontentlength").values()] == \
        [str(len(b"existing\n"))]


def test_prop_list_policy_alone(rw):
    """In /dav/scoped only the prop-list rule applies: one item."""
    before = rw.share_checksum()
    r1 = curl(rw, "PROPFIND", "/dav/scoped/", [CT_XML, ("Depth", "0")], PROPFIND_ALLPROP,
              agent="proplist-client/2")
    echo = check_449(r1, [I_PROPLIST])
    assert rw.share_checksum() == before
    r2 = curl(rw, "PROPFIND", "/dav/scoped/", [CT_XML, ("Depth", "0"), ("Ms-Echo-Reply", echo)],
              propfind_props("resourcetype"), agent="proplist-client/2")
    assert r2.status == 207, r2
    logged_retried(rw, r2)


# --------------------------------------------------------------------------
# 2. the loop guard
# --------------------------------------------------------------------------

def test_loop_guard_header(rw):
    path = fresh()
    echo = check_449(curl(rw, "PUT", path, body=b"x\n"), [I_ACK])
    before = rw.share_checksum()
    for hdrs in ([], [("X-Retention-Ack", "no")]):
        r = curl(rw, "PUT", path, [("Ms-Echo-Reply", echo)] + hdrs, b"x\n")
        check_final(r, [I_ACK])
        logged_final(rw, r, [I_ACK])
        assert rw.share_checksum() == before and on_disk(rw, path) is None
    # the echo stays good for a complete retry
    r = curl(rw, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"x\n")
    assert r.status == 201, r


def test_loop_guard_property(rw):
    path = existing(rw)
    echo = check_449(curl(rw, "PROPPATCH", path, [CT_XML], proppatch_set(color="red")), [I_PROP])
    before = rw.share_checksum()
    r = curl(rw, "PROPPATCH", path, [CT_XML, ("Ms-Echo-Reply", echo)], proppatch_set(color="red"))
    check_final(r, [I_PROP])
    logged_final(rw, r, [I_PROP])
    assert rw.share_checksum() == before


def test_loop_guard_owner(rw):
    path = existing(rw)
    echo = check_449(curl(rw, "LOCK", path, [CT_XML, ACK], lockinfo(None)), [I_OWNER])
    before = rw.share_checksum()
    r = curl(rw, "LOCK", path, [CT_XML, ACK, ("Ms-Echo-Reply", echo)], lockinfo(None))
    check_final(r, [I_OWNER])
    logged_final(rw, r, [I_OWNER])
    assert rw.share_checksum() == before
    assert rw.request("PUT", path, [ACK], b"still unlocked\n").status == 204


def test_loop_guard_depth(rw):
    body = propfind_props("project")
    echo = check_449(curl(rw, "PROPFIND", "/dav/retry/coll/", [CT_XML], body), [I_DEPTH])
    before = rw.share_checksum()
    r = curl(rw, "PROPFIND", "/dav/retry/coll/",
             [CT_XML, ("Depth", "infinity"), ("Ms-Echo-Reply", echo)], body)
    check_final(r, [I_DEPTH], condition="propfind-finite-depth")
    logged_final(rw, r, [I_DEPTH])
    assert rw.share_checksum() == before


def test_loop_guard_prop_list(rw):
    path = existing(rw)
    ua = "proplist-client/1"
    echo = check_449(curl(rw, "PROPFIND", path, [CT_XML, ("Depth", "0")], PROPFIND_ALLPROP,
                          agent=ua), [I_PROPLIST, I_PROP])
    before = rw.share_checksum()
    # a retry that still asks for allprop names neither: both still missing
    r = curl(rw, "PROPFIND", path, [CT_XML, ("Depth", "0"), ("Ms-Echo-Reply", echo)],
             PROPFIND_ALLPROP, agent=ua)
    check_final(r, [I_PROPLIST, I_PROP])
    logged_final(rw, r, [I_PROPLIST, I_PROP])
    assert rw.share_checksum() == before


def lacking_requests(path_file: str):
    """(name, method, path, headers, body, what a retry with a valid echo
    still lacks, condition of the final answer)."""
    return [
        ("put", "PUT", fresh(), [], b"x\n", [I_ACK], None),
        ("proppatch", "PROPPATCH", path_file, [CT_XML], proppatch_set(color="c"), [I_PROP], None),
        ("depth", "PROPFIND", "/dav/retry/coll/", [CT_XML], propfind_props("project"),
         [I_DEPTH], "propfind-finite-depth"),
        ("lock", "LOCK", path_file, [CT_XML, ACK], lockinfo(None), [I_OWNER], None),
        ("sub-put", "PUT", fresh("/dav/retry/sub/"), [ACK], b"y\n", [I_SUB], None),
    ]


@pytest.mark.parametrize("echo_kind", ["valid", "garbage", "foreign", "forged", "empty"])
def test_any_echo_reply_never_gets_449(rw, other, echo_kind):
    path_file = existing(rw)
    for name, method, path, hdrs, body, lacks, cond in lacking_requests(path_file):
        r0 = req(rw, method, path, hdrs, body)
        echo = check_449(r0, lacks)
        if echo_kind == "valid":
            reply = echo
        elif echo_kind == "garbage":
            reply = "garbage"
        elif echo_kind == "empty":
            reply = ""
        elif echo_kind == "foreign":
            reply = check_449(req(rw, method, path + "-elsewhere" if method != "PROPFIND"
                                  else "/dav/retry/", hdrs, body), lacks)
        else:
            reply = check_449(req(other, method, path, hdrs, body), lacks)
        before = rw.share_checksum()
        r = req(rw, method, path, hdrs + [("Ms-Echo-Reply", reply)], body)
        assert r.status != 449 and r.header("Ms-Echo-Request") is None, f"{name}: {r!r}"
        if echo_kind == "valid":
            check_final(r, lacks, cond)
            logged_final(rw, r, lacks)
        else:
            verdict = {"garbage": "malformed", "empty": "malformed"}.get(echo_kind, echo_kind)
            check_bad_echo(r, verdict)
            logged_bad_echo(rw, r, verdict)
        assert rw.share_checksum() == before, f"{name}: the refusal changed the share"


# --------------------------------------------------------------------------
# 3. echo verdicts
# --------------------------------------------------------------------------

def first_echo(srv, method="PUT", path=None, hdrs=(), body=b"x\n", items=(I_ACK,)):
    path = path or fresh()
    return path, check_449(req(srv, method, path, list(hdrs), body), list(items))


def assert_echo_refused(srv, method, path, echo, verdict, hdrs=(ACK,), body=b"x\n"):
    before = srv.share_checksum()
    r = req(srv, method, path, [("Ms-Echo-Reply", echo)] + list(hdrs), body)
    check_bad_echo(r, verdict)
    logged_bad_echo(srv, r, verdict)
    assert srv.share_checksum() == before, "a bad echo changed the share"
    return r


@pytest.mark.parametrize("kind", ["garbage", "truncated", "extended", "dotted", "spaces",
                                  "too-long"])
def test_echo_malformed(rw, kind):
    path, echo = first_echo(rw)
    bad = {"garbage": "garbage",
           "truncated": echo[:-1],
           "extended": echo + "A",
           "dotted": echo.replace(".", "..", 1),
           "spaces": echo[:10] + " " + echo[10:],
           "too-long": "1." + "9" * 600}[kind]
    assert_echo_refused(rw, "PUT", path, bad, "malformed")
    assert on_disk(rw, path) is None


def test_echo_forged_by_another_key(rw, other):
    path, echo = first_echo(other)
    assert_echo_refused(rw, "PUT", path, echo, "forged")
    # the same token is good where it was issued
    assert req(other, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"x\n").status == 201


@pytest.mark.parametrize("part", ["mac", "expiry", "target"])
def test_echo_forged_by_one_changed_character(rw, part):
    path, echo = first_echo(rw)
    fields = echo.split(".")
    assert len(fields) == 5, echo
    if part == "mac":
        # the first character of the MAC carries 6 whole bits: still valid
        # base64url, so this is a forgery, not a malformed token
        f = fields[4]
        fields[4] = ("B" if f[0] == "A" else "A") + f[1:]
    elif part == "expiry":
        fields[1] = str(int(fields[1]) + 86400)     # a longer life
    else:
        f = fields[3]
        fields[3] = ("B" if f[0] == "A" else "A") + f[1:]
    bad = ".".join(fields)
    assert bad != echo
    assert_echo_refused(rw, "PUT", path, bad, "forged")
    assert req(rw, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"x\n").status == 201


def test_echo_foreign_uri(rw):
    a = fresh()
    b = fresh()
    _, echo = first_echo(rw, path=a)
    assert_echo_refused(rw, "PUT", b, echo, "foreign")
    assert on_disk(rw, b) is None
    # with a query: another URI too
    assert_echo_refused(rw, "PUT", a + "?v=2", echo, "foreign")
    assert req(rw, "PUT", a, [("Ms-Echo-Reply", echo), ACK], b"x\n").status == 201


def test_echo_foreign_method(rw):
    path = existing(rw)
    _, echo = first_echo(rw, path=path)
    assert_echo_refused(rw, "LOCK", path, echo, "foreign", hdrs=(ACK, CT_XML),
                        body=lockinfo("carol"))
    # nothing locked
    assert rw.request("PUT", path, [ACK], b"unlocked\n").status == 204


def test_echo_expired(rw):
    path = fresh("/dav/retry/short/")
    _, echo = first_echo(rw, path=path)
    time.sleep(2.5)
    assert_echo_refused(rw, "PUT", path, echo, "expired")
    assert on_disk(rw, path) is None
    # a fresh echo used at once is still good (so the lifetime is 1 s, not 0)
    _, echo = first_echo(rw, path=path)
    r = req(rw, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"in time\n")
    assert r.status == 201, r
    assert on_disk(rw, path) == b"in time\n"


def test_echo_default_lifetime_not_expired_after_3s(rw):
    """Guards test_echo_expired: the same wait is fine with the default 300 s."""
    path, echo = first_echo(rw)
    time.sleep(2.5)
    assert req(rw, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"x\n").status == 201


# --------------------------------------------------------------------------
# 4. a farm shares the key
# --------------------------------------------------------------------------

def test_farm_accepts_echo_of_another_server(rw, farm):
    path = fresh()
    before_a = rw.share_checksum()
    echo = check_449(curl(rw, "PUT", path, body=b"from A\n"), [I_ACK])
    r = curl(farm, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"to B\n")
    assert r.status == 201, r
    logged_retried(farm, r)
    assert on_disk(farm, path) == b"to B\n"
    assert rw.share_checksum() == before_a

    # and a body rule, the other way round
    pf = existing(rw)
    assert farm.request("PUT", pf, [ACK], b"same\n").status == 201
    echo = check_449(curl(farm, "PROPPATCH", pf, [CT_XML], proppatch_set(color="x")), [I_PROP])
    r = curl(rw, "PROPPATCH", pf, [CT_XML, ("Ms-Echo-Reply", echo)],
             proppatch_set(project="farmed"))
    assert r.status == 207, r


def test_no_secret_means_no_farm(rw, farm):
    """/dav/scoped has no RetryWithSecret: each server has its own key."""
    path = fresh("/dav/scoped/")
    echo = check_449(req(rw, "PUT", path, [], b"x\n"), [I_SCOPED_ACK])
    before = farm.share_checksum()
    r = req(farm, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"x\n")
    check_bad_echo(r, "forged")
    assert farm.share_checksum() == before
    assert req(rw, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"x\n").status == 201


def test_secret_alone_in_a_nested_section(rw, farm):
    """/dav/scoped/keyed adds only RetryWithSecret to /dav/scoped: its
    echoes are good on every server of the farm."""
    path = fresh("/dav/scoped/keyed/")
    echo = check_449(req(rw, "PUT", path, [], b"x\n"), [I_SCOPED_ACK])
    r = req(farm, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"keyed\n")
    assert r.status == 201, r
    assert on_disk(farm, path) == b"keyed\n"


# --------------------------------------------------------------------------
# 5. keep-alive, Expect: 100-continue
# --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["header", "body"])
def test_connection_reused_after_449(rw, kind):
    host = f"127.0.0.1:{rw.port}"
    if kind == "header":
        path, method, hdrs, body, items = fresh(), "PUT", [], b"kept alive\n", [I_ACK]
        good_hdrs, good_body, ok = [ACK], body, 201
    else:
        path = existing(rw)
        method, hdrs, body, items = "PROPPATCH", [CT_XML], proppatch_set(color="k"), [I_PROP]
        good_hdrs, good_body, ok = [CT_XML], proppatch_set(project="alive"), 207
    first, rid1 = build_request(method, path, hdrs, body, close=False, host=host)
    before = rw.share_checksum()
    with socket.create_connection(("127.0.0.1", rw.port), timeout=15) as s:
        s.sendall(first)
        interim, r1, rest = read_one(s)
        r1.rid = rid1
        assert not interim and rest == b"", (interim, rest)
        assert r1.version == "HTTP/1.1" and r1.reason == "Retry With", r1
        echo = check_449(r1, items)
        assert "close" not in (r1.header("Connection") or "").lower(), r1
        assert rw.share_checksum() == before
        second, rid2 = build_request(method, path, good_hdrs + [("Ms-Echo-Reply", echo)],
                                     good_body, close=False, host=host)
        s.sendall(second)          # on the very same connection
        _, r2, _ = read_one(s)
        r2.rid = rid2
    assert r2.status == ok, r2
    logged_retried(rw, r2)
    e1, e2 = rw.access_entry(rid1), rw.access_entry(rid2)
    assert int(e2["keepalive"]) == int(e1["keepalive"]) + 1, (e1["line"], e2["line"])
    if kind == "header":
        assert on_disk(rw, path) == b"kept alive\n"


def expect_449(srv, method, path, hdrs, body, items):
    """A request with Expect: 100-continue whose body is never sent: the
    449 must come without a 100 Continue."""
    data, rid = build_request(method, path, hdrs + [("Expect", "100-continue")],
                              content_length=len(body), host=f"127.0.0.1:{srv.port}")
    before = srv.share_checksum()
    try:
        res = srv.raw(data, timeout=8)
    except TimeoutError as e:
        pytest.fail(f"no answer without the body (did the module wait for it?): {e}")
    assert b"100 Continue" not in res.data and not res.interim, res.data[:400]
    r = res.final
    r.rid = rid
    echo = check_449(r, items)
    logged_449(srv, r, items)
    assert srv.share_checksum() == before
    return echo


def expect_retry(srv, method, path, hdrs, body, status):
    data, rid = build_request(method, path, hdrs + [("Expect", "100-continue")],
                              content_length=len(body), host=f"127.0.0.1:{srv.port}")
    res = srv.raw(data, after_headers=body, timeout=10)
    assert [r.status for r in res.interim] == [100], res.data[:400]
    r = res.final
    r.rid = rid
    assert r.status == status, r
    logged_retried(srv, r)
    return r


def test_expect_100_header_rule_lists_body_rules_unverified_proppatch(rw):
    path = existing(rw, base="/dav/retry/sub/")
    body = proppatch_set(project="zeus")    # it would satisfy the body rule
    echo = expect_449(rw, "PROPPATCH", path, [CT_XML], body, [I_SUB, I_PROP.unchecked()])
    r = expect_retry(rw, "PROPPATCH", path, [CT_XML, SUB_ACK, ("Ms-Echo-Reply", echo)],
                     body, 207)
    assert set(prop_values(r, f"{{{NS}}}project")), r
    r = rw.request("PROPFIND", path, [CT_XML, ("Depth", "0"), SUB_ACK], propfind_props("project"))
    assert [v.text for v in prop_values(r, f"{{{NS}}}project").values()] == ["zeus"]


def test_expect_100_header_rule_lists_body_rules_unverified_lock(rw):
    path = existing(rw)
    body = lockinfo("dave")
    echo = expect_449(rw, "LOCK", path, [CT_XML], body, [I_ACK, I_OWNER.unchecked()])
    r = expect_retry(rw, "LOCK", path, [CT_XML, ACK, ("Ms-Echo-Reply", echo)], body, 200)
    assert rw.request("UNLOCK", path, [("Lock-Token", r.header("Lock-Token"))]).status == 204


def test_expect_100_unverified_retry_still_lacking_is_final(rw):
    """The unverified items are checked on the retry: still missing, 403."""
    path = existing(rw, base="/dav/retry/sub/")
    body = proppatch_set(color="no-project")
    echo = expect_449(rw, "PROPPATCH", path, [CT_XML], body, [I_SUB, I_PROP.unchecked()])
    data, rid = build_request("PROPPATCH", path, [CT_XML, SUB_ACK, ("Ms-Echo-Reply", echo),
                                                  ("Expect", "100-continue")],
                              content_length=len(body), host=f"127.0.0.1:{rw.port}")
    before = rw.share_checksum()
    res = rw.raw(data, after_headers=body, timeout=10)
    r = res.final
    r.rid = rid
    check_final(r, [I_PROP])
    logged_final(rw, r, [I_PROP])
    assert rw.share_checksum() == before


# --------------------------------------------------------------------------
# 6. ErrorDocument never replaces the answers
# --------------------------------------------------------------------------

ED_CONF = """
ErrorDocument 500 "oops"
ErrorDocument 403 "forbidden-doc"
ErrorDocument 400 "bad-request-doc"
<Location /dav/retry/ed2>
    ErrorDocument 500 /missing.html
</Location>
<Location /denied>
    Require all denied
</Location>
"""


@pytest.fixture(scope="module")
def rw_ed(httpd_factory, module_path):
    srv = prepare(httpd_factory("rw449-ed", module_path=module_path,
                                extra_conf=policy_conf(extra=ED_CONF)))
    assert srv.request("MKCOL", "/dav/retry/ed2/").status == 201
    return srv


@pytest.mark.parametrize("base", ["/dav/retry/", "/dav/retry/ed2/"])
def test_error_document_does_not_replace_449(rw, rw_ed, base):
    path = fresh(base)
    before = rw_ed.share_checksum()
    r = curl(rw_ed, "PUT", path, body=b"x\n")
    echo = check_449(r, [I_ACK])
    assert b"oops" not in r.body and b"missing.html" not in r.body, r
    logged_449(rw_ed, r, [I_ACK])
    # the very body a server without ErrorDocument sends
    if base == "/dav/retry/":
        plain = curl(rw, "PUT", path, body=b"x\n")
        assert plain.status == 449 and plain.body == r.body, (plain, r)
    # the final 403 and a bad echo's 400 are the module's too
    f = curl(rw_ed, "PUT", path, [("Ms-Echo-Reply", echo)], b"x\n")
    check_final(f, [I_ACK])
    assert b"forbidden-doc" not in f.body
    b = curl(rw_ed, "PUT", path, [("Ms-Echo-Reply", "garbage"), ACK], b"x\n")
    check_bad_echo(b, "malformed")
    assert b"bad-request-doc" not in b.body
    assert rw_ed.share_checksum() == before
    # and the retry still works
    assert curl(rw_ed, "PUT", path, [("Ms-Echo-Reply", echo), ACK], b"x\n").status == 201


@pytest.mark.expect_errors(r"\[dav:error\] .*AH00580: An invalid Depth header",
                           r"\[authz_core:error\] .*AH01630: client denied")
def test_error_document_is_active(rw_ed):
    """Guards the test above: the ErrorDocuments are in force on this server."""
    r = rw_ed.request("GET", "/denied")
    assert r.status == 403 and r.body == b"forbidden-doc", r
    # mod_dav's own 400 (the module is off in /off/) gets the ErrorDocument
    assert rw_ed.request("MKCOL", "/off/ed/").status == 201
    r = rw_ed.request("PROPFIND", "/off/ed/", [("Depth", "2")])
    assert r.status == 400 and r.body == b"bad-request-doc", r
    # the module's own 400.x does not
    r = rw_ed.request("PROPFIND", "/dav/retry/coll/", [("Depth", "2")])
    assert r.status == 400 and r.header("Retrywith-Substatus") == "400.2", r
    assert b"bad-request-doc" not in r.body


# --------------------------------------------------------------------------
# 7. HTTP/2
# --------------------------------------------------------------------------

# Over h2 an answer sent before the request body was read ends with
# RST_STREAM(NO_ERROR); curl 7.88 then sometimes fails with "(92) Stream
# error" (core's own 403 does the same), so the h2 requests refused here
# either have no body or are refused after their body was read.

def test_h2_449_and_retry(rw_h2):
    srv = rw_h2
    # a header rule on a bodiless request
    path = fresh("/dav/retry/sub/", "/")
    before = srv.share_checksum()
    r1 = curl(srv, "MKCOL", path, h2=True)
    assert r1.version == "HTTP/2", r1
    echo = check_449(r1, [I_SUB], h2=True)
    assert srv.share_checksum() == before
    logged_449(srv, r1, [I_SUB])
    r2 = curl(srv, "MKCOL", path, [("Ms-Echo-Reply", echo), SUB_ACK], h2=True)
    assert r2.version == "HTTP/2" and r2.status == 201, r2
    logged_retried(srv, r2)
    assert (srv.share / path[len("/dav/"):]).is_dir()

    # a header rule and a body rule at once (the body is read first)
    path = existing(srv)
    before = srv.share_checksum()
    r1 = curl(srv, "LOCK", path, [CT_XML], lockinfo(None), h2=True)
    echo = check_449(r1, [I_ACK, I_OWNER], h2=True)
    assert srv.share_checksum() == before
    logged_449(srv, r1, [I_ACK, I_OWNER])
    r2 = curl(srv, "LOCK", path, [CT_XML, ACK, ("Ms-Echo-Reply", echo)], lockinfo("h2-owner"),
              h2=True)
    assert r2.status == 200, r2
    logged_retried(srv, r2)
    token = r2.header("Lock-Token")
    try:
        got = ET.fromstring(r2.body).findtext(
            f".//{{{DAV_NS}}}activelock/{{{DAV_NS}}}owner/{{{DAV_NS}}}href")
        assert got == "h2-owner", r2
    finally:
        assert srv.request("UNLOCK", path, [("Lock-Token", token)]).status == 204


def test_h2_body_rule_and_loop_guard(rw_h2):
    srv = rw_h2
    path = existing(srv)
    before = srv.share_checksum()
    r1 = curl(srv, "PROPPATCH", path, [CT_XML], proppatch_set(color="h2"), h2=True)
    echo = check_449(r1, [I_PROP], h2=True)
    f = curl(srv, "PROPPATCH", path, [CT_XML, ("Ms-Echo-Reply", echo)],
             proppatch_set(color="h2"), h2=True)
    check_final(f, [I_PROP])
    logged_final(srv, f, [I_PROP])
    bad = curl(srv, "MKCOL", fresh("/dav/retry/sub/", "/"), [("Ms-Echo-Reply", echo[:-2]),
                                                             SUB_ACK], h2=True)
    check_bad_echo(bad, "malformed")
    logged_bad_echo(srv, bad, "malformed")
    assert srv.share_checksum() == before
    r2 = curl(srv, "PROPPATCH", path, [CT_XML, ("Ms-Echo-Reply", echo)],
              proppatch_set(project="h2"), h2=True)
    assert r2.status == 207, r2
    r3 = curl(srv, "PROPFIND", path, [CT_XML, ("Depth", "0")], propfind_props("project"), h2=True)
    assert [v.text for v in prop_values(r3, f"{{{NS}}}project").values()] == ["h2"]
    # an echo issued over HTTP/1.1 is good over HTTP/2 (same method and URI)
    path2 = fresh()
    echo = check_449(curl(srv, "PUT", path2, body=b"1\n"), [I_ACK])
    r4 = curl(srv, "PUT", path2, [("Ms-Echo-Reply", echo), ACK], b"2\n", h2=True)
    assert r4.status == 201, r4
    assert on_disk(srv, path2) == b"2\n"


# --------------------------------------------------------------------------
# 8. scope: agent=, methods=, nested locations
# --------------------------------------------------------------------------

@pytest.mark.parametrize("agent", [None, "curl/8.0", "my-proplist-client/1", "Mozilla/5.0"])
def test_agent_not_matching_passes(rw, agent):
    before = rw.share_checksum()
    r = req(rw, "PROPFIND", "/dav/scoped/", [CT_XML, ("Depth", "1")], PROPFIND_ALLPROP,
            agent=agent)
    assert r.status == 207, r
    logged_pass(rw, r)
    assert rw.share_checksum() == before


@pytest.mark.parametrize("agent", ["proplist-client", "PROPLIST-CLIENT/9 (x)", "Proplist-Clientele"])
def test_agent_matching_case_insensitive(rw, agent):
    r = req(rw, "PROPFIND", "/dav/scoped/", [CT_XML, ("Depth", "1")], PROPFIND_ALLPROP,
            agent=agent)
    check_449(r, [I_PROPLIST])


def test_agent_limit_in_combined_location(rw):
    """In /dav/retry an allprop PROPFIND from another agent is asked only
    for the property, not for a prop list."""
    path = existing(rw)
    r = req(rw, "PROPFIND", path, [CT_XML, ("Depth", "0")], PROPFIND_ALLPROP, agent="curl/8")
    check_449(r, [I_PROP])


@pytest.mark.parametrize("method", ["MKCOL", "PROPPATCH", "DELETE", "COPY", "MOVE", "GET",
                                    "PROPFIND", "OPTIONS", "UNLOCK-none"])
def test_method_not_listed_passes(rw, method):
    base = "/dav/scoped/"
    path = existing(rw, base=base)
    hdrs, body, ok = [], None, None
    if method == "MKCOL":
        path, ok = fresh(base, "/"), 201
    elif method == "PROPPATCH":
        hdrs, body, ok = [CT_XML], proppatch_set(color="free"), 207
    elif method == "DELETE":
        ok = 204
    elif method in ("COPY", "MOVE"):
        hdrs, ok = [("Destination", rw.url(fresh(base)))], 201
    elif method == "GET":
        ok = 200
    elif method == "PROPFIND":
        hdrs, body, ok = [CT_XML, ("Depth", "0")], PROPFIND_ALLPROP, 207
    elif method == "OPTIONS":
        ok = 200
    else:
        # an UNLOCK without the X-Retention-Ack the LOCK needed
        lk = req(rw, "LOCK", path, [CT_XML, ACK], lockinfo("eve"))
        assert lk.status == 200, lk
        method, hdrs, ok = "UNLOCK", [("Lock-Token", lk.header("Lock-Token"))], 204
    r = req(rw, method, path, hdrs, body)
    assert r.status == ok, r
    logged_pass(rw, r)
    # and PUT / LOCK there are asked
    check_449(req(rw, "PUT", fresh(base), [], b"x\n"), [I_SCOPED_ACK])


def test_echo_ignored_where_no_policy_applies(rw):
    r = req(rw, "MKCOL", fresh("/dav/scoped/", "/"), [("Ms-Echo-Reply", "garbage")])
    assert r.status == 201, r
    logged_pass(rw, r)
    r = req(rw, "PUT", "/dav/plain-" + uuid.uuid4().hex[:8], [("Ms-Echo-Reply", "garbage")], b"p")
    assert r.status == 201, r
    logged_pass(rw, r)


def test_nested_location_adds_its_policy(rw):
    path = fresh("/dav/retry/sub/")
    before = rw.share_checksum()
    r1 = curl(rw, "PUT", path, body=b"nested\n")
    echo = check_449(r1, [I_ACK, I_SUB])
    logged_449(rw, r1, [I_ACK, I_SUB])
    assert rw.share_checksum() == before
    # one of the two only: final, naming the other
    for have, lacks in (([ACK], [I_SUB]), ([SUB_ACK], [I_ACK])):
        r = curl(rw, "PUT", path, [("Ms-Echo-Reply", echo)] + have, b"nested\n")
        check_final(r, lacks)
        assert rw.share_checksum() == before
    r2 = curl(rw, "PUT", path, [("Ms-Echo-Reply", echo), ACK, SUB_ACK], b"nested\n")
    assert r2.status == 201, r2
    assert on_disk(rw, path) == b"nested\n"
    # the parent is not asked for the child's header
    check_449(curl(rw, "PUT", fresh(), body=b"p\n"), [I_ACK])
    # and the child's rule applies to every method there (no methods=)
    check_449(req(rw, "MKCOL", fresh("/dav/retry/sub/", "/")), [I_SUB])


def test_h2_answers_before_the_body_arrive_whole(rw_h2):
    """A 449 and a bad-echo 400 given to an HTTP/2 PUT before its body was
    read: the module reads the rest of a small body first, so the stream
    ends cleanly and curl always gets the answer (without that, curl often
    reported "Stream error in the HTTP/2 framing layer" instead)."""
    srv = rw_h2
    path = existing(srv)
    before = srv.share_checksum()
    for _ in range(15):
        r = curl(srv, "PUT", path, [], b"y" * 4000, h2=True)
        assert r.status == 449, r
        r = curl(srv, "PUT", path, [("Ms-Echo-Reply", "garbage"), ACK], b"y" * 4000,
                 h2=True)
        assert r.status == 400 and r.header("Retrywith-Echo") == "malformed", r
    assert srv.share_checksum() == before
