"""Directive parsing (`apache2 -t`) and configuration changes on a live server."""

from __future__ import annotations

import os
import shutil

import pytest

from httpd import RUN_GROUP, RUN_USER, build_request


@pytest.fixture(scope="module")
def cfg_server(httpd_factory, module_path):
    """A server root with the module, never started: for `apache2 -t`."""
    return httpd_factory("cfg", module_path=module_path, start=False)


def in_location(*directives: str) -> str:
    return "<Location /dav/>\n" + "\n".join("    " + d for d in directives) + "\n</Location>\n"


@pytest.mark.parametrize("directive,name", [
    ("RetryWith maybe", "RetryWith"),
    ("RetryWith", "RetryWith"),
    ("RetryWithDepthInfinity perhaps", "RetryWithDepthInfinity"),
    ("RetryWithStrictTranslate 2", "RetryWithStrictTranslate"),
    ("RetryWithBareLockToken yes", "RetryWithBareLockToken"),
    ("RetryWithLimit body -1", "RetryWithLimit"),
    ("RetryWithLimit foo 3", "RetryWithLimit"),
    ("RetryWithLimit xml-depth 0", "RetryWithLimit"),
    ("RetryWithLimit body 12abc", "RetryWithLimit"),
    ("RetryWithLimit body", "RetryWithLimit"),
    ("RetryWithLimit timeout-types 99999999999999999999999", "RetryWithLimit"),
    ("RetryWithTrustedProxy not-an-address", "RetryWithTrustedProxy"),
    ("RetryWithTrustedProxy 10.0.0.0/99", "RetryWithTrustedProxy"),
    ("RetryWithStrictAuthority maybe", "RetryWithStrictAuthority"),
])
def test_bad_directive_value_fails_config_test(cfg_server, directive, name):
    rc, out = cfg_server.config_test(in_location(directive))
    assert rc != 0, f"`{directive}` was accepted:\n{out}"
    assert name in out, f"the message does not name {name}:\n{out}"
    assert "Syntax OK" not in out


@pytest.mark.parametrize("directives", [
    ["RetryWith On"], ["RetryWith Off"], ["RetryWith on"],
    ["RetryWithDepthInfinity On"], ["RetryWithStrictTranslate On"],
    ["RetryWithBareLockToken Off"],
    ["RetryWithStrictAuthority On", "RetryWithTrustedProxy 127.0.0.1 ::1 10.0.0.0/8"],
    ["RetryWithLimit body 4096", "RetryWithLimit xml-depth 10", "RetryWithLimit if-lists 5",
     "RetryWithLimit if-conditions 9", "RetryWithLimit header-length 1024",
     "RetryWithLimit timeout-types 3"],
])
def test_good_directives_pass_config_test(cfg_server, directives):
    rc, out = cfg_server.config_test(in_location(*directives))
    assert rc == 0 and "Syntax OK" in out, out


def test_directives_need_the_module(httpd_factory):
    """Guards the two tests above: without the module the directive is unknown."""
    srv = httpd_factory("cfg-off", module_path=None, start=False)
    rc, out = srv.config_test(in_location("RetryWith On"))
    assert rc != 0 and "RetryWith" in out, out
    rc, out = srv.config_test("")
    assert rc == 0 and "Syntax OK" in out, out


def test_directives_allowed_in_directory_context(cfg_server):
    conf = (f'<Directory "{cfg_server.root}/share">\n    RetryWith Off\n'
            f'    RetryWithLimit body 100\n</Directory>\n')
    rc, out = cfg_server.config_test(conf)
    assert rc == 0 and "Syntax OK" in out, out


# ---- 449 Retry With policies ------------------------------------------------

@pytest.mark.parametrize("directive,name", [
    ("RetryWithRequireHeader X-A methods=FOO", "RetryWithRequireHeader"),
    ("RetryWithRequireProperty project", "RetryWithRequireProperty"),
    ("RetryWithRequireProperty {urn:x}p methods=PUT", "RetryWithRequireProperty"),
    ('RetryWithSecret ""', "RetryWithSecret"),
    ("RetryWithSecret abcde", "RetryWithSecret"),
    ("RetryWithSecret 0123456789abcde", "RetryWithSecret"),          # 15 characters
    ('RetryWithRequireHeader "X A"', "RetryWithRequireHeader"),
    ("RetryWithRequireHeader X-A agent=(", "RetryWithRequireHeader"),
    ("RetryWithEchoLifetime 0", "RetryWithEchoLifetime"),
    ("RetryWithEchoLifetime 86401", "RetryWithEchoLifetime"),
    ("RetryWithEchoLifetime 5s", "RetryWithEchoLifetime"),
    ("RetryWithRequireHeader", "RetryWithRequireHeader"),
    ("RetryWithRequireHeader X-A colour=red", "RetryWithRequireHeader"),
    ('RetryWithRequireHeader X-A text="unterminated', "RetryWithRequireHeader"),
    ("RetryWithRequireProperty {urn:x}1p", "RetryWithRequireProperty"),
    # a valid NCName, but Retrywith-Missing names it in an ASCII sf-string
    ("RetryWithRequireProperty {urn:x}caf\u00e9", "RetryWithRequireProperty"),
    ("RetryWithRequireLockOwner methods=PUT", "RetryWithRequireLockOwner"),
    ("RetryWithRetryDepth methods=PROPPATCH", "RetryWithRetryDepth"),
    ("RetryWithRetryPropList agent=[", "RetryWithRetryPropList"),
])
def test_bad_retry_policy_fails_config_test(cfg_server, directive, name):
    rc, out = cfg_server.config_test(in_location(directive))
    assert rc != 0, f"`{directive}` was accepted:\n{out}"
    assert name in out, f"the message does not name {name}:\n{out}"
    assert "Syntax OK" not in out


@pytest.mark.parametrize("directives", [
    ['RetryWithSecret "0123456789abcdef-farm-key"',
     'RetryWithRequireHeader X-Retention-Ack=yes methods=PUT,LOCK text="kept 7 years"',
     "RetryWithRequireProperty {http://example.com/ns}project methods=PROPPATCH,PROPFIND",
     "RetryWithRequireLockOwner", "RetryWithRetryDepth",
     'RetryWithRetryPropList agent="^proplist-client"', "RetryWithEchoLifetime 1"],
    ["RetryWithSecret 0123456789abcdef", "RetryWithEchoLifetime 86400",
     "RetryWithRequireHeader X-A", "RetryWithRequireProperty {}bare",
     "RetryWithRequireProperty {DAV:}displayname methods=PROPFIND"],
])
def test_good_retry_policies_pass_config_test(cfg_server, directives):
    rc, out = cfg_server.config_test(in_location(*directives))
    assert rc == 0 and "Syntax OK" in out, out


def test_conf_example_retry_block_passes_config_test(cfg_server):
    """The <Location /dav/retry> block of conf.example, as it is."""
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "conf.example").read_text()
    start = text.index("<Location /dav/retry>")
    block = text[start:text.index("</Location>", start) + len("</Location>")]
    rc, out = cfg_server.config_test(block + "\n")
    assert rc == 0 and "Syntax OK" in out, out


def refused_sub(srv, method, path, headers, body=None):
    data, rid = build_request(method, path, headers, body, host=f"127.0.0.1:{srv.port}")
    r = srv.raw(data).final
    return r.status, r.substatus


@pytest.mark.expect_errors(r"\[dav:error\] .*AH00580: An invalid Depth header")
def test_reload_changes_behaviour(httpd_factory, module_path):
    srv = httpd_factory("reload", module_path=module_path)
    assert srv.request("MKCOL", "/dav/r/").status == 201
    assert refused_sub(srv, "PROPFIND", "/dav/r/", [("Depth", "2")]) == (400, "400.2")

    srv.reload(in_location("RetryWith Off"))                        # graceful
    assert refused_sub(srv, "PROPFIND", "/dav/r/", [("Depth", "2")]) == (400, None)

    srv.reload(in_location("RetryWithLimit header-length 16"), graceful=False)
    assert refused_sub(srv, "PROPFIND", "/dav/r/", [("Depth", "2")]) == (400, "400.2")
    long_dest = "/dav/r/" + "x" * 40
    assert refused_sub(srv, "COPY", "/dav/r/", [("Destination", long_dest)]) == (400, "400.1")
    assert srv.request("COPY", "/dav/r/", {"Destination": "/dav/s/"}).status == 201

    srv.reload("", module_path=None)                                # module unloaded
    assert refused_sub(srv, "PROPFIND", "/dav/r/", [("Depth", "2")]) == (400, None)
    srv.reload("", module_path=str(module_path))                    # and back
    assert refused_sub(srv, "PROPFIND", "/dav/r/", [("Depth", "2")]) == (400, "400.2")


# ---- every directive, alone in a section, takes effect ----------------------
# httpd merges each section's configuration over its parent's on every
# request; the module's merge lets a section without a directive of its own
# serve its parent unchanged. Each directive here is the only one of its
# section, under a parent with none (the share's <Directory>) and under a
# configured parent: a directive that failed to mark its section would be
# dropped by the merge, and its probe would get the parent's answer.

UUID_TOKEN = "opaquelocktoken:11111111-2222-3333-4444-555555555555"
ALLPROP = ('<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:allprop/>'
           '</D:propfind>')
SETPROP = ('<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:"><D:set><D:prop>'
           '<D:displayname>x</D:displayname></D:prop></D:set></D:propertyupdate>')
LOCKINFO = ('<?xml version="1.0"?><D:lockinfo xmlns:D="DAV:"><D:lockscope>'
            '<D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>'
            '</D:lockinfo>')

# directive, mod_dav configuration beside it, probe (method, file or "" for
# the section's collection, headers, body), the answer without the
# directive, and with it: (status, sub-status)
ALONE = [
    ("RetryWith Off", "", ("PROPFIND", "", [("Depth", "2")], None),
     (400, "400.2"), (400, None)),
    ("RetryWithDepthInfinity On", "DavDepthInfinity On",
     ("PROPFIND", "", [("Depth", "infinity")], None), (403, "403.22"), (207, None)),
    ("RetryWithStrictTranslate On", "",
     ("PROPFIND", "", [("Depth", "0"), ("Translate", "maybe")], None),
     (207, None), (400, "400.5")),
    ("RetryWithBareLockToken On", "", ("UNLOCK", "f.txt", [("Lock-Token", UUID_TOKEN)], None),
     (400, "400.9"), (400, None)),
    ("RetryWithLimit header-length 16", "",
     ("PROPFIND", "", [("Depth", "0"), ("If", "(<urn:x-a-long-enough-token>)")], None),
     (207, None), (400, "400.3")),
    ("RetryWithRequireHeader X-Ack", "", ("PUT", "f.txt", [], b"x"), (204, None), (449, None)),
    ("RetryWithRequireProperty {urn:x}p", "", ("PROPPATCH", "f.txt", [], SETPROP),
     (207, None), (449, None)),
    ("RetryWithRequireLockOwner", "", ("LOCK", "f.txt", [], LOCKINFO), (200, None), (449, None)),
    ("RetryWithRetryDepth", "", ("PROPFIND", "", [("Depth", "infinity")], None),
     (403, "403.22"), (449, None)),
    ("RetryWithRetryPropList", "", ("PROPFIND", "", [("Depth", "0")], ALLPROP),
     (207, None), (449, None)),
]


def alone_conf() -> str:
    """Per directive i: /dav/solo<i>/ holds it alone under the share's bare
    <Directory>; /dav/nest/n<i>/ holds it alone under a <Location> that sets
    a limit to its default value (configured, but no behaviour of its own);
    /dav/ctl<i>/ has the mod_dav line only, for the answer without it."""
    out = ["<Location /dav/nest/>", "    RetryWithLimit timeout-types 16", "</Location>"]
    for i, (directive, davconf, *_rest) in enumerate(ALONE):
        for loc, lines in ((f"/dav/solo{i}/", [directive, davconf]),
                           (f"/dav/nest/n{i}/", [directive, davconf]),
                           (f"/dav/ctl{i}/", [davconf])):
            out += [f"<Location {loc}>"] + ["    " + d for d in lines if d] + ["</Location>"]
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def alone_server(httpd_factory, module_path):
    srv = httpd_factory("alone", module_path=module_path, start=False)
    srv.extra_conf = alone_conf()
    # made on disk: a MKCOL or PUT would meet the very policies under test
    for i in range(len(ALONE)):
        for d in (f"solo{i}", "nest", f"nest/n{i}", f"ctl{i}"):
            (srv.share / d).mkdir(exist_ok=True)
            shutil.chown(srv.share / d, RUN_USER, RUN_GROUP)
        for d in (f"solo{i}", f"nest/n{i}", f"ctl{i}"):
            (srv.share / d / "f.txt").write_bytes(b"f\n")
            shutil.chown(srv.share / d / "f.txt", RUN_USER, RUN_GROUP)
    return srv.start()


@pytest.mark.expect_errors(r"\[dav:error\]")
@pytest.mark.parametrize("i", range(len(ALONE)), ids=[a[0].split()[0] for a in ALONE])
def test_each_directive_alone_in_a_section_takes_effect(alone_server, i):
    directive, _dav, (method, name, headers, body), without, with_ = ALONE[i]
    srv = alone_server
    for loc, want in ((f"/dav/ctl{i}/", without), (f"/dav/solo{i}/", with_),
                      (f"/dav/nest/n{i}/", with_)):
        r = srv.request(method, loc + name, headers, body)
        assert (r.status, r.substatus) == want, f"{directive} at {loc}: {r}"
        if method == "LOCK" and r.status in (200, 201):
            tok = r.header("Lock-Token")
            assert srv.request("UNLOCK", loc + name, [("Lock-Token", tok)]).status == 204


# ---- the echo key's random bytes ---------------------------------------------

# apr_generate_random_bytes, failing for mod_retrywith's own calls only:
# httpd's core seeds its generator with it too, and must still start.
NO_RANDOM_C = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <string.h>
#include <apr_general.h>

apr_status_t apr_generate_random_bytes(unsigned char *buf, apr_size_t length)
{
    static apr_status_t (*real)(unsigned char *, apr_size_t);
    Dl_info info;

    if (dladdr(__builtin_return_address(0), &info) && info.dli_fname
        && strstr(info.dli_fname, "mod_retrywith"))
        return APR_ENOTIMPL;
    if (!real)
        real = (apr_status_t (*)(unsigned char *, apr_size_t))
            dlsym(RTLD_NEXT, "apr_generate_random_bytes");
    return real(buf, length);
}
"""


@pytest.mark.expect_errors(r"RW00004")
def test_no_random_bytes_no_start(httpd_factory, module_path, tmp_path, monkeypatch):
    """Without RetryWithSecret the echo key is random: when the module gets no
    random bytes, httpd refuses to start (RW00004) rather than sign 449
    echoes with a guessable key. The same server starts without the shim."""
    import subprocess
    from httpd import HttpdError
    src, shim = tmp_path / "norandom.c", tmp_path / "norandom.so"
    src.write_text(NO_RANDOM_C)
    cflags = subprocess.run(["pkg-config", "--cflags", "apr-1"], capture_output=True,
                            text=True, check=True).stdout.split()
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(shim), str(src), *cflags, "-ldl"],
                   check=True)
    srv = httpd_factory("norandom", module_path=module_path, start=False)
    before = os.environ.get("RETRYWITH_HTTPD_PRELOAD")
    monkeypatch.setenv("RETRYWITH_HTTPD_PRELOAD", f"{before}:{shim}" if before else str(shim))
    with pytest.raises(HttpdError) as failed:
        srv.start()
    assert "RW00004" in str(failed.value), str(failed.value)
    monkeypatch.undo()
    srv.start()
    assert srv.request("GET", "/index.html").status == 200
