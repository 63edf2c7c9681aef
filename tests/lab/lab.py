#!/usr/bin/python3
"""Client compatibility lab: real WebDAV clients against mod_retrywith.

For each scenario (a fresh httpd with mod_dav_fs and the module, on a free
127.0.0.1 port) every client runs the same scripted session, one operation
at a time: list, upload, download, mkdir, copy, move, lock, unlock, set and
read a property, delete. Per operation the lab records

  - the client side: did the operation succeed, and what did the client
    tell its user (its message, and whether that names the sub-status or the
    module's reason, only the HTTP status, or neither);
  - the server side: the access-log lines the operation caused (status,
    %{retrywith-substatus}n, %{retrywith-echo}n, Ms-Echo-Reply, User-Agent),
    and from them what became of each 449: satisfied (a retry with
    Ms-Echo-Reply went through), still lacking (the retry got 449-final),
    bad echo, looped (449 after 449 without a retry) or abandoned.

Before an operation the lab puts the share in the state the operation needs
(e.g. the file to download), writing the share directly, so that one
refused operation does not fail the ones after it.

It writes out/matrix.md and out/matrix.html (self-contained) and, with
--update, MATRIX.md, matrix.html and the README's matrix. Usage:

    tests/lab/run.sh [--update] [--only client,...] [--scenarios name,...]
"""

from __future__ import annotations

import argparse
import grp
import html
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from httpd import MODULE_DIR, RUN_GROUP, RUN_USER, HttpdServer  # noqa: E402
import http.client  # noqa: E402

OPS = ["list", "upload", "download", "mkdir", "copy", "move", "lock", "unlock",
       "setprop", "readprop", "delete"]
PAYLOAD = b"mod_retrywith client lab\n" * 40
SECRET = "lab-secret-0123456789abcdef"
# the lab's own requests (seeding the share, checking it): not a client's
HARNESS_AGENT = "mod_retrywith-lab-harness"
NS = "urn:lab"

# One tab-separated line per request; httpd escapes tabs inside values.
LAB_LOG = ("%{sec}t.%{usec_frac}t\\t%m\\t%U\\t%>s\\t%{retrywith-substatus}n\\t"
           "%{retrywith-echo}n\\t%{Ms-Echo-Reply}i\\t%{User-Agent}i")

# (name, what it tests, directives for /lab, module loaded)
SCENARIOS = [
    ("baseline", "mod_dav alone (module not loaded): what each client does without the module", "", False),
    ("plain", "the module's checks with no policy: 400.x only for malformed requests", "", True),
    ("require-header", "449 on PUT until the client adds `X-Lab-Ack: yes`",
     'RetryWithRequireHeader X-Lab-Ack=yes methods=PUT text="the lab asks for an acknowledgement"', True),
    ("require-property", "449 on PROPPATCH until it also sets `{urn:lab}owner`",
     "RetryWithRequireProperty {urn:lab}owner methods=PROPPATCH", True),
    ("require-lock-owner", "449 on LOCK without `DAV:owner`", "RetryWithRequireLockOwner", True),
    ("retry-prop-list", "449 on PROPFIND `allprop`/`propname`/empty body: name the properties",
     "RetryWithRetryPropList", True),
    ("retry-depth", "449 on PROPFIND of infinite depth on a collection: ask Depth 1",
     "RetryWithRetryDepth", True),
    ("bare-lock-token", "the Windows leniency on: `Lock-Token` without `<>` accepted and bracketed for mod_dav",
     "RetryWithBareLockToken On", True),
    # a malformed answer: the 449 of require-header without its
    # Ms-Echo-Request (mod_headers strips it), which [MS-WDV] does not allow;
    # a client must give up, not loop
    ("probe-449-no-echo", "probe: the require-header 449 without `Ms-Echo-Request` (a malformed answer)",
     'RetryWithRequireHeader X-Lab-Ack=yes methods=PUT text="the lab asks for an acknowledgement"\n'
     "Header always unset Ms-Echo-Request", True),
]
PROBE_MODULES = {"probe-449-no-echo": "headers_module mod_headers.so"}


# --------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------

@dataclass
class LogLine:
    method: str
    path: str
    status: int
    note: str
    echo: str
    echo_reply: bool
    agent: str


@dataclass
class OpResult:
    op: str
    state: str                  # ok | fail | n/a | skipped
    message: str = ""           # what the client told its user (whole)
    lines: list[LogLine] = field(default_factory=list)

    @property
    def statuses(self) -> list[str]:
        return [f"{l.method} {l.status}{' ' + l.note if l.note else ''}"
                f"{' [echo]' if l.echo_reply else ''}" for l in self.lines]

    def retry449(self) -> str:
        """What became of the 449s of this operation ('' if none)."""
        n449 = sum(1 for l in self.lines if l.status == 449)
        if not n449:
            return ""
        retries = [l for l in self.lines if l.echo_reply]
        if any(l.status < 400 and not l.note for l in retries):
            return "satisfied"
        if any(l.note == "449-final" for l in retries):
            return "still lacking"
        if any(l.note.startswith("449-echo-") for l in retries):
            return "bad echo"
        # the same request (method and path) refused again without the
        # echo: a loop (rclone's retries). 449s on different paths (a client
        # probing one directory after another) are not
        per: dict = {}
        for l in self.lines:
            if l.status == 449 and not l.echo_reply:
                per[(l.method, l.path)] = per.get((l.method, l.path), 0) + 1
        if per and max(per.values()) > 1:
            return f"looped ({max(per.values())}x 449)"
        return "abandoned"

    def surfaced(self) -> str:
        """How a failure reached the user."""
        m = self.message
        if m.startswith("the client reported success"):
            return "silent (reported success)"
        # the sub-status, or the module's sentence (from its DAV:error body)
        if re.search(r"400\.[1-9]|Retry this request|still lacks|<m:human-readable", m):
            return "reason shown"
        if re.search(r"\b(4\d\d|5\d\d)\b|Bad Request|Retry With|Forbidden|Precondition", m):
            return "status shown"
        return "no reason"

    def refused_by_module(self) -> bool:
        return any(l.note for l in self.lines)


@dataclass
class Cell:
    client: str
    scenario: str
    ops: list[OpResult] = field(default_factory=list)
    note: str = ""              # e.g. why a client could not run
    extra: dict = field(default_factory=dict)   # litmus: counts
    version: str = ""           # what the client said of itself

    def verdict(self, baseline: "Cell | None") -> tuple[str, str]:
        """(colour, summary). green: all fine; amber: only policy refusals
        that the client reported (or 449s it could not satisfy); red: an
        operation failed outside a policy, a loop, or a silent failure;
        grey: not run."""
        if self.note and not self.ops and not self.extra:
            return "grey", self.note
        if self.extra:
            return self._litmus_verdict(baseline)
        run = [o for o in self.ops if o.state in ("ok", "fail")]
        ok = sum(1 for o in run if o.state == "ok")
        fails = [o for o in run if o.state == "fail"]
        sat = sum(1 for o in self.ops if o.retry449() == "satisfied")
        summary = f"{ok}/{len(run)} ops"
        if sat:
            summary += f", {sat} × 449 satisfied"
        colour = "green"
        excused = 0
        for o in fails:
            base = next((b for b in baseline.ops if b.op == o.op), None) if baseline else None
            if base is not None and base.state == "fail":
                excused += 1
                continue   # fails without the module too: not the module's doing
            r = o.retry449()
            if r.startswith("looped") or o.surfaced().startswith("silent") \
                    or (o.surfaced() == "no reason" and o.refused_by_module()):
                colour = "red"
            elif r in ("abandoned", "still lacking", "bad echo"):
                colour = "red" if colour == "red" else "amber"
            else:
                colour = "red"
        loops = [o for o in self.ops if o.retry449().startswith("looped")]
        if loops:
            colour = "red"
        if excused:
            summary += f" ({excused} fails without the module too)"
        return colour, summary

    def _litmus_verdict(self, baseline: "Cell | None") -> tuple[str, str]:
        e = self.extra
        summary = f"{e['passed']}/{e['passed'] + e['failed']} tests"
        base_failed = set(baseline.extra.get("failed_names", [])) if baseline and baseline.extra else set()
        worse = [n for n in e["failed_names"] if n not in base_failed]
        if not worse:
            return "green", summary
        # litmus sends malformed requests on purpose (400.x in every
        # scenario); more failures where the policy answered 449 are the
        # policy's
        if e.get("n449"):
            return "amber", summary + f", {len(worse)} more failures (449s)"
        return "red", summary + f", {len(worse)} more failures"


# --------------------------------------------------------------------------
# the server of one scenario
# --------------------------------------------------------------------------

class Lab:
    def __init__(self, workdir: Path, module: Path):
        self.workdir = workdir
        self.module = module
        self.uid = pwd.getpwnam(RUN_USER).pw_uid
        self.gid = grp.getgrnam(RUN_GROUP).gr_gid

    def start(self, name: str, directives: str, with_module: bool,
              clients: list | tuple = ()) -> "Scenario":
        root = self.workdir / name
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        # a client may bring its own server side (svn: a repository served
        # by mod_dav_svn), with the scenario's directives where it applies
        modules, own_conf = [], ""
        for cls in clients:
            if hasattr(cls, "server") and not (cls.available() if hasattr(cls, "available") else ""):
                mods, conf = cls.server(root, with_module, directives)
                modules += [m for m in mods if m not in modules]
                own_conf += conf
        srv = HttpdServer(root, module_path=self.module if with_module else None, name=name,
                          extra_modules=modules)
        lab = root / "lab"
        lab.mkdir()
        os.chown(lab, self.uid, self.gid)
        mod = ""
        if with_module:
            mod = (f'    RetryWithSecret "{SECRET}"\n    RetryWithEchoLifetime 30\n'
                   + "".join(f"    {d}\n" for d in directives.splitlines()))
        load = PROBE_MODULES.get(name, "")
        if load:
            ident, so = load.split()
            load = f'LoadModule {ident} "{MODULE_DIR / so}"\n'
        srv.start(extra_conf=load + f"""\
LogFormat "{LAB_LOG}" lab
CustomLog "{root}/logs/lab_log" lab
Alias /lab "{lab}/"
<Directory "{lab}">
    Dav On
    Options None
    AllowOverride None
    Require all granted
{mod}</Directory>
""" + ("""<Location /rw-status>
    SetHandler retrywith-status
</Location>
""" if with_module else "") + own_conf)
        return Scenario(self, srv, lab)


class Scenario:
    def __init__(self, lab: Lab, srv: HttpdServer, share: Path):
        self.lab, self.srv, self.share = lab, srv, share
        self.log = srv.root / "logs" / "lab_log"

    def url(self, coll: str, name: str = "") -> str:
        return f"{self.srv.base_url}/lab/{coll}/{name}"

    def path(self, coll: str, name: str = "") -> str:
        return f"/lab/{coll}/{name}"

    def collection(self, coll: str) -> Path:
        d = self.share / coll
        d.mkdir(exist_ok=True)
        os.chown(d, self.lab.uid, self.lab.gid)
        return d

    def put_file(self, coll: str, name: str, data: bytes = PAYLOAD) -> None:
        p = self.collection(coll) / name
        p.write_bytes(data)
        os.chown(p, self.lab.uid, self.lab.gid)

    def remove(self, coll: str, name: str) -> None:
        p = self.share / coll / name
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()

    def seed_property(self, coll: str, name: str) -> None:
        """Sets {urn:lab}project (and {urn:lab}owner, which one scenario
        requires) the way a client would, through mod_dav."""
        body = (f'<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:L="{NS}">'
                f'<D:set><D:prop><L:project>lab</L:project><L:owner>lab</L:owner></D:prop>'
                f'</D:set></D:propertyupdate>').encode()
        raw_request(self.srv.port, "PROPPATCH", self.path(coll, name),
                    {"Content-Type": "application/xml"}, body)

    def mark(self) -> int:
        """The log's size once it has settled: a line is written just after
        its response, so an earlier request's line may still be coming."""
        last, stable = -1, 0
        while stable < 3:
            size = self.log.stat().st_size if self.log.exists() else 0
            stable = stable + 1 if size == last else 0
            last = size
            time.sleep(0.03)
        return last

    def lines_since(self, offset: int) -> list[LogLine]:
        """The clients' lines since offset (the lab's own are left out)."""
        self.mark()
        out = []
        with open(self.log, "rb") as f:
            f.seek(offset)
            for raw in f.read().decode("utf-8", "replace").splitlines():
                parts = raw.split("\t")
                if len(parts) < 8:
                    continue
                _, m, path, st, note, echo, reply, agent = parts[:8]
                if agent == HARNESS_AGENT:
                    continue
                out.append(LogLine(m, urllib.parse.unquote(path), int(st),
                                   "" if note == "-" else note, "" if echo == "-" else echo,
                                   reply not in ("", "-"), agent))
        return out

    def status(self) -> dict | None:
        try:
            st, _, body = raw_request(self.srv.port, "GET", "/rw-status?json", {}, None)
            return json.loads(body) if st == 200 else None
        except Exception:
            return None

    def stop(self) -> None:
        self.srv.stop()


def raw_request(port: int, method: str, path: str, headers: dict, body: bytes | None,
                timeout: float = 30) -> tuple[int, dict, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, body=body, headers={"User-Agent": HARNESS_AGENT, **headers})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


# --------------------------------------------------------------------------
# clients: each returns {op: (state, message)} for the ops it was given
# --------------------------------------------------------------------------

PROPPATCH_BODY = (f'<?xml version="1.0" encoding="utf-8"?><D:propertyupdate xmlns:D="DAV:" '
                  f'xmlns:L="{NS}"><D:set><D:prop><L:project>lab</L:project></D:prop></D:set>'
                  f'</D:propertyupdate>')
PROPFIND_BODY = (f'<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" '
                 f'xmlns:L="{NS}"><D:prop><L:project/></D:prop></D:propfind>')
LOCK_BODY = ('<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:">'
             '<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype>'
             '</D:lockinfo>')


def run(cmd: list[str], *, cwd: Path, env: dict | None = None, stdin: str | None = None,
        timeout: float = 120) -> tuple[int, str]:
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, input=stdin, capture_output=True,
                           text=True, encoding="utf-8", errors="replace", timeout=timeout)
        return p.returncode, (p.stdout + p.stderr)
    except subprocess.TimeoutExpired as e:
        out = b"".join(x for x in (e.stdout, e.stderr) if isinstance(x, bytes))
        return 124, f"timed out after {timeout:.0f} s: " + out.decode("utf-8", "replace")


def excerpt(s: str, n: int = 300) -> str:
    """A client's message for the report: a DAV:error body printed as is
    (curl) is shown by its human-readable sentence."""
    m = re.search(r"<m:human-readable[^>]*>(.*?)</m:human-readable>", s, re.S)
    if m:
        return short("[DAV:error body] " + html.unescape(m.group(1)), n)
    return short(s, n)


def short(s: str, n: int = 240) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[:n] + "…"


class CurlClient:
    name = "curl"
    kind = "command-line HTTP client (no DAV logic: each operation is a hand-written request)"

    def __init__(self, sc: Scenario, coll: str, work: Path):
        self.sc, self.coll, self.work = sc, coll, work

    def version(self) -> str:
        return run(["curl", "--version"], cwd=self.work)[1].split("\n")[0]

    def op(self, op: str) -> tuple[str, str]:
        u = lambda n="": self.sc.url(self.coll, n)  # noqa: E731
        base = ["curl", "-sS", "--fail-with-body", "-o", "-"]
        xml = ["-H", "Content-Type: application/xml; charset=utf-8"]
        cmds = {
            "list": base + ["-X", "PROPFIND", "-H", "Depth: 1", u()],
            "upload": base + ["-T", str(self.work / "up.txt"), u("up.txt")],
            "download": base[:-2] + ["-o", str(self.work / "down.txt"), u("up.txt")],
            "mkdir": base + ["-X", "MKCOL", u("newdir")],
            "copy": base + ["-X", "COPY", "-H", f"Destination: {u('copy.txt')}", u("up.txt")],
            "move": base + ["-X", "MOVE", "-H", f"Destination: {u('moved.txt')}", u("copy.txt")],
            "lock": base + ["-X", "LOCK", "-D", str(self.work / "lock.h")] + xml
                    + ["--data-binary", LOCK_BODY, u("up.txt")],
            "setprop": base + ["-X", "PROPPATCH"] + xml + ["--data-binary", PROPPATCH_BODY, u("up.txt")],
            "readprop": base + ["-X", "PROPFIND", "-H", "Depth: 0"] + xml
                        + ["--data-binary", PROPFIND_BODY, u("up.txt")],
            "delete": base + ["-X", "DELETE", u("moved.txt")],
        }
        if op == "unlock":
            tok = ""
            try:
                m = re.search(r"(?im)^Lock-Token:\s*(\S+)", (self.work / "lock.h").read_text())
                tok = m.group(1) if m else ""
            except OSError:
                pass
            cmds["unlock"] = base + ["-X", "UNLOCK", "-H", f"Lock-Token: {tok}", u("up.txt")]
        rc, out = run(cmds[op], cwd=self.work)
        if rc == 0 and op == "download" and (self.work / "down.txt").read_bytes() != PAYLOAD:
            return "fail", "downloaded bytes differ"
        if rc == 0 and op == "readprop" and ">lab<" not in out:
            return "fail", "property value not in the answer: " + out
        return ("ok", "") if rc == 0 else ("fail", out)


class CadaverClient:
    name = "cadaver"
    kind = "interactive command-line DAV client (neon)"
    commands = {
        "list": "ls", "upload": "put up.txt up.txt", "download": "get up.txt down.txt",
        "mkdir": "mkcol newdir", "copy": "copy up.txt copy.txt", "move": "move copy.txt moved.txt",
        "lock": "lock up.txt", "unlock": "unlock up.txt",
        "setprop": "propset up.txt project lab", "readprop": "propget up.txt project",
        "delete": "rm moved.txt",
    }

    def __init__(self, sc: Scenario, coll: str, work: Path):
        self.sc, self.coll, self.work = sc, coll, work
        # no ~/.netrc or ~/.cadaverrc; properties in the lab's namespace
        (work / ".cadaverrc").write_text(f"set namespace {NS}\n")

    def version(self) -> str:
        return short(run(["cadaver", "--version"], cwd=self.work,
                         env=dict(os.environ, HOME=str(self.work)))[1].split("\n")[0], 80)

    def op(self, op: str) -> tuple[str, str]:
        # cadaver keeps lock tokens per session: unlock runs in the session
        # that locked (its LOCK lines are the lock operation's, done before)
        script = f"open {self.sc.url(self.coll)}\n"
        if op == "unlock":
            script += "lock up.txt\n"
        script += self.commands[op] + "\nquit\n"
        rc, out = run(["cadaver"], cwd=self.work, stdin=script,
                      env=dict(os.environ, HOME=str(self.work)))
        tail = out
        if op == "unlock":
            tail = out[out.rfind("Unlocking"):] if "Unlocking" in out else out
        # the prompts and the goodbye are not messages
        tail = re.sub(r"dav:[^>\n]*> ?", "", tail)
        tail = re.sub(r"Connection to `[^']*' closed\.", "", tail).strip()
        if re.search(r"(?i)failed|error|not found|could not", tail):
            return "fail", tail
        if op == "readprop" and "lab" not in tail:
            return "fail", tail
        if op == "download" and (self.work / "down.txt").exists() \
                and (self.work / "down.txt").read_bytes() != PAYLOAD:
            return "fail", "downloaded bytes differ"
        return "ok", ""


class RcloneClient:
    name = "rclone"
    kind = "sync tool, WebDAV backend (vendor other)"

    def __init__(self, sc: Scenario, coll: str, work: Path):
        self.sc, self.coll, self.work = sc, coll, work
        (work / "rclone.conf").touch()
        self.env = dict(os.environ, HOME=str(work), RCLONE_CONFIG=str(work / "rclone.conf"),
                        RCLONE_CONFIG_LAB_TYPE="webdav", RCLONE_CONFIG_LAB_URL=sc.url(coll),
                        RCLONE_CONFIG_LAB_VENDOR="other")

    def version(self) -> str:
        return run(["rclone", "version"], cwd=self.work, env=self.env)[1].split("\n")[0]

    def op(self, op: str) -> tuple[str, str]:
        cmds = {
            "list": ["lsjson", "LAB:"],
            "upload": ["copyto", str(self.work / "up.txt"), "LAB:up.txt"],
            "download": ["copyto", "LAB:up.txt", str(self.work / "down.txt")],
            "mkdir": ["mkdir", "LAB:newdir"],
            "copy": ["copyto", "LAB:up.txt", "LAB:copy.txt"],
            "move": ["moveto", "LAB:copy.txt", "LAB:moved.txt"],
            "delete": ["deletefile", "LAB:moved.txt"],
        }
        if op not in cmds:
            return "n/a", "rclone has no such operation"
        rc, out = run(["rclone", *cmds[op]], cwd=self.work, env=self.env)
        if rc == 0 and op == "download" and (self.work / "down.txt").read_bytes() != PAYLOAD:
            return "fail", "downloaded bytes differ"
        return ("ok", "") if rc == 0 else ("fail", out)


class NodeClient:
    name = "node webdav"
    kind = "Node.js library `webdav` from npm, used as applications use it"
    dir = HERE / "clients" / "node"

    def __init__(self, sc: Scenario, coll: str, work: Path):
        self.sc, self.coll, self.work = sc, coll, work

    @classmethod
    def available(cls) -> str:
        if not (cls.dir / "node_modules" / "webdav").is_dir():
            return "npm package `webdav` not installed (tests/lab/run.sh installs it)"
        return ""

    def version(self) -> str:
        try:
            v = json.loads((self.dir / "node_modules" / "webdav" / "package.json").read_text())["version"]
        except Exception:
            v = "?"
        return f"webdav {v}, node {run(['node', '--version'], cwd=self.work)[1].strip()}"

    def op(self, op: str) -> tuple[str, str]:
        rc, out = run(["node", str(self.dir / "session.mjs"), op, self.sc.url(self.coll),
                       str(self.work)], cwd=self.work)
        try:
            res = json.loads(out.strip().splitlines()[-1])
        except Exception:
            return "fail", "driver output: " + short(out)
        return ("ok", "") if res.get("ok") else ("fail", str(res.get("message", "")))


class ReferenceClient:
    """The lab's own client ([MS-WDV] §3.1.5.2): on 449 it reads what the
    answer asks for (R:missing), adds it, and retries once with
    Ms-Echo-Reply. A positive control: it shows that a client can satisfy
    every policy, and that the lab sees it."""
    name = "reference (lab)"
    kind = "the lab's [MS-WDV] retry client: positive control, not a third-party client"

    def __init__(self, sc: Scenario, coll: str, work: Path):
        self.sc, self.coll, self.work = sc, coll, work

    def version(self) -> str:
        return "tests/lab/lab.py ReferenceClient"

    def request(self, method, path, headers, body):
        headers = dict(headers, **{"User-Agent": "mod_retrywith-lab-reference/1.0"})
        st, h, b = raw_request(self.sc.srv.port, method, path, headers, body)
        if st != 449 or "ms-echo-request" not in h:
            return st, h, b
        headers["Ms-Echo-Reply"] = h["ms-echo-request"]
        try:
            root = ET.fromstring(b)
        except ET.ParseError:
            return st, h, b
        for m in root.iter("{urn:mod-retrywith:error}missing"):
            kind, name, value = m.get("kind"), m.get("name", ""), m.get("value")
            if kind == "header":
                if name.lower() == "depth":
                    headers["Depth"] = value or "1"
                else:
                    headers[name] = value or "yes"
            elif kind == "property" and body:
                ns, local = re.match(r"\{([^}]*)\}(.*)", name).groups()
                body = body.replace(b"</D:prop>", f'<X:{local} xmlns:X="{ns}">lab</X:{local}></D:prop>'.encode(), 1)
            elif kind == "lockinfo" and body:
                body = body.replace(b"</D:lockinfo>", b"<D:owner>lab reference client</D:owner></D:lockinfo>", 1)
            elif kind == "propfind":
                body = PROPFIND_BODY.encode()
        return raw_request(self.sc.srv.port, method, path, headers, body)

    def op(self, op: str) -> tuple[str, str]:
        p = lambda n="": self.sc.path(self.coll, n)  # noqa: E731
        u = lambda n="": self.sc.url(self.coll, n)  # noqa: E731
        xml = {"Content-Type": "application/xml; charset=utf-8"}
        plan = {
            "list": ("PROPFIND", p(), {"Depth": "1"}, None),
            "upload": ("PUT", p("up.txt"), {}, PAYLOAD),
            "download": ("GET", p("up.txt"), {}, None),
            "mkdir": ("MKCOL", p("newdir"), {}, None),
            "copy": ("COPY", p("up.txt"), {"Destination": u("copy.txt")}, None),
            "move": ("MOVE", p("copy.txt"), {"Destination": u("moved.txt")}, None),
            "lock": ("LOCK", p("up.txt"), dict(xml, Timeout="Second-60"), LOCK_BODY.encode()),
            "unlock": ("UNLOCK", p("up.txt"), {"Lock-Token": getattr(self, "token", "<none>")}, None),
            "setprop": ("PROPPATCH", p("up.txt"), xml, PROPPATCH_BODY.encode()),
            "readprop": ("PROPFIND", p("up.txt"), dict(xml, Depth="0"), PROPFIND_BODY.encode()),
            "delete": ("DELETE", p("moved.txt"), {}, None),
        }
        st, h, b = self.request(*plan[op])
        if op == "lock" and "lock-token" in h:
            self.token = h["lock-token"]
        if op == "download" and st == 200 and b != PAYLOAD:
            return "fail", "downloaded bytes differ"
        if op == "readprop" and st == 207 and b">lab<" not in b:
            return "fail", "property value missing"
        if st < 300 or (op == "setprop" and st == 207):
            return "ok", ""
        return "fail", f"{st}: " + b.decode("utf-8", "replace")


class DavfsClient:
    """davfs2 mounts the share as a file system (FUSE or coda); the session
    is then ordinary file operations."""
    name = "davfs2"
    kind = "file-system mount (mount -t davfs)"

    def __init__(self, sc: Scenario, coll: str, work: Path):
        self.sc, self.coll, self.work = sc, coll, work
        self.mnt = work / "mnt"

    @classmethod
    def available(cls) -> str:
        if not shutil.which("mount.davfs"):
            return "davfs2 is not installed"
        return ""

    def version(self) -> str:
        return short(run(["mount.davfs", "--version"], cwd=self.work)[1].split("\n")[0], 80)

    def mount(self) -> str:
        self.mnt.mkdir(exist_ok=True)
        conf = self.work / "davfs2.conf"
        conf.write_text("use_locks 1\ncache_size 1\ndelay_upload 0\ngui_optimize 0\n")
        rc, out = run(["mount", "-t", "davfs", "-o", f"conf={conf},uid=0,gid=0",
                       self.sc.url(self.coll), str(self.mnt)], cwd=self.work,
                      stdin="\n\n",   # no user name, no password
                      timeout=30)
        return "" if rc == 0 else f"mount failed ({rc}): {short(out, 160)}"

    def umount(self) -> None:
        run(["umount", str(self.mnt)], cwd=self.work, timeout=60)

    def op(self, op: str) -> tuple[str, str]:
        m = self.mnt
        try:
            if op == "list":
                os.listdir(m)
            elif op == "upload":
                shutil.copyfile(self.work / "up.txt", m / "up.txt")
                os.sync()
            elif op == "download":
                if (m / "up.txt").read_bytes() != PAYLOAD:
                    return "fail", "downloaded bytes differ"
            elif op == "mkdir":
                os.mkdir(m / "newdir")
            elif op == "copy":
                shutil.copyfile(m / "up.txt", m / "copy.txt")
                os.sync()
            elif op == "move":
                os.rename(m / "copy.txt", m / "moved.txt")
            elif op == "delete":
                os.unlink(m / "moved.txt")
            else:
                return "n/a", "no such file-system operation"
        except OSError as e:
            return "fail", f"{type(e).__name__}: {e}"
        return "ok", ""


def run3(cmd: list[str], *, cwd: Path, env: dict | None = None,
         timeout: float = 120) -> tuple[int, str, str]:
    """run(), with stdout and stderr apart (a download printed to stdout)."""
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, timeout=timeout)
        return (p.returncode, p.stdout.decode("utf-8", "replace"),
                p.stderr.decode("utf-8", "replace"))
    except subprocess.TimeoutExpired:
        return 124, "", f"timed out after {timeout:.0f} s"


def harness(cmd: list[str], **kw) -> str:
    """A command of the lab's own (setting up or checking a repository
    directly, not over HTTP); raises if it fails."""
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=120, **kw)
    if p.returncode:
        raise RuntimeError(f"lab harness: {' '.join(cmd)}: {p.stdout}{p.stderr}")
    return p.stdout


def chown_r(path: Path) -> None:
    harness(["chown", "-R", f"{RUN_USER}:{RUN_GROUP}", str(path)])


SVN_USER, SVN_PASSWORD = "lab", "lab-password-7"


class SvnClient:
    """Subversion's `svn` through mod_dav_svn: a repository made with
    `svnadmin create` for each scenario, served at /svn (`DAV svn`,
    `SVNPath`, Basic authentication since mod_dav_svn refuses anonymous
    locks) with `RetryWith On` and the scenario's directives. The lab's
    operations map onto svn commands on URLs (setprop: a checkout, propset,
    commit); the lab writes and checks the repository directly (svnmucc on
    file://, svnlook)."""
    name = "svn"
    kind = "Subversion command-line client through mod_dav_svn (`DAV svn`, `RetryWith On`)"
    modules = [("auth_basic_module", "mod_auth_basic.so"),
               ("authn_file_module", "mod_authn_file.so"),
               ("authz_user_module", "mod_authz_user.so"),
               ("dav_svn_module", "mod_dav_svn.so")]
    commands = {
        "list": "svn ls URL", "upload": "svn import up.txt URL/up.txt",
        "download": "svn cat URL/up.txt", "mkdir": "svn mkdir URL/newdir",
        "copy": "svn cp URL/up.txt URL/copy.txt", "move": "svn mv URL/copy.txt URL/moved.txt",
        "lock": "svn lock URL/up.txt", "unlock": "svn unlock URL/up.txt",
        "setprop": "svn checkout --depth files; svn propset project lab up.txt; svn commit",
        "readprop": "svn propget project URL/up.txt", "delete": "svn rm URL/moved.txt",
    }

    @classmethod
    def available(cls) -> str:
        missing = [b for b in ("svn", "svnadmin", "svnlook", "svnmucc") if not shutil.which(b)]
        if not (MODULE_DIR / "mod_dav_svn.so").exists():
            missing.append(str(MODULE_DIR / "mod_dav_svn.so"))
        return ("not installed: " + ", ".join(missing)) if missing else ""

    @classmethod
    def server(cls, root: Path, with_module: bool, directives: str) -> tuple[list, str]:
        repo = root / "svnrepo"
        harness(["svnadmin", "create", str(repo)])
        hook = repo / "hooks" / "pre-revprop-change"
        hook.write_text("#!/bin/sh\nexit 0\n")
        hook.chmod(0o755)
        chown_r(repo)
        htpasswd = root / "svn.htpasswd"
        import base64
        import hashlib
        sha = base64.b64encode(hashlib.sha1(SVN_PASSWORD.encode()).digest()).decode()
        htpasswd.write_text(f"{SVN_USER}:{{SHA}}{sha}\n")
        htpasswd.chmod(0o644)
        mod = ""
        if with_module:
            mod = "    RetryWith On\n" + "".join(f"    {d}\n" for d in directives.splitlines())
        return cls.modules, f"""<Location /svn>
    DAV svn
    SVNPath "{repo}"
    AuthType Basic
    AuthName "mod_retrywith lab"
    AuthBasicProvider file
    AuthUserFile "{htpasswd}"
    Require valid-user
{mod}</Location>
"""

    def __init__(self, sc: Scenario, coll: str, work: Path):
        self.sc, self.work = sc, work
        self.repo = sc.srv.root / "svnrepo"
        self.url = sc.srv.url("/svn")
        self.env = dict(os.environ, HOME=str(work), LANG="C", LC_ALL="C")
        self.common = ["--non-interactive", "--no-auth-cache", "--username", SVN_USER,
                       "--password", SVN_PASSWORD, "--config-dir", str(work / "svn-config")]
        self.n = 0

    def version(self) -> str:
        v = run(["svn", "--version", "--quiet"], cwd=self.work, env=self.env)[1].strip()
        return f"svn {v}, mod_dav_svn (libapache2-mod-svn); {'; '.join(f'{k}: `{c}`' for k, c in self.commands.items())}"

    # ---- the repository, directly -------------------------------------
    def paths(self) -> set[str]:
        out = harness(["svnlook", "tree", "--full-paths", str(self.repo)])
        return {l.strip().rstrip("/") for l in out.splitlines() if l.strip() not in ("", "/")}

    def direct(self, *actions: str) -> None:
        """One commit straight into the repository (svnmucc on file://)."""
        if actions:
            harness(["svnmucc", "--config-dir", str(self.work / "svn-config"), "-U",
                     f"file://{self.repo}", "-m", "lab harness", *actions], cwd=self.work)
            chown_r(self.repo)

    def unlock_all(self) -> None:
        out = harness(["svnadmin", "lslocks", str(self.repo)])
        held = re.findall(r"^Path: (\S+)", out, re.M)
        if held:
            harness(["svnadmin", "rmlocks", str(self.repo), *held])
            chown_r(self.repo)

    def prepare(self, op: str, state: dict) -> str:
        have = self.paths()
        acts: list[str] = []
        up = str(self.work / "up.txt")
        if op in ("download", "copy", "lock", "setprop", "readprop") and "up.txt" not in have:
            acts += ["put", up, "up.txt"]
        if op in ("upload", "mkdir", "copy", "move"):
            target = {"upload": "up.txt", "mkdir": "newdir", "copy": "copy.txt", "move": "moved.txt"}[op]
            if target in have:
                acts += ["rm", target]
        if op == "move" and "copy.txt" not in have:
            acts += ["put", up, "copy.txt"]
        if op == "delete" and "moved.txt" not in have:
            acts += ["put", up, "moved.txt"]
        if op == "unlock" and not state.get("locked"):
            return "the lock operation failed"
        if op != "unlock":
            self.unlock_all()      # a lock the client did not release
        self.direct(*acts)
        if op == "readprop" and not state.get("propset"):
            self.direct("propset", "project", "lab", "up.txt")
        return ""

    def verify(self, op: str) -> str:
        have = self.paths()
        if op == "upload":
            got = subprocess.run(["svnlook", "cat", str(self.repo), "up.txt"],
                                 capture_output=True).stdout
            if got != PAYLOAD:
                return "up.txt is not in the repository"
        want = {"mkdir": ("newdir", True), "copy": ("copy.txt", True),
                "move": ("moved.txt", True), "delete": ("moved.txt", False)}
        if op in want:
            p, there = want[op]
            if (p in have) != there:
                return f"{p} is {'not ' if there else 'still '}in the repository"
            if op == "move" and "copy.txt" in have:
                return "copy.txt is still in the repository"
        if op in ("lock", "unlock"):
            held = bool(harness(["svnlook", "lock", str(self.repo), "up.txt"]).strip())
            if op == "lock" and not held:
                return "up.txt is not locked in the repository"
            if op == "unlock" and held:
                return "up.txt is still locked in the repository"
        if op == "setprop":
            p = subprocess.run(["svnlook", "propget", str(self.repo), "project", "up.txt"],
                               capture_output=True, text=True)
            if p.stdout.strip() != "lab":
                return "the property is not set in the repository"
        return ""

    # ---- the client ---------------------------------------------------
    def svn(self, *args: str, cwd: Path | None = None) -> tuple[int, str, str]:
        return run3(["svn", *self.common, *args], cwd=cwd or self.work, env=self.env)

    def op(self, op: str) -> tuple[str, str]:
        u = lambda n="": f"{self.url}/{n}".rstrip("/")  # noqa: E731
        m = ["-m", f"lab {op}"]
        if op == "download":
            rc, out, err = self.svn("cat", u("up.txt"))
            if rc == 0 and out.encode() != PAYLOAD:
                return "fail", "downloaded bytes differ"
            return ("ok", "") if rc == 0 else ("fail", err)
        if op == "setprop":
            self.n += 1
            wc = self.work / f"wc{self.n}"
            rc, out, err = self.svn("checkout", "--depth", "files", u(), str(wc))
            if rc == 0:
                rc, out, err = self.svn("propset", "project", "lab", "up.txt", cwd=wc)
            if rc == 0:
                rc, out, err = self.svn("commit", *m, cwd=wc)
            return ("ok", "") if rc == 0 else ("fail", out + err)
        cmds = {
            "list": ["ls", u()],
            "upload": ["import", str(self.work / "up.txt"), u("up.txt"), *m],
            "mkdir": ["mkdir", u("newdir"), *m],
            "copy": ["copy", u("up.txt"), u("copy.txt"), *m],
            "move": ["move", u("copy.txt"), u("moved.txt"), *m],
            "lock": ["lock", u("up.txt"), *m],
            "unlock": ["unlock", u("up.txt")],
            "readprop": ["propget", "project", u("up.txt")],
            "delete": ["rm", u("moved.txt"), *m],
        }
        rc, out, err = self.svn(*cmds[op])
        if rc == 0 and op == "readprop" and out.strip() != "lab":
            return "fail", f"propget printed {out.strip()!r}"
        # svn lock/unlock print a warning and exit 0 when refused
        if rc == 0 and op in ("lock", "unlock") and re.search(r"(?m)^svn: (warning|E\d+)", err):
            return "fail", err
        return ("ok", "") if rc == 0 else ("fail", out + err)


class GitClient:
    """git over WebDAV: `git push` to an http:// URL is git's http-push
    (PROPFIND, MKCOL, LOCK, PUT, MOVE, UNLOCK, DELETE on a bare repository in
    the share); ls-remote and clone are the dumb http protocol (GET).
    list = ls-remote, upload = push of a new commit, download = clone,
    delete = push of a branch deletion; the rest has no git equivalent."""
    name = "git"
    kind = ("git over WebDAV: http-push (push), dumb http (ls-remote, clone) to a bare "
            "repository in the share")

    @classmethod
    def available(cls) -> str:
        if not shutil.which("git"):
            return "git is not installed"
        ex = subprocess.run(["git", "--exec-path"], capture_output=True, text=True).stdout.strip()
        if not os.access(os.path.join(ex, "git-http-push"), os.X_OK):
            return "git-http-push not installed (git built without expat)"
        return ""

    def __init__(self, sc: Scenario, coll: str, work: Path):
        self.sc, self.work = sc, work
        self.bare = sc.share / coll / "repo.git"
        self.url = sc.url(coll, "repo.git/")        # http-push wants the slash
        self.src = work / "src"
        ident = dict(GIT_AUTHOR_NAME="Lab", GIT_AUTHOR_EMAIL="lab@example.com",
                     GIT_COMMITTER_NAME="Lab", GIT_COMMITTER_EMAIL="lab@example.com")
        self.env = dict(os.environ, HOME=str(work), LANG="C", LC_ALL="C", GIT_CONFIG_NOSYSTEM="1",
                        GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="", **ident)
        # the lab's own git (seeding the bare repository as its owner would)
        # runs as root on www-data's files
        hh = work / "harness-home"
        hh.mkdir(parents=True, exist_ok=True)
        (hh / ".gitconfig").write_text("[safe]\n\tdirectory = *\n")
        self.henv = dict(self.env, HOME=str(hh))
        self.n = 0
        harness(["git", "init", "-q", "--bare", "--initial-branch=main", str(self.bare)], env=self.henv)
        harness(["git", "init", "-q", "--initial-branch=main", str(self.src)], env=self.henv)
        self.commit()
        self.seed("main")

    def version(self) -> str:
        v = run(["git", "--version"], cwd=self.work, env=self.env)[1].strip()
        return (f"{v}; list: `git ls-remote`, upload: `git push` (http-push) of a new commit, "
                "download: `git clone`, delete: `git push URL :branch`; "
                "`-c http.maxRequests=1` (http-push's parallel MKCOLs race mod_dav_fs)")

    def git(self, *args: str, cwd: Path | None = None) -> tuple[int, str]:
        return run(["git", "-c", "http.maxRequests=1", *args], cwd=cwd or self.src,
                   env=self.env, timeout=120)

    def commit(self) -> None:
        self.n += 1
        (self.src / "f.txt").write_text(f"version {self.n}\n")
        (self.src / f"g{self.n}.txt").write_text(f"file {self.n}\n" * self.n)
        harness(["git", "add", "-A"], cwd=self.src, env=self.henv)
        harness(["git", "commit", "-q", "-m", f"commit {self.n}"], cwd=self.src, env=self.henv)

    def rev(self, ref: str) -> str:
        return harness(["git", "rev-parse", ref], cwd=self.src, env=self.henv).strip()

    def server_ref(self, ref: str) -> str:
        p = subprocess.run(["git", "--git-dir", str(self.bare), "rev-parse", "--verify", "-q", ref],
                           capture_output=True, text=True, env=self.henv)
        return p.stdout.strip()

    def seed(self, *refs: str) -> None:
        """Pushes refs straight into the bare repository (file://), then
        update-server-info, as its owner would."""
        harness(["git", "push", "-q", f"file://{self.bare}", *refs], cwd=self.src, env=self.henv)
        harness(["git", "--git-dir", str(self.bare), "update-server-info"], env=self.henv)
        chown_r(self.bare)

    def prepare(self, op: str, state: dict) -> str:
        if op == "download":
            harness(["git", "--git-dir", str(self.bare), "update-server-info"], env=self.henv)
            chown_r(self.bare)
        if op == "delete" and not self.server_ref("refs/heads/feature"):
            harness(["git", "branch", "-f", "feature", "main"], cwd=self.src, env=self.henv)
            self.seed("feature")
        return ""

    def verify(self, op: str) -> str:
        # info/refs is what dumb-http clients (ls-remote, clone, fetch) read:
        # http-push rewrites it after updating the refs
        try:
            info = (self.bare / "info" / "refs").read_text()
        except OSError:
            info = ""
        if op == "upload":
            if self.server_ref("refs/heads/main") != self.rev("main"):
                return "refs/heads/main in the repository is not the pushed commit"
            if f"{self.rev('main')}\trefs/heads/main" not in info:
                return "refs/heads/main was updated, but info/refs (read by fetch and clone) was not"
        if op == "delete":
            if self.server_ref("refs/heads/feature"):
                return "refs/heads/feature is still in the repository"
            if "\trefs/heads/feature" in info:
                return ("refs/heads/feature was deleted, but info/refs (read by fetch and clone) "
                        "still lists it")
        return ""

    def op(self, op: str) -> tuple[str, str]:
        if op == "list":
            rc, out = self.git("ls-remote", self.url)
            if rc == 0 and self.rev("main") not in out:
                return "fail", "ls-remote does not show main: " + out
        elif op == "upload":
            self.commit()
            rc, out = self.git("push", self.url, "main")
        elif op == "download":
            dst = self.work / "clone"
            if dst.exists():
                shutil.rmtree(dst)
            rc, out = self.git("clone", "-q", self.url, str(dst), cwd=self.work)
            if rc == 0:
                got = subprocess.run(["git", "rev-parse", "HEAD"], cwd=dst, capture_output=True,
                                     text=True, env=self.henv).stdout.strip()
                if got != self.server_ref("refs/heads/main"):
                    return "fail", f"the clone's HEAD is {got}, not the repository's main"
        elif op == "delete":
            rc, out = self.git("push", self.url, ":feature")
        else:
            return "n/a", "git has no such operation"
        return ("ok", "") if rc == 0 else ("fail", out)


class DavixClient:
    """davix's command-line tools (CERN's HTTP/WebDAV data management
    library): davix-ls, davix-put, davix-get, davix-mkdir, davix-cp (a
    third-party copy: COPY), davix-mv, davix-rm, with their defaults. Locks
    and properties have no davix command (davix-http is raw HTTP, like curl)."""
    name = "davix"
    kind = "CERN's HTTP/WebDAV data-management tools (davix-ls/-put/-get/-mkdir/-cp/-mv/-rm)"

    @classmethod
    def available(cls) -> str:
        missing = [t for t in ("davix-ls", "davix-put", "davix-get", "davix-mkdir", "davix-cp",
                               "davix-mv", "davix-rm") if not shutil.which(t)]
        return ("not installed: " + ", ".join(missing)) if missing else ""

    def __init__(self, sc: Scenario, coll: str, work: Path):
        self.sc, self.coll, self.work = sc, coll, work
        self.env = dict(os.environ, HOME=str(work), LANG="C", LC_ALL="C")

    def version(self) -> str:
        out = run(["davix-ls", "--version"], cwd=self.work, env=self.env)[1]
        m = re.search(r"Version:\s*(\S+)", out)
        return (f"davix {m.group(1) if m else '?'}; copy is `davix-cp` (third-party copy: COPY); "
                "its exit status is not believed for `davix-mv` (255 after 201 Created) nor "
                "`davix-cp` (\"Status of TPC request unknown\"): the share decides")

    def op(self, op: str) -> tuple[str, str]:
        u = lambda n="": self.sc.url(self.coll, n)  # noqa: E731
        cmds = {
            "list": ["davix-ls", "-l", u()],
            "upload": ["davix-put", str(self.work / "up.txt"), u("up.txt")],
            "download": ["davix-get", u("up.txt"), str(self.work / "down.txt")],
            "mkdir": ["davix-mkdir", u("newdir")],
            "copy": ["davix-cp", u("up.txt"), u("copy.txt")],
            "move": ["davix-mv", u("copy.txt"), u("moved.txt")],
            "delete": ["davix-rm", u("moved.txt")],
        }
        if op not in cmds:
            return "n/a", "davix has no such command"
        if op == "download":
            (self.work / "down.txt").unlink(missing_ok=True)
        rc, out = run(cmds[op], cwd=self.work, env=self.env, timeout=120)
        # davix 0.8.4's quirks, with or without the module (the share then
        # decides): davix-mv exits 255 after "201 Created" without a word;
        # davix-cp (a third-party copy) waits for WLCG performance markers
        # that mod_dav does not send and says the status is unknown
        if op == "move" and rc == 255 and "Error" not in out:
            rc = 0
        if op == "copy" and rc and re.search(r"Status of TPC request unknown", out) \
                and not re.search(r"\b[45]\d\d\b", out):
            rc = 0
        if rc == 0 and op == "download" and (self.work / "down.txt").read_bytes() != PAYLOAD:
            return "fail", "downloaded bytes differ"
        return ("ok", "") if rc == 0 else ("fail", f"exit {rc}: {out}")


class WebdavclientClient:
    """Debian's python3-webdavclient (webdav3.client.Client), one process
    per operation (clients/webdavclient/session.py), run with /usr/bin/python3."""
    name = "python3-webdavclient"
    kind = "Python library `webdav3.client` (Debian python3-webdavclient), used as applications use it"
    script = HERE / "clients" / "webdavclient" / "session.py"
    python = "/usr/bin/python3"

    @classmethod
    def available(cls) -> str:
        p = subprocess.run([cls.python, "-c", "import webdav3.client"], capture_output=True)
        return "" if p.returncode == 0 else "python3-webdavclient is not installed"

    def __init__(self, sc: Scenario, coll: str, work: Path):
        self.sc, self.coll, self.work = sc, coll, work

    def version(self) -> str:
        rc, out = run(["dpkg-query", "-W", "-f", "${Version}", "python3-webdavclient"], cwd=self.work)
        return (f"python3-webdavclient {out.strip() if rc == 0 else '?'} (requests); "
                "list(), upload_sync(), download_sync(), mkdir(), copy(), move(), "
                "set_property(), get_property(), clean(); no lock API; `webdav_disable_check` "
                "(its HEAD to a collection gets 404 from mod_dav_fs, module or not)")

    def op(self, op: str) -> tuple[str, str]:
        rc, out = run([self.python, str(self.script), op, self.sc.srv.base_url,
                       f"/lab/{self.coll}", str(self.work)], cwd=self.work)
        try:
            res = json.loads(out.strip().splitlines()[-1])
        except Exception:
            return "fail", "driver output: " + short(out)
        if res.get("ok") is None:
            return "n/a", res.get("message", "")
        return ("ok", "") if res.get("ok") else ("fail", str(res.get("message", "")))



CLIENTS = [CurlClient, CadaverClient, RcloneClient, NodeClient, DavfsClient, DavixClient,
           WebdavclientClient, SvnClient, GitClient, ReferenceClient]


# --------------------------------------------------------------------------
# the session
# --------------------------------------------------------------------------

def prepare(sc: Scenario, coll: str, op: str, state: dict) -> str:
    """Puts the share in the state op needs; returns why op is skipped, or ''."""
    if op in ("download", "copy", "lock", "setprop", "readprop"):
        if not (sc.share / coll / "up.txt").exists():
            sc.put_file(coll, "up.txt")
    if op == "upload":
        sc.remove(coll, "up.txt")
    if op == "mkdir":
        sc.remove(coll, "newdir")
    if op == "move":
        if not (sc.share / coll / "copy.txt").exists():
            sc.put_file(coll, "copy.txt")
        sc.remove(coll, "moved.txt")
    if op == "copy":
        sc.remove(coll, "copy.txt")
    if op == "unlock" and not state.get("locked"):
        return "the lock operation failed"
    if op in ("setprop", "readprop", "delete"):
        release_locks(sc, coll)    # a lock the client did not release
    if op == "readprop" and not state.get("propset"):
        sc.seed_property(coll, "up.txt")
    if op == "delete" and not (sc.share / coll / "moved.txt").exists():
        sc.put_file(coll, "moved.txt")
    return ""


def lock_tokens(sc: Scenario, coll: str) -> list[str]:
    """The tokens of the locks on up.txt, as DAV:lockdiscovery shows them."""
    body = b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:lockdiscovery/></D:prop></D:propfind>'
    _, _, b = raw_request(sc.srv.port, "PROPFIND", sc.path(coll, "up.txt"), {"Depth": "0"}, body)
    return [t.decode() for t in re.findall(rb"<D:href>(opaquelocktoken:[^<]+)</D:href>", b)]


def verify(sc: Scenario, coll: str, op: str) -> str:
    """Whether the share shows what a successful op must have done: a
    client that reports success for a request the server refused (or has
    not sent yet) loses its user's data silently."""
    d = sc.share / coll
    if op == "upload" and not ((d / "up.txt").is_file() and (d / "up.txt").read_bytes() == PAYLOAD):
        return "up.txt is not on the share"
    if op == "mkdir" and not (d / "newdir").is_dir():
        return "newdir is not on the share"
    if op == "copy" and not (d / "copy.txt").is_file():
        return "copy.txt is not on the share"
    if op == "move" and (not (d / "moved.txt").is_file() or (d / "copy.txt").exists()):
        return "copy.txt was not moved to moved.txt on the share"
    if op == "delete" and (d / "moved.txt").exists():
        return "moved.txt is still on the share"
    if op == "lock" and not lock_tokens(sc, coll):
        return "up.txt is not locked on the server"
    if op == "unlock" and lock_tokens(sc, coll):
        return "up.txt is still locked on the server"
    if op == "setprop":
        _, _, b = raw_request(sc.srv.port, "PROPFIND", sc.path(coll, "up.txt"),
                              {"Depth": "0"}, PROPFIND_BODY.encode())
        if b">lab<" not in b:
            return "the property is not set on the server"
    return ""


def session(sc: Scenario, sname: str, cls, work: Path) -> Cell:
    coll = re.sub(r"[^a-z0-9]+", "-", cls.name.lower()).strip("-")
    cell = Cell(cls.name, sname)
    why = cls.available() if hasattr(cls, "available") else ""
    if why:
        cell.note = why
        return cell
    work.mkdir(parents=True, exist_ok=True)
    (work / "up.txt").write_bytes(PAYLOAD)
    sc.collection(coll)
    client = cls(sc, coll, work)
    cell.version = client.version()
    if hasattr(client, "mount"):
        why = client.mount()
        if why:
            cell.note = why
            return cell
    state: dict = {}
    try:
        for op in OPS:
            skip = client.prepare(op, state) if hasattr(client, "prepare") \
                else prepare(sc, coll, op, state)
            if skip:
                cell.ops.append(OpResult(op, "skipped", skip))
                continue
            mark = sc.mark()
            st, msg = client.op(op)
            lines = sc.lines_since(mark) if st != "n/a" else []
            if st == "ok":
                missing = client.verify(op) if hasattr(client, "verify") else verify(sc, coll, op)
                if missing:
                    st, msg = "fail", f"the client reported success, but {missing}"
            res = OpResult(op, st, msg, lines)
            if op == "unlock" and cls is CadaverClient:
                res.lines = [l for l in res.lines if l.method != "LOCK"]
            cell.ops.append(res)
            if op == "lock" and st == "ok":
                state["locked"] = True
                if cls is CadaverClient:
                    # its session ended with the lock held; unlock locks again
                    release_locks(sc, coll)
            if op == "setprop" and st == "ok":
                state["propset"] = True
    finally:
        if hasattr(client, "umount"):
            client.umount()
    cell.extra = {}
    return cell


def release_locks(sc: Scenario, coll: str) -> None:
    """Unlocks up.txt with the tokens the lock discovery shows (a cadaver
    session ends with its lock still held)."""
    for tok in lock_tokens(sc, coll):
        raw_request(sc.srv.port, "UNLOCK", sc.path(coll, "up.txt"), {"Lock-Token": f"<{tok}>"}, None)


def litmus(sc: Scenario, sname: str, work: Path) -> Cell:
    cell = Cell("litmus", sname)
    work.mkdir(parents=True, exist_ok=True)
    sc.collection("litmus")
    mark = sc.mark()
    rc, out = run(["litmus", "-k", sc.url("litmus")], cwd=work, timeout=600)
    lines = sc.lines_since(mark)
    results = re.findall(r"^\s*\d+\.\s+(\S+)\.*\s+(pass|FAIL|WARNING|SKIPPED)", out, re.M)
    failed = [n for n, r in results if r == "FAIL"]
    cell.extra = {
        "passed": sum(1 for _, r in results if r == "pass"),
        "failed": len(failed), "failed_names": failed,
        "n449": sum(1 for l in lines if l.status == 449),
        "notes": sorted({l.note for l in lines if l.note}),
    }
    cell.version = short(out.split("\n")[0], 80)
    if not results:
        cell.note = "litmus did not run: " + short(out, 200)
        cell.extra = {}
    return cell


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------

COLOURS = {"green": "#c8f0c8", "amber": "#ffe3a0", "red": "#f6b8b8", "grey": "#dddddd"}
MARK = {"green": "✅", "amber": "🟧", "red": "❌", "grey": "⬜"}


def judge(cells: dict, client: str, scenario: str) -> tuple[str, str]:
    """A cell's (colour, summary), against its client's baseline cell."""
    base = None if scenario == "baseline" else cells.get((client, "baseline"))
    return cells[(client, scenario)].verdict(base)


def failure_rows(cells: dict, scen_names: list[str]) -> list[dict]:
    rows = []
    for (client, sname), cell in cells.items():
        colour, _ = judge(cells, client, sname)
        if cell.extra:
            if colour != "green":
                rows.append(dict(client=client, scenario=sname, op="(litmus)",
                                 server=", ".join(cell.extra["notes"]) or "-",
                                 retry="", surfaced="",
                                 message="failed: " + ", ".join(cell.extra["failed_names"])))
            continue
        if cell.note:
            rows.append(dict(client=client, scenario=sname, op="-", server="-", retry="",
                             surfaced="", message=cell.note))
            continue
        for o in cell.ops:
            if o.state == "fail" or o.retry449():
                rows.append(dict(client=client, scenario=sname, op=o.op,
                                 server="; ".join(o.statuses) or "(no request)",
                                 retry=o.retry449(), surfaced=o.surfaced() if o.state == "fail" else "",
                                 message=excerpt(o.message) or "(succeeded)"))
    order = {n: i for i, n in enumerate(scen_names)}
    rows.sort(key=lambda r: (r["client"], order.get(r["scenario"], 99)))
    return rows


def render(cells: dict, clients: list[str], scen: list[tuple], versions: dict,
           counters: dict, when: str) -> tuple[str, str]:
    names = [s[0] for s in scen]
    md = ["# Client compatibility matrix\n",
          f"Produced by `tests/lab/run.sh` on {when}: each client runs the same session "
          f"({', '.join(OPS)}) in each scenario, against Debian's apache2 with mod_dav_fs "
          f"(and mod_retrywith unless noted) on 127.0.0.1.\n",
          "✅ every operation worked (449s satisfied) · 🟧 only the scenario's policy refused, "
          "and the client reported it · ❌ an operation failed outside a policy, a 449 loop, or a "
          "refusal the client did not explain · ⬜ not run\n",
          "| client | " + " | ".join(f"`{n}`" for n in names) + " |",
          "|---|" + "---|" * len(names)]
    for c in clients:
        row = [c]
        for n in names:
            if (c, n) not in cells:
                row.append("")
                continue
            colour, summ = judge(cells, c, n)
            row.append(f"{MARK[colour]} {summ}")
        md.append("| " + " | ".join(row) + " |")
    md.append("\n## Scenarios\n")
    for n, what, directives, mod in scen:
        d = "; ".join(directives.splitlines()) if directives else "(none)"
        md.append(f"- `{n}`: {what}. Directives: `{d}`" if directives else f"- `{n}`: {what}.")
    md.append("\n## Clients\n")
    for c in clients:
        md.append(f"- **{c}**: {versions.get(c, '')}")
    rows = failure_rows(cells, names)
    md.append("\n## Details: every failed operation and every 449\n")
    md.append("| client | scenario | operation | server saw | 449 | surfaced | client's message |")
    md.append("|---|---|---|---|---|---|---|")
    for r in rows:
        md.append("| " + " | ".join([r["client"], r["scenario"], r["op"], r["server"].replace("|", "\\|"),
                                      r["retry"], r["surfaced"],
                                      r["message"].replace("|", "\\|")]) + " |")
    if counters:
        md.append("\n## The live counters after each scenario (`/rw-status?json`, 449 rows)\n")
        md.append("| scenario | family | issued | satisfied | still lacking | bad echo | abandoned | pending |")
        md.append("|---|---|---|---|---|---|---|---|")
        for n in names:
            for a in (counters.get(n) or {}).get("agents", []):
                md.append(f"| {n} | {a['family']} | {a['issued']} | {a['satisfied']} | "
                          f"{a['still_lacking']} | {a['bad_echo']} | {a['abandoned']} | {a['pending']} |")
    markdown = "\n".join(md) + "\n"

    h = ["<!DOCTYPE html><html><head><meta charset='utf-8'><title>mod_retrywith client matrix</title>",
         "<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin:1em 0}"
         "td,th{border:1px solid #999;padding:3px 8px;vertical-align:top}"
         + "".join(f".{k}{{background:{v}}}" for k, v in COLOURS.items())
         + "td.msg{font-family:monospace;font-size:90%;max-width:40em}</style></head><body>",
         f"<h1>Client compatibility matrix</h1><p>{html.escape(when)}. Session: "
         f"{html.escape(', '.join(OPS))}.</p>",
         "<p><span class='green'>&nbsp;green&nbsp;</span> every operation worked (449s satisfied) "
         "<span class='amber'>&nbsp;amber&nbsp;</span> only the scenario's policy refused, reported "
         "<span class='red'>&nbsp;red&nbsp;</span> failure outside a policy, 449 loop, or unexplained "
         "refusal <span class='grey'>&nbsp;grey&nbsp;</span> not run</p>",
         "<table><tr><th>client</th>" + "".join(f"<th>{html.escape(n)}</th>" for n in names) + "</tr>"]
    for c in clients:
        h.append(f"<tr><th>{html.escape(c)}</th>")
        for n in names:
            if (c, n) not in cells:
                h.append("<td></td>")
                continue
            colour, summ = judge(cells, c, n)
            h.append(f"<td class='{colour}'>{html.escape(summ)}</td>")
        h.append("</tr>")
    h.append("</table><h2>Details</h2><table><tr><th>client</th><th>scenario</th><th>operation</th>"
             "<th>server saw</th><th>449</th><th>surfaced</th><th>client's message</th></tr>")
    for r in rows:
        colour, _ = judge(cells, r["client"], r["scenario"])
        h.append(f"<tr class='{colour}'>" + "".join(
            f"<td{' class=msg' if k == 'message' else ''}>{html.escape(r[k])}</td>"
            for k in ("client", "scenario", "op", "server", "retry", "surfaced", "message")) + "</tr>")
    h.append("</table><h2>Scenarios</h2><ul>")
    for n, what, directives, mod in scen:
        h.append(f"<li><b>{html.escape(n)}</b>: {html.escape(what)} <code>{html.escape(directives)}</code></li>")
    h.append("</ul><h2>Clients</h2><ul>")
    for c in clients:
        h.append(f"<li><b>{html.escape(c)}</b>: {html.escape(versions.get(c, ''))}</li>")
    h.append("</ul></body></html>")
    return markdown, "\n".join(h) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--update", action="store_true",
                    help="write tests/lab/MATRIX.md, matrix.html and the README's matrix")
    ap.add_argument("--only", default="", help="clients, comma-separated")
    ap.add_argument("--scenarios", default="", help="scenario names, comma-separated")
    ap.add_argument("--module", default=str(REPO / "mod_retrywith" / ".libs" / "mod_retrywith.so"))
    ap.add_argument("--out", default=str(HERE / "out"), help="where matrix.{md,html,json} go")
    a = ap.parse_args()

    scen = [s for s in SCENARIOS if not a.scenarios or s[0] in a.scenarios.split(",")]
    clients = [c for c in CLIENTS if not a.only or c.name in a.only.split(",")]
    names = [c.name for c in clients] + ([] if a.only and "litmus" not in a.only else ["litmus"])
    work = Path(tempfile.mkdtemp(prefix="rw-lab-"))
    os.chmod(work, 0o755)
    module = work / "mod_retrywith.so"
    shutil.copy2(a.module, module)
    lab = Lab(work, module)
    cells: dict = {}
    versions: dict = {}
    counters: dict = {}
    try:
        for sname, what, directives, with_module in scen:
            print(f"== scenario {sname}", flush=True)
            sc = lab.start(sname, directives, with_module, clients)
            try:
                for cls in clients:
                    t0 = time.monotonic()
                    cell = session(sc, sname, cls, work / "clients" / sname / cls.name.replace(" ", "-"))
                    cells[(cls.name, sname)] = cell
                    if cell.version or cls.name not in versions:
                        versions[cls.name] = cls.kind + (f"; {cell.version}" if cell.version else "")
                    colour, summ = judge(cells, cls.name, sname)
                    print(f"   {cls.name:18} {colour:6} {summ}  ({time.monotonic() - t0:.1f} s)", flush=True)
                if "litmus" in names:
                    cell = litmus(sc, sname, work / "clients" / sname / "litmus")
                    cells[("litmus", sname)] = cell
                    versions["litmus"] = "WebDAV server test suite (neon); its own session, not the lab's; " \
                        + cell.version
                    colour, summ = judge(cells, "litmus", sname)
                    print(f"   {'litmus':18} {colour:6} {summ}", flush=True)
                if with_module:
                    counters[sname] = sc.status()
            finally:
                sc.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    when = time.strftime("%Y-%m-%d", time.gmtime())
    md, page = render(cells, names, scen, versions, counters, when)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "matrix.md").write_text(md)
    (out / "matrix.html").write_text(page)
    (out / "matrix.json").write_text(json.dumps(as_json(cells), indent=1) + "\n")
    if a.update:
        (HERE / "MATRIX.md").write_text(md)
        (HERE / "matrix.html").write_text(page)
        update_readme(md)
    tally = {"green": 0, "amber": 0, "red": 0, "grey": 0}
    for c, n in cells:
        tally[judge(cells, c, n)[0]] += 1
    print(f"wrote {out / 'matrix.md'}, matrix.html and matrix.json")
    print(f"{len(cells)} cells: {tally['green']} green, {tally['amber']} amber, "
          f"{tally['red']} red, {tally['grey']} not run")
    return 0


def as_json(cells: dict) -> list[dict]:
    out = []
    for (c, n), cell in cells.items():
        colour, summ = judge(cells, c, n)
        out.append({"client": c, "scenario": n, "colour": colour, "summary": summ,
                    "note": cell.note, "litmus": cell.extra or None,
                    "ops": [{"op": o.op, "state": o.state, "retry449": o.retry449(),
                             "surfaced": o.surfaced() if o.state == "fail" else "",
                             "server": o.statuses, "message": excerpt(o.message)}
                            for o in cell.ops]})
    return out


def update_readme(md: str) -> None:
    readme = REPO / "README.md"
    text = readme.read_text()
    start, end = "<!-- lab-matrix -->", "<!-- /lab-matrix -->"
    table = "\n".join(l for l in md.split("\n## ", 1)[0].splitlines()[2:]).strip()
    if start in text and end in text:
        a, rest = text.split(start, 1)
        _, b = rest.split(end, 1)
        readme.write_text(a + start + "\n" + table + "\n" + end + b)


if __name__ == "__main__":
    sys.exit(main())
