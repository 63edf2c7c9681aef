"""Module on vs module off, one client operation at a time.

A Session runs named operations (a client command or several, then a check of
the server's state) against one server and records, per operation, whether it
worked and which requests the server refused while it ran (from the access
log: method, path, status, the module's sub-status) with the module's own
reason (its RW00101/RW00102 error_log line).  test_svn.py and
test_git_davix.py run the same operations against httpd with and without
mod_retrywith and compare: what works without the module must work with it.

Only the standard library is used.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from httpd import HttpdServer, MODULE_DIR


class OpFailed(Exception):
    """A client command failed, or the server is not in the expected state."""


@dataclass
class OpResult:
    name: str
    ok: bool
    detail: str = ""                                    # why it failed
    requests: int = 0                                   # requests logged
    errors: list[str] = field(default_factory=list)     # 4xx/5xx but 401
    refused: list[str] = field(default_factory=list)    # with a sub-status
    reasons: list[str] = field(default_factory=list)    # module's (and core's) log lines
    seconds: float = 0.0

    def summary(self) -> str:
        s = "ok" if self.ok else "FAILED"
        if self.refused:
            subs = sorted({r.rsplit(" ", 1)[-1] for r in self.refused})
            s += " (refused " + ", ".join(subs) + ")"
        return s

    def explain(self) -> str:
        lines = [f"{self.name}: {'ok' if self.ok else 'FAILED'} "
                 f"({self.requests} requests, {self.seconds:.2f} s)"]
        if self.detail:
            lines.append("  " + self.detail.replace("\n", "\n  "))
        for e in self.errors[:12]:
            lines.append("  answered: " + e)
        if len(self.errors) > 12:
            lines.append(f"  ... and {len(self.errors) - 12} more")
        for r in self.reasons[:6]:
            lines.append(("  core: " if r.startswith("AH") else "  module: ") + r)
        return "\n".join(lines)


#: the module's reason for a refusal, and core's for a header over
#: LimitRequestFieldSize (a plain 400 before any module runs)
_REASON_RE = re.compile(r"((?:RW0010[12]|AH00561): .*)$")


def run(cmd: list[str], *, cwd: Path | str | None = None, env: dict | None = None,
        timeout: float = 120, input: str | None = None,
        show: list[str] | None = None) -> str:
    """Runs a client command; raises OpFailed (with the end of its output)
    if it exits non-zero or hangs.  Returns stdout + stderr.  show is the
    command as a failure names it (default: cmd)."""
    show = show or cmd
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, input=input, capture_output=True,
                           text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise OpFailed(f"{_show(show)}: no answer after {timeout} s") from e
    out = p.stdout + p.stderr
    if p.returncode != 0:
        tail = "\n".join(out.strip().splitlines()[-4:])
        raise OpFailed(f"{_show(show)}: exit {p.returncode}: {tail}")
    return out


def _show(cmd: list[str]) -> str:
    s = " ".join(cmd)
    return s if len(s) <= 160 else s[:157] + "..."


class Session:
    """Named operations against one server, recorded in order."""

    def __init__(self, srv: HttpdServer, label: str):
        self.srv = srv
        self.label = label
        self.results: dict[str, OpResult] = {}

    def _settle(self) -> None:
        """The access log line follows the response by a moment: wait until
        the log stops growing (at most 1 s)."""
        last = -1
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            size = self.srv.mark().access
            if size == last:
                return
            last = size
            time.sleep(0.03)

    def op(self, name: str, fn: Callable[[], None],
           recover: Callable[[], None] | None = None) -> OpResult:
        """Runs fn as operation `name`; fn raises OpFailed (or
        AssertionError) when the operation did not work.  recover, run only
        after a failure, puts the client back in a state where the next
        operations can still be tried (its own requests are not counted)."""
        self._settle()
        mark = self.srv.mark()
        t0 = time.monotonic()
        ok, detail = True, ""
        try:
            fn()
        except OpFailed as e:
            ok, detail = False, str(e)
        except AssertionError as e:
            ok, detail = False, f"check failed: {e}"
        seconds = time.monotonic() - t0
        self._settle()
        entries = self.srv.access_entries(mark)
        errors, refused = [], []
        for e in entries:
            method, _, rest = e["request"].partition(" ")
            path = rest.rsplit(" ", 1)[0]
            if len(path) > 70:
                path = path[:67] + "..."
            sub = e["note"] if e["note"] != "-" else e["subhdr"]
            line = f"{method} {path} -> {e['status']}" + (f" {sub}" if sub != "-" else "")
            if sub != "-":
                refused.append(line)
            if int(e["status"]) >= 400 and e["status"] != "401":
                errors.append(line)
        reasons = []
        for ln in self.srv.error_lines(mark):
            m = _REASON_RE.search(ln)
            if m:
                reasons.append(m.group(1)[:300])
        res = OpResult(name, ok, detail, len(entries), errors, refused, reasons, seconds)
        self.results[name] = res
        if not ok and recover is not None:
            try:
                recover()
            except (OpFailed, AssertionError, OSError):
                pass
        return res


def table(title: str, ops: list[str], off: Session, on: Session) -> str:
    """Per operation: the result without and with the module."""
    w = max(len(o) for o in ops) + 2
    rows = [title, f"{'operation':<{w}} {'module off':<14} module on"]
    for o in ops:
        a, b = off.results.get(o), on.results.get(o)
        rows.append(f"{o:<{w}} {(a.summary() if a else 'not run'):<14} "
                    f"{b.summary() if b else 'not run'}")
    for label, s in (("off", off), ("on", on)):
        for o in ops:
            r = s.results.get(o)
            if r and (not r.ok or r.refused):
                rows.append(f"  [{label}] " + r.explain().replace("\n", "\n  "))
    return "\n".join(rows)


def not_worse(op: str, off: Session, on: Session) -> None:
    """The assertion of every comparison test."""
    a, b = off.results.get(op), on.results.get(op)
    assert a is not None and b is not None, f"{op} was not run"
    if a.ok:
        assert b.ok, (f"{op} works without mod_retrywith but fails with it:\n"
                      + b.explain())


def missing_binaries(*names: str) -> list[str]:
    return [n for n in names if shutil.which(n) is None]


def missing_modules(*files: str) -> list[str]:
    return [f for f in files if not (MODULE_DIR / f).is_file()]


def skip_reason(binaries=(), modules=(), packages: str = "") -> str | None:
    """Why these tests cannot run here (None if they can)."""
    mb, mm = missing_binaries(*binaries), missing_modules(*modules)
    if not mb and not mm:
        return None
    what = ", ".join(mb + [str(MODULE_DIR / m) for m in mm])
    return f"not installed: {what}" + (f" (Debian: {packages})" if packages else "")


def client_env(home: Path, **extra: str) -> dict:
    env = dict(os.environ, HOME=str(home), LANG="C", LC_ALL="C")
    env.update(extra)
    return env
