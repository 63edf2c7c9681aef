"""The module in front of WebDAV servers that are not mod_dav (issue 16).

httpd with mod_proxy forwards `/lt/` to lighttpd's mod_webdav (its `/files/`)
and `/ng/` to nginx's dav module (its `/files/`), with `RetryWith On` in
those locations.  The same front without the module is the baseline:

  - litmus through the front passes at least what the backend alone passes;
  - a malformed request of every sub-status is answered by the front, and
    nothing reaches the backend (its access log does not move);
  - COPY and MOVE whose Destination names the public URL land where that URL
    says on the backend (the module maps it through the ProxyPass), as does
    a tagged If header; without the module they do not;
  - a 449 policy on a proxied location is satisfied by a retry, whose body
    reaches the backend byte for byte.
"""

from __future__ import annotations

import grp
import os
import pwd
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from httpd import RUN_GROUP, RUN_USER, _make_traversable, build_request, free_port
from test_litmus import LITMUS_ERRORS, parse_litmus

LIGHTTPD = os.environ.get("RW_LIGHTTPD", "/usr/sbin/lighttpd")
NGINX = os.environ.get("RW_NGINX", "/usr/sbin/nginx")
LITMUS = os.environ.get("RW_LITMUS", "litmus")
PROXY_MODULES = [("proxy_module", "mod_proxy.so"), ("proxy_http_module", "mod_proxy_http.so"),
                 ("socache_shmcb_module", "mod_socache_shmcb.so"), ("ssl_module", "mod_ssl.so")]
LOCKINFO = (b'<?xml version="1.0" encoding="utf-8"?>\n<D:lockinfo xmlns:D="DAV:">'
            b'<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>'
            b'<D:owner>proxied</D:owner></D:lockinfo>')


def _ids() -> tuple[int, int]:
    return pwd.getpwnam(RUN_USER).pw_uid, grp.getgrnam(RUN_GROUP).gr_gid


@dataclass
class Backend:
    kind: str
    root: Path
    port: int
    proc: subprocess.Popen

    @property
    def files(self) -> Path:
        return self.root / "share" / "files"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/files/"

    def log_size(self) -> int:
        p = self.root / "access.log"
        return p.stat().st_size if p.exists() else 0

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _wait_port(port: int, proc: subprocess.Popen, what: str) -> None:
    import socket
    for _ in range(100):
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited: {proc.stdout.read() if proc.stdout else ''}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port}")


def _backend_dirs(root: Path) -> None:
    uid, gid = _ids()
    for d in ("share", "share/files", "share/files449", "tmp"):
        (root / d).mkdir(parents=True, exist_ok=True)
        os.chown(root / d, uid, gid)
    os.chown(root, uid, gid)
    _make_traversable(root)


def start_lighttpd(root: Path) -> Backend:
    _backend_dirs(root)
    port = free_port()
    conf = root / "lighttpd.conf"
    conf.write_text(f"""
server.document-root = "{root}/share"
server.bind = "127.0.0.1"
server.port = {port}
server.username = "{RUN_USER}"
server.groupname = "{RUN_GROUP}"
server.errorlog = "{root}/error.log"
server.modules = ("mod_webdav", "mod_accesslog")
accesslog.filename = "{root}/access.log"
webdav.activate = "enable"
webdav.is-readonly = "disable"
webdav.sqlite-db-name = "{root}/tmp/webdav.db"
mimetype.assign = ("" => "application/octet-stream")
""")
    proc = subprocess.Popen([LIGHTTPD, "-D", "-f", str(conf)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    _wait_port(port, proc, "lighttpd")
    return Backend("lighttpd", root, port, proc)


def start_nginx(root: Path, tls: bool = False) -> Backend:
    _backend_dirs(root)
    port = free_port()
    conf = root / "nginx.conf"
    listen = f"127.0.0.1:{port}"
    if tls:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-subj", "/CN=127.0.0.1", "-days", "2", "-keyout", str(root / "key.pem"),
                        "-out", str(root / "cert.pem")], check=True, capture_output=True)
        listen += (f" ssl;\n        ssl_certificate {root}/cert.pem;\n"
                   f"        ssl_certificate_key {root}/key.pem")
    conf.write_text(f"""
daemon off;
user {RUN_USER} {RUN_GROUP};
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log {root}/access.log;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    server {{
        listen {listen};
        root {root}/share;
        location / {{
            dav_methods PUT DELETE MKCOL COPY MOVE;
            create_full_put_path on;
            dav_access user:rw group:rw all:r;
            autoindex on;
        }}
    }}
}}
""")
    proc = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(root)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    _wait_port(port, proc, "nginx")
    return Backend("nginx", root, port, proc)


def front_conf(lt: Backend, ng: Backend, ngs: Backend, md_port: int, module: bool) -> str:
    on = "    RetryWith On\n    RetryWithStrictTranslate On\n" if module else ""
    policy = "    RetryWithRequireHeader X-Client-Id\n" if module else ""
    return f"""
<Location /lt/>
    ProxyPass http://127.0.0.1:{lt.port}/files/
{on}</Location>
<Location /lt449/>
    ProxyPass http://127.0.0.1:{lt.port}/files449/
{on}{policy}</Location>
<Location /ng/>
    ProxyPass http://127.0.0.1:{ng.port}/files/
{on}</Location>
<Location /md/>
    ProxyPass http://127.0.0.1:{md_port}/dav/
{on}</Location>
SSLProxyEngine On
SSLProxyVerify none
SSLProxyCheckPeerName off
SSLProxyCheckPeerCN off
<Location /ngs/>
    ProxyPass https://127.0.0.1:{ngs.port}/files/
{on}</Location>
<Location /ngph/>
    ProxyPass http://127.0.0.1:{ng.port}/files/
    ProxyPreserveHost On
{on}</Location>
"""


@dataclass
class Setup:
    lt: Backend
    ng: Backend
    on: object
    off: object
    md: object                  # httpd + mod_dav_fs, without the module
    ngs: Backend                # nginx over TLS

    def backend(self, kind: str) -> Backend:
        return self.lt if kind == "lighttpd" else self.ng


@pytest.fixture(scope="module")
def proxied(tmp_path_factory, httpd_factory, module_path):
    lt = start_lighttpd(tmp_path_factory.mktemp("lighttpd"))
    ng = start_nginx(tmp_path_factory.mktemp("nginx"))
    ngs = start_nginx(tmp_path_factory.mktemp("nginx-tls"), tls=True)
    try:
        md = httpd_factory("md-backend", module_path=None)
        on = httpd_factory("front-on", module_path=module_path, extra_modules=PROXY_MODULES,
                           extra_conf=front_conf(lt, ng, ngs, md.port, True))
        off = httpd_factory("front-off", module_path=None, extra_modules=PROXY_MODULES,
                            extra_conf=front_conf(lt, ng, ngs, md.port, False))
        yield Setup(lt, ng, on, off, md, ngs)
    finally:
        lt.stop()
        ng.stop()
        ngs.stop()


PREFIX = {"lighttpd": "/lt/", "nginx": "/ng/"}
KINDS = ("lighttpd", "nginx")


def litmus(url: str, cwd: Path) -> dict:
    cwd.mkdir(parents=True, exist_ok=True)
    p = subprocess.run([LITMUS, "-k", url], cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, errors="replace", timeout=300)
    return parse_litmus(p.stdout)


def passed(suites: dict) -> int:
    return sum(s.passed for s in suites.values())


@pytest.mark.expect_errors(*LITMUS_ERRORS, r"proxy")
@pytest.mark.parametrize("kind", KINDS)
def test_litmus_through_the_front(proxied, kind, tmp_path):
    """Through the front with the module, litmus passes at least what the
    backend alone passes."""
    be = proxied.backend(kind)
    (be.root / "share" / "files" / "litmus").mkdir(exist_ok=True)
    os.chown(be.root / "share" / "files" / "litmus", *_ids())
    alone = litmus(be.url + "litmus/", tmp_path / "alone")
    front = litmus(proxied.on.url(PREFIX[kind] + "litmus/"), tmp_path / "front")
    bare = litmus(proxied.off.url(PREFIX[kind] + "litmus/"), tmp_path / "bare")
    table = ", ".join(f"{n} {alone[n].passed}/{alone[n].run} -> {front[n].passed}/{front[n].run}"
                      for n in alone)
    print(f"\nlitmus {kind}: alone {passed(alone)}, through the front without the module "
          f"{passed(bare)}, with it {passed(front)}: {table}")
    assert alone and passed(alone) > 0, "litmus ran nothing against the backend"
    assert passed(front) >= passed(alone), table


BAD = [
    # (sub, method, headers, body)
    (1, "COPY", [("Destination", "/lt/%zz")], None),
    (2, "PROPFIND", [("Depth", "2")], None),
    (3, "PUT", [("If", "(<urn:x:a>")], b"x"),
    (4, "COPY", [("Destination", "/lt/b.txt"), ("Overwrite", "yes")], None),
    (5, "GET", [("Translate", "x")], None),
    (6, "PROPFIND", [("Depth", "0")], b"<propfind xmlns='DAV:'><prop/><allprop/></propfind>"),
    # a body that ends before its Content-Length (the client stops sending)
    (7, "PROPPATCH", [], b"<?xml version="),
    (8, "LOCK", [("Timeout", "Second-x")], LOCKINFO),
    (9, "UNLOCK", [("Lock-Token", "opaquelocktoken:x")], None),
]


def _send_all(srv, prefix: str, tag: str) -> list:
    answers = []
    for sub, method, headers, body in BAD:
        headers = [(k, v.replace("/lt/", prefix)) for k, v in headers]
        short = sub == 7
        data, _ = build_request(method, f"{prefix}{tag}-{sub}.txt", headers, body,
                                content_length=len(body) + 100 if short else None,
                                host=f"127.0.0.1:{srv.port}")
        answers.append(srv.raw(data, shutdown_write=short).final)
    return answers


def _backend_saw(be: Backend, tag: str) -> set:
    p = be.root / "access.log"
    text = p.read_text(errors="replace") if p.exists() else ""
    return {sub for sub, *_ in BAD if f"/files/{tag}-{sub}.txt" in text}


@pytest.mark.expect_errors(r"AH01095: prefetch request body failed")
@pytest.mark.parametrize("kind", KINDS)
def test_refused_by_the_front(proxied, kind):
    """One malformed request per sub-status: the front answers it, and the
    backend never sees it; without the module every one reaches the
    backend (but the short body, which mod_proxy itself gives up on while
    reading it). The baseline goes second: once the backend has logged it
    (lighttpd writes its log in batches), it has logged what came first."""
    be = proxied.backend(kind)
    answers = _send_all(proxied.on, PREFIX[kind], "bad-on")
    for (sub, *_), r in zip(BAD, answers):
        assert r.status == 400 and r.substatus == f"400.{sub}", r
    off = _send_all(proxied.off, PREFIX[kind], "bad-off")
    everything = {sub for sub, *_ in BAD} - {7}
    deadline = time.monotonic() + 15
    while _backend_saw(be, "bad-off") != everything and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _backend_saw(be, "bad-off") == everything, f"the baseline: {off}"
    assert _backend_saw(be, "bad-on") == set(), f"refused requests reached {kind}"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("method", ["COPY", "MOVE"])
def test_public_destination_lands_where_it_says(proxied, kind, method):
    be = proxied.backend(kind)
    prefix = PREFIX[kind]
    for srv, side in ((proxied.on, "on"), (proxied.off, "off")):
        src, dst = f"{method.lower()}-{side}-src.txt", f"{method.lower()}-{side}-dst.txt"
        assert srv.request("PUT", prefix + src, body=b"payload " + side.encode()).status in (201, 204)
        r = srv.request(method, prefix + src,
                        {"Destination": f"http://127.0.0.1:{srv.port}{prefix}{dst}"})
        landed = (be.files / dst).exists()
        if side == "on":
            assert r.status in (201, 204), r
            assert landed and (be.files / dst).read_bytes() == b"payload on"
        else:
            # the baseline: the backend gets a URL it does not serve
            assert not (landed and r.status in (201, 204)), (r, landed)


def test_preserve_host(proxied):
    """With ProxyPreserveHost On the backend gets the client's Host, and
    nginx wants a Destination naming the Host it got: the module maps the
    path and keeps the client's authority. Without the module nginx is
    given the front's path, which it does not serve."""
    for srv, side in ((proxied.on, "on"), (proxied.off, "off")):
        src, dst = f"ph-{side}-src.txt", f"ph-{side}-dst.txt"
        assert srv.request("PUT", "/ngph/" + src, body=b"ph").status in (201, 204)
        r = srv.request("COPY", "/ngph/" + src,
                        {"Destination": f"http://127.0.0.1:{srv.port}/ngph/{dst}"})
        landed = (proxied.ng.files / dst).exists()
        if side == "on":
            assert r.status in (201, 204) and landed, r
        else:
            assert not (landed and r.status in (201, 204)), (r, landed)


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
def test_https_backend(proxied, method):
    """An https backend (nginx over TLS): a malformed request is answered by
    the front and never reaches it; a Destination naming the public http URL
    is handed to nginx as its https URL, and the copy lands there."""
    be, srv = proxied.ngs, proxied.on
    src, dst = f"tls-{method.lower()}-src.txt", f"tls-{method.lower()}-dst.txt"
    assert srv.request("PUT", "/ngs/" + src, body=b"over tls").status in (201, 204)
    r = srv.request("PROPFIND", "/ngs/" + src, {"Depth": "2"})
    assert r.status == 400 and r.substatus == "400.2", r
    r = srv.request(method, "/ngs/" + src, {"Destination": f"http://127.0.0.1:{srv.port}/ngs/{dst}"})
    assert r.status in (201, 204), r
    assert (be.files / dst).read_bytes() == b"over tls"
    log = (be.root / "access.log").read_text()
    assert "PROPFIND" not in log, log


def test_destination_on_another_backend(proxied):
    """COPY from lighttpd's location to nginx's: one backend cannot copy
    onto another, so the front answers 502 (destination.other-backend)."""
    srv = proxied.on
    assert srv.request("PUT", "/lt/ob.txt", body=b"ob").status in (201, 204)
    r = srv.request("COPY", "/lt/ob.txt", {"Destination": f"http://127.0.0.1:{srv.port}/ng/ob.txt"})
    assert r.status == 502 and r.substatus == "400.1", r
    assert b'rule="destination.other-backend"' in r.body, r.body
    assert not (proxied.ng.files / "ob.txt").exists()


def test_destination_outside_the_proxypass(proxied):
    """A Destination naming this server at a path no ProxyPass maps to the
    backend is refused (502, destination.not-proxied); nothing is copied."""
    srv = proxied.on
    assert srv.request("PUT", "/lt/np.txt", body=b"np").status in (201, 204)
    r = srv.request("COPY", "/lt/np.txt", {"Destination": f"http://127.0.0.1:{srv.port}/elsewhere/np.txt"})
    assert r.status == 502 and r.substatus == "400.1", r
    assert b'rule="destination.not-proxied"' in r.body, r.body


@pytest.mark.expect_errors(r"\[dav:error\].*\[412, #0\]")
@pytest.mark.parametrize("prefix", ["/md/", "/lt/"])
def test_tagged_if_is_mapped(proxied, prefix):
    """A PUT whose If names the public URL with an entity-tag: the module
    maps the tag to the URL the backend knows, so the backend evaluates the
    condition on that resource (a wrong entity-tag: 412; the right one: the
    PUT succeeds). mod_dav behind the front without the module finds no
    list for its own URL and ignores the condition."""
    for srv, side in ((proxied.on, "on"), (proxied.off, "off")):
        path = f"{prefix}tag-{side}.txt"
        assert srv.request("PUT", path, body=b"v1").status in (201, 204)
        etag = srv.request("HEAD", path).header("ETag")
        assert etag, path
        public = f"http://127.0.0.1:{srv.port}{path}"
        wrong = srv.request("PUT", path, {"If": f'<{public}> (["no-such-etag"])'}, body=b"v2")
        if side == "on":
            assert wrong.status == 412, wrong
            right = srv.request("PUT", path, {"If": f"<{public}> ([{etag}])"}, body=b"v3")
            assert right.status in (201, 204), right
        elif prefix == "/md/":
            assert wrong.status in (201, 204), wrong   # the condition was not applied


def test_449_on_a_proxied_location(proxied):
    """RetryWithRequireHeader on /lt449/: a PUT without X-Client-Id gets 449;
    the retry with Ms-Echo-Reply and the header goes through, and the body
    reaches lighttpd byte for byte."""
    srv = proxied.on
    body = bytes(range(256)) * 64
    before = proxied.lt.log_size()
    r = srv.request("PUT", "/lt449/p.bin", body=body)
    assert r.status == 449, r
    echo = r.header("Ms-Echo-Request")
    assert echo, r
    assert proxied.lt.log_size() == before, "the 449'd request reached the backend"
    r = srv.request("PUT", "/lt449/p.bin", {"Ms-Echo-Reply": echo, "X-Client-Id": "c1"},
                    body=body)
    assert r.status in (201, 204), r
    assert (proxied.lt.root / "share" / "files449" / "p.bin").read_bytes() == body


@pytest.mark.parametrize("kind", KINDS)
def test_validated_body_replayed_unchanged(proxied, kind):
    """A PROPFIND body the module validated reaches the backend unchanged:
    the backend answers it as it answers the same request sent directly."""
    be = proxied.backend(kind)
    prefix = PREFIX[kind]
    body = (b'<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:">'
            b'<D:prop><D:getcontentlength/></D:prop></D:propfind>')
    assert proxied.on.request("PUT", prefix + "pf.txt", body=b"12345").status in (201, 204)
    via = proxied.on.request("PROPFIND", prefix + "pf.txt", {"Depth": "0"}, body=body)
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", be.port, timeout=10)
    c.request("PROPFIND", "/files/pf.txt", body=body, headers={"Depth": "0"})
    direct = c.getresponse()
    direct_body = direct.read()
    assert via.status == direct.status, (via, direct.status)
    if direct.status == 207:
        assert b"5</" in via.body and b"5</" in direct_body, via.body
