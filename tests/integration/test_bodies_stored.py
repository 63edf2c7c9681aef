"""What the module judges is what mod_dav then does (issue 14, "Why" 3).

Each body is sent to a server with the module and to the same server
without it. A body the module refuses must be one plain mod_dav refuses too
(or one of the module's deliberate strictnesses). For a body that reaches
mod_dav, the test reads back what mod_dav really stored (PROPFIND propname,
lockdiscovery) and checks that the 449 policies judged that, not another
reading of the body.
"""

from __future__ import annotations

import html
import re
import uuid

import pytest

NS = "http://example.com/ns"
POLICY_CONF = """\
<Location /dav/req>
    RetryWithRequireProperty {http://example.com/ns}project
    RetryWithRequireLockOwner
</Location>
<Location /dav/amp>
    RetryWithRequireProperty {urn:a&b}tag
</Location>
"""
CT = ("Content-Type", 'application/xml; charset="utf-8"')


def pp(inner: str, ns: str = "") -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>'
            f'<D:propertyupdate xmlns:D="DAV:"{ns}>{inner}</D:propertyupdate>').encode()


def lockinfo(owner: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:">'
            '<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>'
            f'{owner}</D:lockinfo>').encode()


@pytest.fixture(scope="module")
def pair(httpd_factory, module_path):
    on = httpd_factory("stored-on", module_path=module_path, extra_conf=POLICY_CONF)
    off = httpd_factory("stored-off", module_path=None)
    for srv in (on, off):
        for d in ("/dav/req/", "/dav/amp/"):
            assert srv.request("MKCOL", d).status in (201, 405)
    return on, off


def fresh(srv, base: str) -> str:
    path = f"{base}f-{uuid.uuid4().hex[:8]}.txt"
    assert srv.request("PUT", path, body=b"x\n").status == 201
    return path


def stored_props(srv, path: str) -> set[str]:
    """The property names mod_dav reports for path (PROPFIND propname), as
    "{ns}name". Read as text: mod_dav writes the stored names back as they
    are, and a stored {}xmlp:project or {ns}bugtraq:url is not
    namespace-well-formed XML."""
    body = (b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:propname/>'
            b'</D:propfind>')
    r = srv.request("PROPFIND", path, {"Depth": "0", "Content-Type": "application/xml"}, body)
    assert r.status == 207, r
    text = r.body.decode()
    prefixes = {p: html.unescape(u)
                for p, u in re.findall(r'xmlns:(\w+)="([^"]*)"', text)}
    names = set()
    for prop in re.findall(r"<D:prop>(.*?)</D:prop>", text, re.S):
        for qname in re.findall(r"<([^\s/>]+)\s*/>", prop):
            prefix, _, local = qname.partition(":")
            if local and prefix in prefixes:
                names.add("{%s}%s" % (prefixes[prefix], local))
            else:
                names.add("{}" + qname)
    return names


def both(pair, method, base, headers, body):
    """The same request to a fresh file on each server: (on, off) responses
    and paths."""
    out = []
    for srv in pair:
        path = fresh(srv, base)
        out.append((srv.request(method, path, dict([CT] + headers), body), path))
    return out


# ---- PROPPATCH: the name the policy reads is the name mod_dav stores ----

def test_xml_prefix_is_no_namespace_to_mod_dav(pair):
    """<xmlp:project xmlns:xmlp="http://example.com/ns">: apr_xml puts it in
    no namespace, so mod_dav stores {}xmlp:project, not the required
    property: the policy must not count it."""
    body = pp('<D:set><D:prop><xmlp:project xmlns:xmlp="http://example.com/ns">p'
              '</xmlp:project></D:prop></D:set>')
    (on, on_path), (off, off_path) = both(pair, "PROPPATCH", "/dav/req/", [], body)
    assert off.status == 207
    assert "{}xmlp:project" in stored_props(pair[1], off_path)
    assert f"{{{NS}}}project" not in stored_props(pair[1], off_path)
    assert on.status == 449, on
    assert f"{{{NS}}}project" not in stored_props(pair[0], on_path)


def test_set_then_remove_stores_nothing(pair):
    body = pp('<D:set><D:prop><e:project>p</e:project></D:prop></D:set>'
              '<D:remove><D:prop><e:project/></D:prop></D:remove>',
              ns=f' xmlns:e="{NS}"')
    (on, on_path), (off, off_path) = both(pair, "PROPPATCH", "/dav/req/", [], body)
    assert off.status == 207
    assert f"{{{NS}}}project" not in stored_props(pair[1], off_path)
    assert on.status == 449, on
    assert f"{{{NS}}}project" not in stored_props(pair[0], on_path)


def test_remove_then_set_is_stored(pair):
    body = pp('<D:remove><D:prop><e:project/></D:prop></D:remove>'
              '<D:set><D:prop><e:project>p</e:project></D:prop></D:set>',
              ns=f' xmlns:e="{NS}"')
    (on, on_path), (off, off_path) = both(pair, "PROPPATCH", "/dav/req/", [], body)
    assert (on.status, off.status) == (207, 207), on
    for srv, path in ((pair[0], on_path), (pair[1], off_path)):
        assert f"{{{NS}}}project" in stored_props(srv, path)


@pytest.mark.parametrize("ref", ["&amp;", "&#38;"])
def test_namespace_references_decoded(pair, ref):
    """xmlns:T="urn:a&amp;b": mod_dav stores {urn:a&b}tag, and a policy
    requiring {urn:a&b}tag is satisfied by it."""
    body = pp(f'<D:set><D:prop><T:tag xmlns:T="urn:a{ref}b">v</T:tag></D:prop></D:set>')
    (on, on_path), (off, off_path) = both(pair, "PROPPATCH", "/dav/amp/", [], body)
    assert (on.status, off.status) == (207, 207), on
    for srv, path in ((pair[0], on_path), (pair[1], off_path)):
        assert "{urn:a&b}tag" in stored_props(srv, path)


# ---- LOCK: an empty owner names nobody ----

@pytest.mark.parametrize("owner,wanted", [
    ("<D:owner/>", 449), ("<D:owner>  </D:owner>", 449),
    ("<D:owner>someone</D:owner>", 200),
    ("<D:owner><D:href>mailto:a@example.com</D:href></D:owner>", 200),
])
def test_lock_owner_needs_content(pair, owner, wanted):
    on, off = pair
    path = fresh(on, "/dav/req/")
    r = on.request("LOCK", path, dict([CT, ("Depth", "0")]), lockinfo(owner))
    assert r.status == wanted, r
    token = r.header("Lock-Token")
    if token:
        assert on.request("UNLOCK", path, {"Lock-Token": token}).status == 204


# ---- bodies mod_dav refuses: the module refuses them first (400.6) ----

def utf16(text: str, be: bool) -> bytes:
    return (b"\xfe\xff" if be else b"\xff\xfe") + text.encode("utf-16-be" if be else "utf-16-le")


PROPFIND_BAD = {
    "xmld-prop": b'<D:propfind xmlns:D="DAV:" xmlns:xmld="DAV:"><xmld:prop><D:getetag/>'
                 b'</xmld:prop></D:propfind>',
    "xmld-allprop": b'<D:propfind xmlns:D="DAV:" xmlns:XMLd="DAV:"><XMLd:allprop/></D:propfind>',
    "utf16le-declares-utf8": utf16('<?xml version="1.0" encoding="UTF-8"?>'
                                   '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>', False),
    "utf16be-declares-utf8": utf16('<?xml version="1.0" encoding="UTF-8"?>'
                                   '<D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>', True),
    "u2070-name": '<propfind xmlns="DAV:"><prop><x:a\u2070 xmlns:x="urn:x"/></prop>'
                  '</propfind>'.encode(),
    "u1f600-name": '<propfind xmlns="DAV:"><prop><x:a\U0001F600 xmlns:x="urn:x"/></prop>'
                   '</propfind>'.encode(),
    "u2070-prefix": '<propfind xmlns="DAV:"><prop><p\u2070:a xmlns:p\u2070="urn:x"/></prop>'
                    '</propfind>'.encode(),
    "bom-in-name": b'<propfind xmlns="DAV:"><allprop/><foo\xef\xbb\xbf x=""/></propfind>',
}


@pytest.mark.expect_errors(r"\[(dav|core):error\].*(AH00586|AH00541)")
@pytest.mark.parametrize("case", sorted(PROPFIND_BAD))
def test_module_refuses_what_mod_dav_refuses(pair, case):
    on, off = pair
    for srv in pair:
        r = srv.request("PROPFIND", "/dav/", {"Depth": "0", "Content-Type": "application/xml"},
                        PROPFIND_BAD[case])
        if srv is on:
            assert r.status == 400 and r.substatus == "400.6", r
        else:
            assert r.status == 400, r


@pytest.mark.parametrize("lockinfo_body", [
    lockinfo("").replace(b"<D:lockscope>", b'<xmld:lockscope xmlns:xmld="DAV:">')
                .replace(b"</D:lockscope>", b"</xmld:lockscope>"),
])
def test_xmld_lockscope(pair, lockinfo_body):
    """mod_dav matches lockinfo children by local name, so it may lock what
    the module refuses; the module never passes what mod_dav refuses."""
    on, off = pair
    path = fresh(on, "/dav/")
    r = on.request("LOCK", path, dict([CT, ("Depth", "0")]), lockinfo_body)
    assert r.status == 400 and r.substatus == "400.6", r


def test_svn_style_colon_name_stored(pair):
    """<C:bugtraq:url>: two colons, refused by a namespace-aware parser, read
    by mod_dav as {ns}bugtraq:url."""
    body = pp('<D:set><D:prop><C:bugtraq:url>http://bugs/%BUGID%</C:bugtraq:url>'
              '</D:prop></D:set>', ns=' xmlns:C="http://subversion.tigris.org/xmlns/custom/"')
    (on, on_path), (off, off_path) = both(pair, "PROPPATCH", "/dav/", [], body)
    assert (on.status, off.status) == (207, 207), on
    want = "{http://subversion.tigris.org/xmlns/custom/}bugtraq:url"
    assert want in stored_props(pair[0], on_path)
    assert want in stored_props(pair[1], off_path)
