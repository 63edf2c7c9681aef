"""A private Apache httpd 2.4 (Debian's apache2) for the integration tests.

Each HttpdServer owns a server root in a temporary directory:

    root/
      conf/httpd.conf     generated
      htdocs/             DocumentRoot
      share/              DAV share served at /dav/  (plus the other shares
                          listed in SHARES, each at its own location)
      var/DavLock*        DavLockDB
      logs/               error_log, access_log, httpd.pid
      run/                DefaultRuntimeDir

Only the standard library is used. Every request sent through the helpers
carries an `X-RW-Test` header with a unique id; the access log and the error
log both record that id, so a test finds the log lines of exactly one request.
"""

from __future__ import annotations

import atexit
import hashlib
import http.client
import itertools
import os
import pwd
import grp
import re
import signal
import socket
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable



def _configured() -> dict[str, str]:
    """What configure found (tools/paths.sh): the httpd this build is for."""
    found = {}
    paths = Path(__file__).resolve().parents[2] / "tools" / "paths.sh"
    if paths.exists():
        for line in paths.read_text().splitlines():
            m = re.fullmatch(r"(\w+)='(.*)'", line.strip())
            if m:
                found[m.group(1)] = m.group(2)
    return found


_CONF = _configured()
APACHE2 = os.environ.get("RW_APACHE2") or _CONF.get("HTTPD_BIN", "/usr/sbin/apache2")
MODULE_DIR = Path(os.environ.get("RW_APACHE_MODULE_DIR")
                  or _CONF.get("HTTPD_MODULE_DIR", "/usr/lib/apache2/modules"))
RUN_USER = os.environ.get("RW_APACHE_USER", "www-data")
RUN_GROUP = os.environ.get("RW_APACHE_GROUP", "www-data")

#: header whose value ties a request to its log lines
RID_HEADER = "X-RW-Test"

#: modules loaded from MODULE_DIR (log_config, so, unixd are built in)
BASE_MODULES = [
    ("mpm_event_module", "mod_mpm_event.so"),
    ("authn_core_module", "mod_authn_core.so"),
    ("authz_core_module", "mod_authz_core.so"),
    ("alias_module", "mod_alias.so"),
    ("mime_module", "mod_mime.so"),
    ("dir_module", "mod_dir.so"),
    ("dav_module", "mod_dav.so"),
    ("dav_fs_module", "mod_dav_fs.so"),
    ("http2_module", "mod_http2.so"),
]

#: (directory under root, URL location, configuration used only when the
#: module is loaded).  /dav/ is the plain share the brief asks for; the
#: others exercise the module's directives.
SHARES = [
    # (dir, location, mod_dav/core configuration, configuration used only
    #  when the module is loaded)
    ("share", "/dav/", "", ""),
    ("strict", "/strict/", "",
     "RetryWithStrictTranslate On\nRetryWithStrictAuthority On"),
    ("off", "/off/", "", "RetryWith Off"),
    ("inf", "/inf/", "DavDepthInfinity On", "RetryWithDepthInfinity On"),
    ("bare", "/bare/", "", "RetryWithBareLockToken On"),
    ("limits", "/limits/", "",
     "RetryWithLimit body 2048\n"
     "RetryWithLimit xml-depth 8\n"
     "RetryWithLimit if-lists 2\n"
     "RetryWithLimit if-conditions 3\n"
     "RetryWithLimit header-length 256\n"
     "RetryWithLimit timeout-types 2"),
]

ACCESS_FORMAT = (
    '%h %l %u %t \\"%r\\" %>s %b \\"%{retrywith-substatus}n\\" '
    '\\"%{' + RID_HEADER + '}i\\" \\"%{Retrywith-Substatus}o\\" %k'
)
ACCESS_RE = re.compile(
    r'^(?P<host>\S+) \S+ \S+ \[(?P<time>[^\]]+)\] "(?P<request>(?:[^"\\]|\\.)*)" '
    r'(?P<status>\d{3}) (?P<bytes>\S+) "(?P<note>[^"]*)" "(?P<rid>[^"]*)" '
    r'"(?P<subhdr>[^"]*)" (?P<keepalive>\d+)$'
)
# The default error log format with the request id added.
ERROR_FORMAT = ('[%{u}t] [%-m:%l] [pid %P:tid %T] [rid %-{' + RID_HEADER +
                '}i] [client\\ %-a] %M')

_rid_counter = itertools.count(1)


def new_rid(prefix: str = "r") -> str:
    return f"{prefix}{next(_rid_counter)}-{uuid.uuid4().hex[:12]}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_traversable(path: Path) -> None:
    """pytest makes its temporary directories 0700; the httpd children run
    as www-data and must reach the shares, so grant search permission on
    every ancestor (pytest itself restores its root's mode next session)."""
    for p in [path, *path.parents]:
        try:
            st = p.stat()
        except OSError:
            continue
        if not st.st_mode & 0o001:
            os.chmod(p, st.st_mode | 0o001)


# --------------------------------------------------------------------------
# Responses
# --------------------------------------------------------------------------

DAV_NS = "DAV:"
RW_NS = "urn:mod-retrywith:error"
APACHE_NS = "http://apache.org/dav/xmlns"


@dataclass
class Response:
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    rid: str | None = None
    version: str = "HTTP/1.1"

    def header(self, name: str, default: str | None = None) -> str | None:
        vals = self.header_all(name)
        return ", ".join(vals) if vals else default

    def header_all(self, name: str) -> list[str]:
        n = name.lower()
        return [v for k, v in self.headers if k.lower() == n]

    @property
    def substatus(self) -> str | None:
        return self.header("Retrywith-Substatus")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def xml(self) -> ET.Element:
        return ET.fromstring(self.body)

    def __repr__(self) -> str:
        b = self.body[:600]
        return (f"<Response {self.status} {self.reason} rid={self.rid} "
                f"headers={self.headers} body={b!r}>")


@dataclass
class RawResult:
    """Everything read from one raw connection."""
    responses: list[Response]
    data: bytes
    eof: bool

    @property
    def final(self) -> Response:
        finals = [r for r in self.responses if r.status >= 200]
        if not finals:
            raise AssertionError(f"no final response in {self.data[:2000]!r}")
        return finals[0]

    @property
    def interim(self) -> list[Response]:
        return [r for r in self.responses if r.status < 200]


class _Incomplete(Exception):
    pass


def _parse_one(buf: bytes, eof: bool, head: bool) -> tuple[Response, int]:
    """Parses one response from buf; raises _Incomplete if more is needed."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        if eof and buf:
            raise ValueError(f"truncated response head: {buf[:500]!r}")
        raise _Incomplete
    head_lines = buf[:end].decode("iso-8859-1").split("\r\n")
    status_line = head_lines[0]
    m = re.match(r"^(HTTP/\d\.\d) (\d{3})(?: (.*))?$", status_line)
    if not m:
        raise ValueError(f"bad status line {status_line!r}")
    headers = []
    for line in head_lines[1:]:
        if line[:1] in (" ", "\t") and headers:
            k, v = headers[-1]
            headers[-1] = (k, v + " " + line.strip())
            continue
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    status = int(m.group(2))
    resp = Response(status, m.group(3) or "", headers, b"", version=m.group(1))
    pos = end + 4
    if status < 200 or status in (204, 304) or head:
        return resp, pos
    te = (resp.header("Transfer-Encoding") or "").lower()
    cl = resp.header("Content-Length")
    if "chunked" in te:
        body = b""
        p = pos
        while True:
            e = buf.find(b"\r\n", p)
            if e < 0:
                raise _Incomplete
            size = int(buf[p:e].split(b";")[0].strip(), 16)
            p = e + 2
            if size == 0:
                # trailers until an empty line
                t = buf.find(b"\r\n\r\n", p - 2)
                if t < 0:
                    raise _Incomplete
                resp.body = body
                return resp, t + 4
            if len(buf) < p + size + 2:
                raise _Incomplete
            body += buf[p:p + size]
            p += size + 2
    if cl is not None:
        n = int(cl.split(",")[0])
        if len(buf) < pos + n:
            if eof:
                raise ValueError("connection closed inside the body")
            raise _Incomplete
        resp.body = buf[pos:pos + n]
        return resp, pos + n
    # body delimited by the connection's close
    if not eof:
        raise _Incomplete
    resp.body = buf[pos:]
    return resp, len(buf)


def parse_responses(buf: bytes, eof: bool, head: bool = False) -> tuple[list[Response], bool]:
    """Returns (responses, complete): complete once a final response is whole."""
    out = []
    pos = 0
    while pos < len(buf):
        try:
            r, used = _parse_one(buf[pos:], eof, head)
        except _Incomplete:
            return out, False
        out.append(r)
        pos += used
        if r.status >= 200:
            return out, True
    return out, False


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------

_running: list["HttpdServer"] = []


@atexit.register
def _stop_leftovers() -> None:
    for srv in list(_running):
        try:
            srv.stop(timeout=5)
        except Exception:
            pass


def running_servers() -> list["HttpdServer"]:
    return list(_running)


@dataclass
class LogMark:
    error: int
    access: int


class HttpdError(RuntimeError):
    pass


class HttpdServer:
    def __init__(self, root: Path, module_path: str | os.PathLike | None = None,
                 extra_conf: str = "", name: str = "httpd",
                 protocols: str = "http/1.1", mpm: str = "event",
                 extra_modules: Iterable[tuple[str, str]] = (),
                 server_name: str | None = None):
        self.root = Path(root)
        self.module_path = str(module_path) if module_path else None
        self.extra_conf = extra_conf
        self.name = name
        # "h2c http/1.1" enables HTTP/2 (prior knowledge and Upgrade); off by
        # default because core then advertises "Upgrade: h2c" on every response
        self.protocols = protocols
        # "prefork": one connection per process, so that parallel clients
        # are certain to be served by several processes
        self.mpm = mpm
        # more (identifier, file) pairs to load after BASE_MODULES and before
        # mod_retrywith, e.g. ("dav_svn_module", "mod_dav_svn.so"); a file
        # name is relative to MODULE_DIR, an absolute path is used as is
        self.extra_modules = list(extra_modules)
        # the ServerName line; None: 127.0.0.1:<the listening port>.  May
        # carry a scheme and another port, e.g. "https://127.0.0.1:8443"
        # for a server behind a TLS terminator
        self.server_name = server_name
        self.port: int | None = None
        self.pid: int | None = None
        for d in ("conf", "htdocs", "logs", "var", "run") + tuple(s[0] for s in SHARES):
            (self.root / d).mkdir(parents=True, exist_ok=True)
        (self.root / "htdocs" / "index.html").write_text("<html>ok</html>\n")
        _make_traversable(self.root)
        uid = pwd.getpwnam(RUN_USER).pw_uid
        gid = grp.getgrnam(RUN_GROUP).gr_gid
        for d in ("var",) + tuple(s[0] for s in SHARES):
            os.chown(self.root / d, uid, gid)
        self.conf_path = self.root / "conf" / "httpd.conf"
        self.error_log = self.root / "logs" / "error_log"
        self.access_log = self.root / "logs" / "access_log"
        self.pid_file = self.root / "logs" / "httpd.pid"

    # ---- configuration ------------------------------------------------

    @property
    def module_loaded(self) -> bool:
        return self.module_path is not None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def share(self) -> Path:
        return self.root / "share"

    def share_dir(self, location: str) -> Path:
        for d, loc, _, _ in SHARES:
            if loc == location:
                return self.root / d
        raise KeyError(location)

    def render_conf(self, extra_conf: str | None = None, port: int | None = None) -> str:
        extra = self.extra_conf if extra_conf is None else extra_conf
        port = port or self.port or 0
        r = self.root
        lines = [
            f'ServerRoot "{r}"',
            f'DefaultRuntimeDir "{r}/run"',
            f'PidFile "{r}/logs/httpd.pid"',
            f"Listen 127.0.0.1:{port}",
            f"ServerName {self.server_name or f'127.0.0.1:{port}'}",
            f"User {RUN_USER}",
            f"Group {RUN_GROUP}",
            "",
        ]
        for ident, fname in BASE_MODULES:
            if ident == "mpm_event_module" and self.mpm != "event":
                ident, fname = f"mpm_{self.mpm}_module", f"mod_mpm_{self.mpm}.so"
            lines.append(f'LoadModule {ident} "{MODULE_DIR / fname}"')
        for ident, fname in self.extra_modules:
            lines.append(f'LoadModule {ident} "{MODULE_DIR / fname}"')
        if self.module_path:
            lines.append(f'LoadModule retrywith_module "{self.module_path}"')
        lines += [
            "",
        ]
        if self.mpm == "prefork":
            lines += ["StartServers 4", "MinSpareServers 2", "MaxSpareServers 8",
                      "ServerLimit 8", "MaxRequestWorkers 8"]
        else:
            lines += ["StartServers 1", "ServerLimit 4", "ThreadsPerChild 25",
                      "MinSpareThreads 25", "MaxSpareThreads 75",
                      "MaxRequestWorkers 100"]
        lines += [
            "Timeout 20",
            "KeepAlive On",
            f"Protocols {self.protocols}",
            "TypesConfig /etc/mime.types",
            f'DocumentRoot "{r}/htdocs"',
            f'ErrorLog "{r}/logs/error_log"',
            "LogLevel info" + (" retrywith:info" if self.module_path else ""),
            f'ErrorLogFormat "{ERROR_FORMAT}"',
            f'LogFormat "{ACCESS_FORMAT}" rw',
            f'CustomLog "{r}/logs/access_log" rw',
            f'DavLockDB "{r}/var/DavLock"',
            "",
            "<Directory />",
            "    AllowOverride None",
            "    Require all denied",
            "</Directory>",
            f'<Directory "{r}/htdocs">',
            "    Require all granted",
            "</Directory>",
        ]
        for d, loc, baseconf, modconf in SHARES:
            lines += [
                "",
                f'Alias "{loc}" "{r}/{d}/"',
                f'<Directory "{r}/{d}">',
                "    Dav On",
                "    Options None",
                "    AllowOverride None",
                "    Require all granted",
            ]
            if baseconf:
                lines += ["    " + ln for ln in baseconf.splitlines()]
            if modconf and self.module_path:
                lines += ["    " + ln for ln in modconf.splitlines()]
            lines.append("</Directory>")
        if extra:
            lines += ["", "# ---- extra configuration ----", extra]
        return "\n".join(lines) + "\n"

    def write_conf(self, extra_conf: str | None = None) -> None:
        self.conf_path.write_text(self.render_conf(extra_conf))

    # ---- processes ----------------------------------------------------

    def _ctl(self, *args: str, conf: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run(
            [APACHE2, "-f", str(conf or self.conf_path), "-d", str(self.root), *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            timeout=timeout, env=_apache_env())

    def config_test(self, extra_conf: str | None = None) -> tuple[int, str]:
        """Runs `apache2 -t` on this root's configuration with extra_conf;
        the running server's file is left alone."""
        conf = self.root / "conf" / f"test-{uuid.uuid4().hex[:8]}.conf"
        conf.write_text(self.render_conf(extra_conf, port=self.port or free_port()))
        try:
            p = self._ctl("-t", conf=conf)
            return p.returncode, p.stdout
        finally:
            conf.unlink()

    def start(self, extra_conf: str | None = None, attempts: int = 5) -> "HttpdServer":
        if extra_conf is not None:
            self.extra_conf = extra_conf
        last = ""
        for _ in range(attempts):
            self.port = free_port()
            self.write_conf()
            mark = self.error_log.stat().st_size if self.error_log.exists() else 0
            p = self._ctl("-k", "start")
            if p.returncode == 0 and self._wait_started(mark):
                _running.append(self)
                return self
            last = p.stdout + "\n" + self._read_from(self.error_log, mark)
            self._kill_leftovers()
            if "Address already in use" in last or "could not bind" in last:
                continue
            break
        raise HttpdError(f"httpd ({self.name}) failed to start:\n{last}")

    def _read_pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def _wait_started(self, mark: int, timeout: float = 20) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid = self._read_pid()
            if pid and _alive(pid):
                self.pid = pid
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                        s.sendall(b"OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                  b"Connection: close\r\n\r\n")
                        s.settimeout(5)
                        if s.recv(12).startswith(b"HTTP/1.1"):
                            return True
                except OSError:
                    pass
            elif pid is None and "AH00015" in self._read_from(self.error_log, mark):
                return False
            time.sleep(0.05)
        return False

    def _wait_generation(self, mark: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self._read_from(self.error_log, mark)
            if "resuming normal operations" in text:
                # the children of the new generation are accepting once
                # a request is answered
                self.wait_ready()
                return
            time.sleep(0.05)
        raise HttpdError("httpd did not resume after the restart:\n"
                         + self._read_from(self.error_log, mark))

    def wait_ready(self, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                r = self.request("GET", "/index.html", timeout=5)
                if r.status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise HttpdError("httpd does not answer")
            time.sleep(0.05)

    def reload(self, extra_conf: str | None = None, graceful: bool = True,
               module_path: str | None | bool = False) -> None:
        """Writes the configuration anew (extra_conf, and module_path if not
        False) and restarts the server: graceful, or a full restart."""
        if extra_conf is not None:
            self.extra_conf = extra_conf
        if module_path is not False:
            self.module_path = module_path
        self.write_conf()
        mark = self.error_log.stat().st_size
        p = self._ctl("-k", "graceful" if graceful else "restart")
        if p.returncode != 0:
            raise HttpdError(f"restart failed: {p.stdout}")
        self._wait_generation(mark)

    def stop(self, timeout: float = 20) -> None:
        try:
            if self.pid and _alive(self.pid):
                self._ctl("-k", "stop")
                deadline = time.monotonic() + timeout
                while _alive(self.pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
        finally:
            self._kill_leftovers()
            if self in _running:
                _running.remove(self)

    def _kill_leftovers(self) -> None:
        pid = self.pid or self._read_pid()
        if not pid:
            return
        # apache2 -k start detaches with setsid: its process group is its pid.
        for target in (lambda: os.killpg(pid, signal.SIGKILL),
                       lambda: os.kill(pid, signal.SIGKILL)):
            try:
                if _alive(pid) or _group_alive(pid):
                    target()
            except ProcessLookupError:
                pass
            except PermissionError:
                pass
        deadline = time.monotonic() + 5
        while (_alive(pid) or _group_alive(pid)) and time.monotonic() < deadline:
            time.sleep(0.05)

    def __enter__(self) -> "HttpdServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- logs ---------------------------------------------------------

    @staticmethod
    def _read_from(path: Path, offset: int) -> str:
        """The complete lines from offset on: httpd writes a log line after
        the response, so a reader can catch the last one half written."""
        try:
            with open(path, "rb") as f:
                f.seek(offset)
                data = f.read()
        except FileNotFoundError:
            return ""
        return data[:data.rfind(b"\n") + 1].decode("utf-8", "replace")

    def mark(self) -> LogMark:
        def size(p: Path) -> int:
            # the end of the last complete line, for the same reason
            try:
                with open(p, "rb") as f:
                    end = f.seek(0, 2)
                    start = max(0, end - 65536)
                    f.seek(start)
                    data = f.read(end - start)
            except FileNotFoundError:
                return 0
            return start + data.rfind(b"\n") + 1
        return LogMark(size(self.error_log), size(self.access_log))

    def error_lines(self, since: LogMark | None = None) -> list[str]:
        return self._read_from(self.error_log, since.error if since else 0).splitlines()

    def access_lines(self, since: LogMark | None = None) -> list[str]:
        return self._read_from(self.access_log, since.access if since else 0).splitlines()

    def access_entries(self, since: LogMark | None = None) -> list[dict]:
        out = []
        for line in self.access_lines(since):
            m = ACCESS_RE.match(line)
            if not m:
                raise AssertionError(f"unparsable access log line: {line!r}")
            d = m.groupdict()
            d["line"] = line
            out.append(d)
        return out

    def access_entry(self, rid: str, timeout: float = 5) -> dict:
        """The access log entry of the request tagged rid (it is written
        after the response, so wait for it)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [e for e in self.access_entries() if e["rid"] == rid]
            if found:
                assert len(found) == 1, found
                return found[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no access log entry for {rid}")
            time.sleep(0.02)

    def error_lines_for(self, rid: str, settle: float = 0.0) -> list[str]:
        if settle:
            time.sleep(settle)
        tag = f"[rid {rid}]"
        return [ln for ln in self.error_lines() if tag in ln]

    # ---- share --------------------------------------------------------

    def share_checksum(self, dirs: Iterable[str] | None = None) -> str:
        """sha256 over every path, type, and file content below the shares
        (all of them unless dirs names some)."""
        h = hashlib.sha256()
        for d in (dirs or [s[0] for s in SHARES]):
            base = self.root / d
            for dirpath, dirnames, filenames in sorted(os.walk(base)):
                dirnames.sort()
                rel = os.path.relpath(dirpath, self.root)
                h.update(b"D\0" + rel.encode() + b"\0")
                h.update(("\0".join(sorted(dirnames + filenames))).encode() + b"\0")
                for fn in sorted(filenames):
                    p = Path(dirpath) / fn
                    h.update(b"F\0" + str(p.relative_to(self.root)).encode() + b"\0")
                    if p.is_symlink():
                        h.update(b"L" + os.readlink(p).encode())
                    else:
                        h.update(p.read_bytes())
        return h.hexdigest()

    def share_tree(self, d: str = "share") -> dict[str, bytes | None]:
        """{relative path: content (None for a directory)} below a share."""
        base = self.root / d
        out: dict[str, bytes | None] = {}
        for dirpath, dirnames, filenames in os.walk(base):
            for dn in dirnames:
                out[os.path.relpath(os.path.join(dirpath, dn), base)] = None
            for fn in filenames:
                p = os.path.join(dirpath, fn)
                out[os.path.relpath(p, base)] = Path(p).read_bytes()
        return out

    # ---- clients ------------------------------------------------------

    def request(self, method: str, path: str, headers: dict | list | None = None,
                body: bytes | str | None = None, *, rid: str | None = None,
                timeout: float = 30) -> Response:
        """One request through http.client (a fresh connection)."""
        rid = rid or new_rid()
        hdrs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        hdrs.append((RID_HEADER, rid))
        if isinstance(body, str):
            body = body.encode("utf-8")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            names = {k.lower() for k, _ in hdrs}
            if body is not None and "content-length" not in names \
                    and "transfer-encoding" not in names:
                hdrs.append(("Content-Length", str(len(body))))
            for k, v in hdrs:
                conn.putheader(k, v)
            conn.endheaders(body)
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, r.reason, list(r.getheaders()), data, rid=rid)
        finally:
            conn.close()

    def raw(self, data: bytes, *, shutdown_write: bool = False, timeout: float = 15,
            until_eof: bool = False, head: bool = False,
            after_headers: bytes | None = None) -> RawResult:
        """Sends exact bytes on a new connection and reads the answer.

        Returns once a final response is complete (or at EOF when until_eof).
        With shutdown_write the sending side is closed after data.
        after_headers, if given, is sent only after an interim response or
        after a short pause, whichever comes first (an Expect: 100-continue
        client)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        buf = b""
        eof = False
        try:
            s.sendall(data)
            if shutdown_write:
                s.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + timeout
            sent_rest = after_headers is None
            while True:
                resps, complete = parse_responses(buf, eof, head)
                if not sent_rest and (any(r.status < 200 for r in resps)):
                    s.sendall(after_headers)
                    sent_rest = True
                if eof or (complete and not until_eof):
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"raw request timed out; got {buf[:2000]!r}")
                s.settimeout(min(left, 1.0) if not sent_rest else left)
                try:
                    chunk = s.recv(65536)
                except socket.timeout:
                    if not sent_rest:
                        s.sendall(after_headers)
                        sent_rest = True
                    continue
                except ConnectionResetError:
                    eof = True
                    continue
                if not chunk:
                    eof = True
                else:
                    buf += chunk
            resps, _ = parse_responses(buf, eof, head)
            return RawResult(resps, buf, eof)
        finally:
            s.close()


def build_request(method: str, path: str, headers: list[tuple[str, str]] | dict | None = None,
                  body: bytes | None = None, *, rid: str | None = None,
                  content_length: int | None = None, close: bool = True,
                  host: str = "127.0.0.1") -> tuple[bytes, str]:
    """Bytes of an HTTP/1.1 request (headers sent exactly as given, encoded
    as latin-1), plus its rid."""
    rid = rid or new_rid()
    hdrs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    names = {k.lower() for k, _ in hdrs}
    lines = [f"{method} {path} HTTP/1.1"]
    if "host" not in names:
        lines.append(f"Host: {host}")
    lines += [f"{k}: {v}" for k, v in hdrs]
    lines.append(f"{RID_HEADER}: {rid}")
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    elif body is not None and "content-length" not in names \
            and "transfer-encoding" not in names:
        lines.append(f"Content-Length: {len(body)}")
    if close and "connection" not in names:
        lines.append("Connection: close")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return data + (body or b""), rid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie is not alive for our purposes
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def _apache_env() -> dict:
    env = {k: v for k, v in os.environ.items()}
    env.setdefault("LANG", "C")
    # A sanitizer build of the module needs its runtime preloaded into httpd
    # only (not into pytest or the clients): tools/sanitize.sh sets this.
    pre = os.environ.get("RETRYWITH_HTTPD_PRELOAD")
    if pre:
        env["LD_PRELOAD"] = pre
    return env
