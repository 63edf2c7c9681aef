"""COPY and MOVE behind real reverse proxies (Debian's nginx and haproxy).

Behind a proxy the Destination a client sends names the proxy, not the
backend: another port (the front's), perhaps another host, and behind a TLS
terminator another scheme (`https` while the backend speaks http).  Plain
mod_dav compares only the scheme (`ap_http_scheme`, which `ServerName
https://...` turns into https); mod_retrywith knows the origins this server is
reached under (the request's Host, ServerName, ServerAlias, and from the peers
named in `RetryWithTrustedProxy` the `Forwarded` / `X-Forwarded-*` headers):

  - a Destination naming a known origin is accepted and handed to mod_dav in
    the form mod_dav accepts (so COPY/MOVE work behind a TLS terminator),
  - a Destination with the backend's own scheme but an unknown host or port
    is accepted as plain mod_dav accepts it (502 with
    `RetryWithStrictAuthority On`),
  - another scheme naming no known origin is answered 502 (400.1) with a
    reason that says what to configure.

One module-scoped setup starts the backends (the private httpd of httpd.py,
with and without the module), one nginx and one haproxy with a listener per
(route, backend), and a self-signed certificate for the TLS listeners.  A
route is a front with one way of passing Host and forwarding headers (see
ROUTES).  Every route has a directory of its own on the shares
(`/dav/<route>/`), so litmus and the COPY/MOVE checks of different routes
never meet.

test_report_table (the last test) prints the whole table: litmus passes per
suite and the COPY/MOVE statuses per route, module off vs on.
"""

from __future__ import annotations

import grp
import http.client
import os
import pwd
import signal
import socket
import ssl
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from httpd import (RID_HEADER, RUN_GROUP, RUN_USER, HttpdServer, Response,
                   free_port, new_rid)
from test_litmus import LITMUS_ERRORS, SUITES, SuiteResult, parse_litmus

NGINX = os.environ.get("RW_NGINX", "/usr/sbin/nginx")
HAPROXY = os.environ.get("RW_HAPROXY", "/usr/sbin/haproxy")
OPENSSL = os.environ.get("RW_OPENSSL", "/usr/bin/openssl")
LITMUS = os.environ.get("RW_LITMUS", "litmus")

#: plain mod_dav logs its own 502 (and litmus' deliberate failures) at error
DAV_ERRORS = (r"\[dav:error\]",)

#: the server-level configuration of the backend with the module
TRUST_LOOPBACK = ("<IfDirective RetryWithTrustedProxy>\n"
                  "RetryWithTrustedProxy 127.0.0.1\n"
                  "</IfDirective>")
# The directives are wrapped in <IfDirective> so that the backends also start
# with a module that does not know them yet (the tests of what they do then
# fail instead of erroring in the fixture); test_new_directives_are_known
# asks for them without the wrapper.


# --------------------------------------------------------------------------
# routes
# --------------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    id: str
    proxy: str              # "nginx" | "haproxy"
    tls: bool               # the front terminates TLS (the backend is http)
    host: str               # the Host the front sends to the backend:
    #   "default"    the proxy's own default: nginx the proxy_pass address
    #                (the backend's 127.0.0.1:port), haproxy the client's
    #   "host"       nginx `proxy_set_header Host $host` (no port)
    #   "http_host"  nginx `proxy_set_header Host $http_host` (the client's)
    #   "noport"     haproxy: the client's Host without its port
    fwd: tuple[str, ...] = ()   # headers the front adds:
    #   "xfp"        X-Forwarded-Proto (https on a TLS front)
    #   "xfh"        X-Forwarded-Host: the client's Host
    #   "xfport"     X-Forwarded-Port: the front's port
    #   "forwarded"  RFC 7239 Forwarded: proto=https;host="<client's Host>"
    server_name: bool = False   # backends: ServerName https://127.0.0.1:<front>
    on_ok: bool = True      # module on: COPY/MOVE to the front's own URL work
    off_ok: bool = True     # plain mod_dav: ditto

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    def describe(self) -> str:
        h = {"default": "default Host", "host": "Host $host",
             "http_host": "Host $http_host", "noport": "Host without port"}[self.host]
        parts = [self.proxy, self.scheme, h]
        parts += [{"xfp": "X-Forwarded-Proto", "xfh": "X-Forwarded-Host",
                   "xfport": "X-Forwarded-Port", "forwarded": "Forwarded"}[f]
                  for f in self.fwd]
        if self.server_name:
            parts.append("ServerName https://front")
        return ", ".join(parts)


ROUTES = [
    # plain http fronts: the Destination's scheme is the backend's, only its
    # authority differs (or not): plain mod_dav and the module accept it
    Route("ng-http-default", "nginx", False, "default"),
    Route("ng-http-host", "nginx", False, "host"),
    Route("ng-http-httphost", "nginx", False, "http_host"),
    Route("ha-http-default", "haproxy", False, "default"),
    Route("ha-http-noport", "haproxy", False, "noport"),
    # TLS fronts: Destination https://front/...
    # nothing tells the backend about https: both refuse (the module saying
    # what to configure)
    Route("ng-tls-default", "nginx", True, "default", on_ok=False, off_ok=False),
    Route("ha-tls-default", "haproxy", True, "default", on_ok=False, off_ok=False),
    # ServerName https://127.0.0.1:<front port>: plain mod_dav then compares
    # with https too
    Route("ng-tls-default-sn", "nginx", True, "default", server_name=True),
    Route("ha-tls-default-sn", "haproxy", True, "default", server_name=True),
    # forwarded headers from a trusted proxy: only the module can use them
    Route("ng-tls-httphost-xfp", "nginx", True, "http_host", ("xfp",), off_ok=False),
    Route("ng-tls-httphost-fwd", "nginx", True, "http_host", ("forwarded",), off_ok=False),
    Route("ng-tls-default-xfp-xfh", "nginx", True, "default", ("xfp", "xfh"), off_ok=False),
    Route("ng-tls-host-xfp-xfport", "nginx", True, "host", ("xfp", "xfport"), off_ok=False),
    Route("ha-tls-xfp", "haproxy", True, "default", ("xfp",), off_ok=False),
    Route("ha-tls-fwd", "haproxy", True, "default", ("forwarded",), off_ok=False),
]
ROUTE_IDS = [r.id for r in ROUTES]
SIDES = ("off", "on")


# --------------------------------------------------------------------------
# the proxies' configurations
# --------------------------------------------------------------------------

def nginx_conf(d: Path, listeners: list[tuple[Route, int, int]], cert: Path,
               key: Path) -> str:
    """listeners: (route, front port, backend port)."""
    out = [
        "worker_processes 1;",
        "user root;" if os.geteuid() == 0 else "",
        f"error_log {d}/error.log info;",
        f"pid {d}/nginx.pid;",
        "events { worker_connections 512; }",
        "http {",
        f"  access_log {d}/access.log;",
        f"  client_body_temp_path {d}/tmp/body;",
        f"  proxy_temp_path {d}/tmp/proxy;",
        f"  fastcgi_temp_path {d}/tmp/fastcgi;",
        f"  uwsgi_temp_path {d}/tmp/uwsgi;",
        f"  scgi_temp_path {d}/tmp/scgi;",
        "  client_max_body_size 0;",
    ]
    for route, port, bport in listeners:
        out += [f"  server {{  # {route.id}",
                f"    listen 127.0.0.1:{port}{' ssl' if route.tls else ''};"]
        if route.tls:
            out += [f"    ssl_certificate {cert};", f"    ssl_certificate_key {key};"]
        out += ["    location / {",
                f"      proxy_pass http://127.0.0.1:{bport};",
                "      proxy_http_version 1.1;",
                "      proxy_request_buffering off;"]
        hdr = []
        if route.host == "host":
            hdr.append("Host $host")
        elif route.host == "http_host":
            hdr.append("Host $http_host")
        elif route.host != "default":
            raise ValueError(route)
        for f in route.fwd:
            hdr.append({"xfp": "X-Forwarded-Proto $scheme",
                        "xfh": "X-Forwarded-Host $http_host",
                        "xfport": "X-Forwarded-Port $server_port",
                        "forwarded": 'Forwarded "proto=$scheme;host=\\"$http_host\\""',
                        }[f])
        if route.fwd:
            hdr.append("X-Forwarded-For $proxy_add_x_forwarded_for")
        out += [f"      proxy_set_header {h};" for h in hdr]
        out += ["    }", "  }"]
    out.append("}")
    return "\n".join(out) + "\n"


def haproxy_conf(listeners: list[tuple[Route, int, int]], pem: Path) -> str:
    out = [
        "global",
        "  maxconn 512",
        "  nbthread 1",
        "defaults",
        "  mode http",
        "  timeout connect 5s",
        "  timeout client 60s",
        "  timeout server 60s",
        # a new backend connection per request: reusing an idle one races
        # with httpd's KeepAliveTimeout, and haproxy answers 502 itself to
        # a COPY/MOVE/PUT it cannot retry
        "  option http-server-close",
    ]
    for route, port, bport in listeners:
        name = f"{route.id}-{port}"
        out += ["", f"frontend f-{name}",
                f"  bind 127.0.0.1:{port}" + (f" ssl crt {pem}" if route.tls else "")]
        for f in route.fwd:
            if f == "xfp":
                out += ["  option forwardfor",
                        "  http-request set-header X-Forwarded-Proto "
                        + ("https" if route.tls else "http")]
            elif f == "forwarded":
                # haproxy 2.6 has no `option forwarded` (2.8 has)
                out.append('  http-request set-header Forwarded '
                           f'"proto={route.scheme};host=\\"%[req.hdr(host)]\\""')
            else:
                raise ValueError(route)
        if route.host == "noport":
            out.append("  http-request set-header Host %[req.hdr(host),field(1,:)]")
        elif route.host != "default":
            raise ValueError(route)
        out += [f"  default_backend b-{name}", "", f"backend b-{name}",
                f"  server s1 127.0.0.1:{bport}"]
    return "\n".join(out) + "\n"


class Proxy:
    """nginx or haproxy in the foreground, in a session of its own."""

    def __init__(self, name: str, cmd: list[str], d: Path):
        self.name, self.cmd, self.dir = name, cmd, d
        self.log = d / "stdout.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(self.cmd, cwd=self.dir, stdout=out,
                                         stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL,
                                         start_new_session=True)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def logs(self) -> str:
        text = []
        for p in sorted(self.dir.glob("*.log")):
            t = p.read_text(errors="replace")
            text.append(f"--- {p.name}\n{t[-3000:]}")
        return "\n".join(text)

    def stop(self) -> None:
        if not self.proc:
            return
        pgid = self.proc.pid          # start_new_session: its own group
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue
        # the workers of the group, if the parent went first
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc = None


# --------------------------------------------------------------------------
# the setup
# --------------------------------------------------------------------------

def _tls_context() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE     # the fronts' certificate is self-signed
    return ctx


@dataclass
class Outcome:
    """What one COPY/MOVE check saw."""
    copy: int | str = "-"
    move: int | str = "-"


class Fronts:
    def __init__(self, tmp: Path, httpd_factory, module_path):
        self.tmp = tmp
        self.factory = httpd_factory
        self.module_path = module_path
        self.ports: dict[tuple[str, str], int] = {}
        self.backends: dict[tuple[str, str], HttpdServer] = {}
        self.proxies: list[Proxy] = []
        self.litmus_runs: dict[tuple[str, str], tuple[str, dict[str, SuiteResult]]] = {}
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        self._ctx = _tls_context()
        self._n = 0

    # ---- setup ---------------------------------------------------------

    def make_cert(self) -> None:
        d = self.tmp / "tls"
        d.mkdir()
        self.cert, self.key, self.pem = d / "cert.pem", d / "key.pem", d / "both.pem"
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2",
                        "-keyout", str(self.key), "-out", str(self.cert)],
                       check=True, capture_output=True, timeout=60)
        # haproxy wants the certificate and its key in one file
        self.pem.write_bytes(self.cert.read_bytes() + self.key.read_bytes())

    def start(self) -> None:
        self.make_cert()
        common_on = self.factory("fronts-on", module_path=self.module_path,
                                 extra_conf=TRUST_LOOPBACK)
        common_off = self.factory("fronts-off", module_path=None)
        for attempt in range(3):
            # distinct ports: free_port() may hand out one just released
            taken = set(b.port for b in (common_on, common_off))
            for r in ROUTES:
                for side in SIDES:
                    port = free_port()
                    while port in taken:
                        port = free_port()
                    taken.add(port)
                    self.ports[(r.id, side)] = port
            # a backend of its own for each ServerName route and side: its
            # ServerName names the front's port.  Only the ServerName, no
            # RetryWithTrustedProxy: that alone must be enough.
            for r in ROUTES:
                for side in SIDES:
                    if not r.server_name:
                        self.backends[(r.id, side)] = common_on if side == "on" else common_off
                        continue
                    sn = f"https://127.0.0.1:{self.ports[(r.id, side)]}"
                    srv = self.backends.get((r.id, side))
                    if srv is None:
                        srv = self.factory(f"fronts-{r.id}-{side}", start=False,
                                           module_path=self.module_path if side == "on" else None,
                                           server_name=sn)
                        self.backends[(r.id, side)] = srv
                        srv.start()
                    elif srv.server_name != sn:
                        srv.server_name = sn
                        srv.reload(graceful=False)
            for srv in set(self.backends.values()):
                for r in ROUTES:
                    if self.backends.get((r.id, "on")) is srv or \
                            self.backends.get((r.id, "off")) is srv:
                        _mkshare(srv.share / r.id)
            if self._start_proxies(attempt):
                break
        else:
            raise RuntimeError("the fronts did not start:\n"
                               + "\n".join(p.logs() for p in self.proxies))
        self.wait_ready()

    def _listeners(self, proxy: str) -> list[tuple[Route, int, int]]:
        return [(r, self.ports[(r.id, s)], self.backends[(r.id, s)].port)
                for r in ROUTES if r.proxy == proxy for s in SIDES]

    def _start_proxies(self, attempt: int) -> bool:
        for p in self.proxies:
            p.stop()
        self.proxies = []
        nd = self.tmp / f"nginx-{attempt}"
        (nd / "tmp").mkdir(parents=True)
        (nd / "nginx.conf").write_text(
            nginx_conf(nd, self._listeners("nginx"), self.cert, self.key))
        ng = Proxy("nginx", [NGINX, "-p", str(nd), "-c", str(nd / "nginx.conf"),
                             "-e", str(nd / "error.log"), "-g", "daemon off;"], nd)
        hd = self.tmp / f"haproxy-{attempt}"
        hd.mkdir()
        (hd / "haproxy.cfg").write_text(haproxy_conf(self._listeners("haproxy"), self.pem))
        ha = Proxy("haproxy", [HAPROXY, "-db", "-f", str(hd / "haproxy.cfg")], hd)
        for p in (ng, ha):
            p.start()
            self.proxies.append(p)
        # listening (or dead: a port taken since free_port() chose it)
        deadline = time.monotonic() + 15
        pending = dict(self.ports)
        while pending and time.monotonic() < deadline:
            if not all(p.alive() for p in self.proxies):
                break
            for k, port in list(pending.items()):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    del pending[k]
                except OSError:
                    pass
            time.sleep(0.05)
        if pending or not all(p.alive() for p in self.proxies):
            text = "\n".join(p.logs() for p in self.proxies)
            if "in use" in text and attempt < 2:
                return False
            raise RuntimeError(f"the fronts did not start (not listening: "
                               f"{sorted(pending)}):\n{text}")
        return True

    def wait_ready(self) -> None:
        """A GET through every listener reaches its backend."""
        for r in ROUTES:
            for side in SIDES:
                deadline = time.monotonic() + 10
                while True:
                    try:
                        resp = self.request(r, side, "GET", "/index.html")
                        if resp.status == 200 and b"ok" in resp.body:
                            break
                        last = repr(resp)
                    except OSError as e:
                        last = repr(e)
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{r.id} ({side}) does not reach its backend: "
                                           f"{last}\n" + "\n".join(p.logs() for p in self.proxies))
                    time.sleep(0.1)

    def stop(self) -> None:
        for p in self.proxies:
            p.stop()
        for srv in set(self.backends.values()):
            srv.stop()

    # ---- use -----------------------------------------------------------

    def backend(self, route: Route, side: str) -> HttpdServer:
        return self.backends[(route.id, side)]

    def front_origin(self, route: Route, side: str) -> str:
        return f"{route.scheme}://127.0.0.1:{self.ports[(route.id, side)]}"

    def request(self, route: Route, side: str, method: str, path: str,
                headers: dict | None = None, timeout: float = 30) -> Response:
        """One request through the front (a fresh connection; http.client
        sends Host: 127.0.0.1:<front port>)."""
        rid = new_rid("f")
        port = self.ports[(route.id, side)]
        if route.tls:
            conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout,
                                               context=self._ctx)
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in (headers or {}).items():
                conn.putheader(k, v)
            conn.putheader(RID_HEADER, rid)
            conn.endheaders()
            r = conn.getresponse()
            return Response(r.status, r.reason, list(r.getheaders()), r.read(), rid=rid)
        finally:
            conn.close()

    def new_file(self, route: Route, side: str, stem: str) -> tuple[str, Path, bytes]:
        """A file written on the backend's share: (its URL path, its path on
        disk, its content)."""
        self._n += 1
        name = f"{stem}-{self._n}.txt"
        p = self.backend(route, side).share / route.id / name
        data = f"{route.id} {side} {name}\n".encode()
        p.write_bytes(data)
        _chown(p)
        return f"/dav/{route.id}/{name}", p, data

    def litmus(self, route: Route, side: str) -> tuple[str, dict[str, SuiteResult]]:
        key = (route.id, side)
        if key not in self.litmus_runs:
            cwd = self.tmp / f"litmus-{route.id}-{side}"
            cwd.mkdir(exist_ok=True)
            url = f"{self.front_origin(route, side)}/dav/{route.id}/"
            # litmus (neon) accepts the self-signed certificate of the TLS
            # fronts; its `http' suite skips expect100 over https
            p = subprocess.run([LITMUS, "-k", url], cwd=cwd, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors="replace",
                               timeout=120)
            (cwd / "litmus-output.txt").write_text(p.stdout)
            self.litmus_runs[key] = (p.stdout, parse_litmus(p.stdout))
        return self.litmus_runs[key]


def _uid_gid() -> tuple[int, int]:
    return pwd.getpwnam(RUN_USER).pw_uid, grp.getgrnam(RUN_GROUP).gr_gid


def _chown(p: Path) -> None:
    os.chown(p, *_uid_gid())


def _mkshare(p: Path) -> None:
    p.mkdir(exist_ok=True)
    _chown(p)


@pytest.fixture(scope="module")
def fronts(tmp_path_factory, httpd_factory, module_path):
    for tool in (NGINX, HAPROXY, OPENSSL):
        if not os.access(tool, os.X_OK):
            pytest.fail(f"{tool} is missing: run tools/deps.sh test", pytrace=False)
    f = Fronts(tmp_path_factory.mktemp("fronts"), httpd_factory, module_path)
    try:
        f.start()
        yield f
    finally:
        f.stop()


@pytest.fixture(scope="module")
def untrusted(httpd_factory, module_path) -> HttpdServer:
    """The module, trusting a proxy that is not the client (127.0.0.1)."""
    srv = httpd_factory("fronts-untrusted", module_path=module_path,
                        extra_conf="<IfDirective RetryWithTrustedProxy>\n"
                                   "RetryWithTrustedProxy 192.0.2.1\n"
                                   "</IfDirective>")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def strict(httpd_factory, module_path) -> HttpdServer:
    """The module with RetryWithStrictAuthority On."""
    srv = httpd_factory("fronts-strict", module_path=module_path,
                        extra_conf=TRUST_LOOPBACK + "\n"
                        "<IfDirective RetryWithStrictAuthority>\n"
                        "RetryWithStrictAuthority On\n"
                        "</IfDirective>")
    yield srv
    srv.stop()


def _route(rid: str) -> Route:
    return next(r for r in ROUTES if r.id == rid)


def _expects(route: Route, side: str) -> bool:
    return route.on_ok if side == "on" else route.off_ok


CONFIG_WORDS = ("ServerName", "RetryWithTrustedProxy", "Forwarded")


def _human(resp: Response) -> str:
    """The human-readable reason of a DAV:error body (or the body)."""
    try:
        for el in resp.xml().iter():
            if el.tag.endswith("human-readable"):
                return (el.text or "").strip()
    except Exception:
        pass
    return resp.text[:500]


# --------------------------------------------------------------------------
# 0. the directives
# --------------------------------------------------------------------------

def test_new_directives_are_known(httpd_factory, module_path):
    """RetryWithTrustedProxy (addresses and CIDR ranges, IPv4 and IPv6) and
    RetryWithStrictAuthority, with a ServerName that carries a scheme."""
    srv = httpd_factory("fronts-conftest", module_path=module_path, start=False,
                        server_name="https://public.example:8443")
    rc, out = srv.config_test(
        "RetryWithTrustedProxy 127.0.0.1 ::1 10.0.0.0/8 fd00::/8\n"
        "RetryWithStrictAuthority On\n"
        "<Location /dav/>\n"
        "    RetryWithStrictAuthority Off\n"
        "</Location>\n")
    assert rc == 0, out


# --------------------------------------------------------------------------
# 1. litmus through every front
# --------------------------------------------------------------------------

@pytest.mark.expect_errors(*LITMUS_ERRORS)
@pytest.mark.parametrize("rid", ROUTE_IDS)
def test_litmus_through_front(fronts, rid):
    """With the module at least as many passes as without, per suite; where
    the module's rules say COPY/MOVE work through this front, litmus'
    copymove suite passes entirely."""
    route = _route(rid)
    off_out, off = fronts.litmus(route, "off")
    on_out, on = fronts.litmus(route, "on")
    for kind, res, out in (("off", off, off_out), ("on", on, on_out)):
        missing = [s for s in SUITES if s not in res or res[s].run == 0]
        assert not missing, f"litmus ({kind}) did not run {missing}:\n{out[-3000:]}"
    rows = [f"{s}: off {off[s].passed}/{off[s].run}, on {on[s].passed}/{on[s].run}"
            + (f"; on fails: {on[s].failures}" if on[s].failures else "")
            for s in SUITES]
    worse = [s for s in SUITES if on[s].passed < off[s].passed]
    assert not worse, f"{route.describe()}: the module makes litmus worse in {worse}:\n" \
        + "\n".join(rows)
    if route.on_ok:
        assert on["copymove"].failed == 0, \
            f"{route.describe()}: COPY/MOVE should work with the module:\n" + "\n".join(rows)


# --------------------------------------------------------------------------
# 2. COPY and MOVE to the front's own URL
# --------------------------------------------------------------------------

def _copy_move(fronts: Fronts, route: Route, side: str) -> tuple[Response, Response, list[str]]:
    """COPY and MOVE with Destination <front origin>/dav/<route>/...;
    returns both answers and what is wrong on disk given the answers."""
    problems = []
    origin = fronts.front_origin(route, side)
    src, src_p, data = fronts.new_file(route, side, "copysrc")
    dst_p = src_p.with_name(src_p.name.replace("copysrc", "copied"))
    c = fronts.request(route, side, "COPY", src, {
        "Destination": f"{origin}/dav/{route.id}/{dst_p.name}", "Overwrite": "F"})
    if c.status in (201, 204):
        if not (dst_p.is_file() and dst_p.read_bytes() == data):
            problems.append(f"COPY {c.status} but {dst_p} is not a copy of the source")
    elif dst_p.exists():
        problems.append(f"COPY {c.status} yet {dst_p} exists")
    if src_p.read_bytes() != data:
        problems.append("COPY changed its source")

    msrc, msrc_p, mdata = fronts.new_file(route, side, "movesrc")
    mdst_p = msrc_p.with_name(msrc_p.name.replace("movesrc", "moved"))
    m = fronts.request(route, side, "MOVE", msrc, {
        "Destination": f"{origin}/dav/{route.id}/{mdst_p.name}"})
    if m.status in (201, 204):
        if not (mdst_p.is_file() and mdst_p.read_bytes() == mdata):
            problems.append(f"MOVE {m.status} but {mdst_p} does not hold the source")
        if msrc_p.exists():
            problems.append(f"MOVE {m.status} but the source {msrc_p} is still there")
    else:
        if mdst_p.exists():
            problems.append(f"MOVE {m.status} yet {mdst_p} exists")
        if not msrc_p.is_file():
            problems.append(f"MOVE {m.status} yet the source is gone")
    fronts.outcomes[(route.id, side)] = Outcome(c.status, m.status)
    return c, m, problems


@pytest.mark.expect_errors(*DAV_ERRORS)
@pytest.mark.parametrize("rid", ROUTE_IDS)
def test_copy_move_module_off(fronts, rid):
    """Plain mod_dav through the front: the baseline (no module, so what is
    checked here is the assumption the other tests start from)."""
    route = _route(rid)
    c, m, problems = _copy_move(fronts, route, "off")
    assert not problems, (problems, c, m)
    want = (201,) if route.off_ok else (502,)
    assert (c.status, m.status) == want * 2, (route.describe(), c, m)


@pytest.mark.parametrize("rid", ROUTE_IDS)
def test_copy_move_module_on(fronts, rid):
    route = _route(rid)
    c, m, problems = _copy_move(fronts, route, "on")
    assert not problems, (problems, c, m)
    if route.on_ok:
        assert (c.status, m.status) == (201, 201), (route.describe(), c, m)
    else:
        for r in (c, m):
            assert r.status == 502, (route.describe(), r)
            assert r.substatus == "400.1", r
            reason = _human(r)
            assert any(w in reason for w in CONFIG_WORDS), \
                f"{route.describe()}: the 502's reason should say what to configure: {reason!r}"


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
@pytest.mark.parametrize("rid", ROUTE_IDS)
def test_unrelated_https_origin_refused(fronts, rid, method):
    """Destination https://elsewhere.example/... names no origin of the
    backend. Where plain mod_dav refuses it (its scheme is not the
    backend's), the module refuses it first: 502 (400.1), share unchanged.
    Where plain mod_dav acts on it (ServerName https://..., so the schemes
    agree and mod_dav ignores host and port), the module does the same
    unless RetryWithStrictAuthority is on: never worse than the server
    alone."""
    route = _route(rid)
    statuses = {}
    for mode in ("off", "on"):
        srv = fronts.backend(route, mode)
        src, src_p, data = fronts.new_file(route, mode, "foreign")
        before = srv.share_checksum(["share"])
        r = fronts.request(route, mode, method, src, {
            "Destination": f"https://elsewhere.example/dav/{route.id}/x-{src_p.name}"})
        statuses[mode] = r.status
        if r.status == 502:
            assert srv.share_checksum(["share"]) == before
            assert src_p.read_bytes() == data
            if mode == "on":
                assert r.substatus == "400.1", r
    assert statuses["on"] == statuses["off"], (route.describe(), statuses)


# --------------------------------------------------------------------------
# 3. forwarded headers only from trusted peers
# --------------------------------------------------------------------------

def _direct(srv: HttpdServer, method: str, name: str, dest_origin: str,
            extra: dict, before: list | None = None) -> tuple[Response, Path, Path, bytes]:
    """method on a new file of /dav/direct/, straight to the backend, with
    Destination <dest_origin>/dav/direct/<name>-<n>.txt; before, if given,
    receives the share's checksum taken just before the request."""
    d = srv.share / "direct"
    _mkshare(d)
    n = new_rid("d")
    src_p = d / f"src-{n}.txt"
    data = f"{srv.name} {n}\n".encode()
    src_p.write_bytes(data)
    _chown(src_p)
    dst_p = d / f"{name}-{n}.txt"
    if before is not None:
        before.append(srv.share_checksum(["share"]))
    r = srv.request(method, f"/dav/direct/{src_p.name}",
                    {"Destination": f"{dest_origin}/dav/direct/{dst_p.name}", **extra})
    return r, src_p, dst_p, data


def _forged(port: int) -> dict[str, tuple[str, dict]]:
    """name: (the Destination's origin, the forwarded headers claiming it)."""
    return {
        "x-forwarded-proto": (f"https://127.0.0.1:{port}",
                              {"X-Forwarded-Proto": "https"}),
        "forwarded": (f"https://127.0.0.1:{port}",
                      {"Forwarded": f'proto=https;host="127.0.0.1:{port}"'}),
        "x-forwarded-host": ("https://files.example",
                             {"X-Forwarded-Proto": "https",
                              "X-Forwarded-Host": "files.example",
                              "X-Forwarded-Port": "443"}),
    }


FORGED = ["x-forwarded-proto", "forwarded", "x-forwarded-host"]


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
@pytest.mark.parametrize("kind", FORGED)
def test_forwarded_headers_from_untrusted_peer_ignored(untrusted, kind, method):
    """RetryWithTrustedProxy 192.0.2.1: the same headers sent straight from
    127.0.0.1 are not believed, so an https Destination names no origin."""
    origin, hdrs = _forged(untrusted.port)[kind]
    before: list[str] = []
    r, src_p, dst_p, data = _direct(untrusted, method, "forged", origin, hdrs, before)
    assert r.status == 502, r
    assert r.substatus == "400.1", r
    assert not dst_p.exists()
    assert src_p.read_bytes() == data
    assert untrusted.share_checksum(["share"]) == before[0]


@pytest.mark.parametrize("method", ["COPY", "MOVE"])
@pytest.mark.parametrize("kind", FORGED)
def test_forwarded_headers_from_trusted_peer_used(fronts, kind, method):
    """The control of the test above: RetryWithTrustedProxy 127.0.0.1, the
    same request is accepted and the file lands where the Destination says."""
    srv = fronts.backends[(ROUTES[0].id, "on")]
    origin, hdrs = _forged(srv.port)[kind]
    r, src_p, dst_p, data = _direct(srv, method, "trusted", origin, hdrs)
    assert r.status == 201, r
    assert dst_p.is_file() and dst_p.read_bytes() == data
    assert src_p.exists() == (method == "COPY")


def test_https_destination_without_forwarding_refused(fronts):
    """No forwarded header, no https ServerName: 502 with a reason that says
    what to configure."""
    srv = fronts.backends[(ROUTES[0].id, "on")]
    r, src_p, dst_p, data = _direct(srv, "COPY", "nofwd", f"https://127.0.0.1:{srv.port}", {})
    assert r.status == 502, r
    assert r.substatus == "400.1", r
    assert not dst_p.exists()
    reason = _human(r)
    assert any(w in reason for w in CONFIG_WORDS), reason


# --------------------------------------------------------------------------
# the backend's own scheme, another authority: RetryWithStrictAuthority
# --------------------------------------------------------------------------

@pytest.mark.parametrize("which", ["off", "on", "strict"])
def test_same_scheme_other_authority(fronts, strict, which):
    """Destination http://127.0.0.1:<another port>/...: plain mod_dav and the
    module accept it (the path is what counts), RetryWithStrictAuthority On
    refuses it with 502 (400.1)."""
    srv = strict if which == "strict" else fronts.backends[(ROUTES[0].id, which)]
    r, src_p, dst_p, data = _direct(srv, "COPY", "other",
                                    f"http://127.0.0.1:{srv.port + 1}", {})
    if which == "strict":
        assert r.status == 502, r
        assert r.substatus == "400.1", r
        assert not dst_p.exists()
    else:
        assert r.status == 201, r
        assert dst_p.read_bytes() == data
    # and its own origin is accepted, strict or not
    r, src_p, dst_p, data = _direct(srv, "COPY", "own", srv.base_url, {})
    assert r.status == 201, r
    assert dst_p.read_bytes() == data


# --------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------

@pytest.mark.expect_errors(*LITMUS_ERRORS)
def test_report_table(fronts, tmp_path_factory, capsys):
    """Prints litmus passes per suite and the COPY/MOVE statuses per route,
    module off vs on (runs what the tests above have not)."""
    for r in ROUTES:
        for side in SIDES:
            fronts.litmus(r, side)
            if (r.id, side) not in fronts.outcomes:
                _copy_move(fronts, r, side)
    head = f"{'route':<24} " + " ".join(f"{s:>17}" for s in SUITES) + \
        f" {'COPY off/on':>12} {'MOVE off/on':>12}"
    rows = [head]
    for r in ROUTES:
        off = fronts.litmus(r, "off")[1]
        on = fronts.litmus(r, "on")[1]
        cells = []
        for s in SUITES:
            a, b = off.get(s, SuiteResult()), on.get(s, SuiteResult())
            cells.append(f"{a.passed}/{a.run} {b.passed}/{b.run}".rjust(17))
        o, n = fronts.outcomes[(r.id, "off")], fronts.outcomes[(r.id, "on")]
        rows.append(f"{r.id:<24} " + " ".join(cells)
                    + f" {f'{o.copy}/{n.copy}':>12} {f'{o.move}/{n.move}':>12}")
    rows.append("")
    rows += [f"{r.id:<24} {r.describe()}" for r in ROUTES]
    rows.append("")
    for r in ROUTES:
        for side in SIDES:
            res = fronts.litmus(r, side)[1]
            for s in SUITES:
                names = [f.split(" ", 1)[0] for f in res.get(s, SuiteResult()).failures]
                if names:
                    rows.append(f"  {r.id} {side} {s} FAIL: {', '.join(names)}")
    table = "\n".join(rows)
    out = tmp_path_factory.mktemp("fronts-table") / "fronts-table.txt"
    out.write_text(table + "\n")
    with capsys.disabled():
        print(f"\nlitmus (passed/run, module off then on) and COPY/MOVE statuses "
              f"through the fronts ({out}):\n{table}")
