"""Fixtures of the mod_retrywith integration tests.

Run:  /usr/bin/python3 -m pytest tests/integration -v
      RETRYWITH_MODULE=/path/to/mod_retrywith.so overrides the module built
      in the tree (mod_retrywith/.libs/mod_retrywith.so).

Error-log guard: after every test the lines that each server wrote to its
error_log during the test are checked.  Crash signs ("exit signal",
"Segmentation", AddressSanitizer, ...) always fail the test; lines at level
error or above (`:error]`, `:crit]`, `:alert]`, `:emerg]`) fail it unless the
test declared them, either with the marker

    @pytest.mark.expect_errors(r"\\[dav:error\\].*\\[423, #0\\]", ...)

or at run time through the fixture

    def test_x(server, expect_errors):
        expect_errors(r"\\[dav:error\\] .*invalid Depth")
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from httpd import HttpdServer  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
DEFAULT_MODULE = REPO / "mod_retrywith" / ".libs" / "mod_retrywith.so"

#: never acceptable, whatever a test declares
CRASH_PATTERNS = [
    re.compile(p) for p in (
        r"exit signal", r"Segmentation", r"AddressSanitizer", r"LeakSanitizer",
        r"UndefinedBehaviorSanitizer", r"runtime error:", r"double free",
        r"malloc\(\)|free\(\): invalid", r"stack smashing", r"core dumped",
        r"\bAH00060\b",  # "seg fault or similar nasty error detected"
    )
]
#: acceptable only when the test declared the line
ERROR_PATTERNS = [re.compile(p) for p in (r":error\]", r":crit\]", r":alert\]", r":emerg\]")]


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "expect_errors(*regex): error_log lines (level error and above) that "
        "this test is allowed to produce")


# --------------------------------------------------------------------------
# servers
# --------------------------------------------------------------------------

_all_servers: list[HttpdServer] = []


@pytest.fixture(scope="session")
def module_path(tmp_path_factory) -> Path:
    """A private copy of the built module (a rebuild during the run cannot
    swap it under a running server)."""
    p = Path(os.environ.get("RETRYWITH_MODULE", str(DEFAULT_MODULE)))
    if not p.is_file():
        pytest.fail(
            f"mod_retrywith is not built: {p} does not exist.  Build it with "
            f"`cd {REPO} && autoreconf -fi && ./configure && make` (or set "
            f"RETRYWITH_MODULE to the .so).", pytrace=False)
    copy = tmp_path_factory.mktemp("module") / "mod_retrywith.so"
    shutil.copy2(p, copy)
    copy.chmod(0o755)
    return copy


class HttpdFactory:
    def __init__(self, tmp_path_factory):
        self._tmp = tmp_path_factory
        self._mine: list[HttpdServer] = []

    def __call__(self, name: str, module_path=None, extra_conf: str = "",
                 start: bool = True, **kw) -> HttpdServer:
        root = self._tmp.mktemp(name)
        srv = HttpdServer(root, module_path=module_path, extra_conf=extra_conf,
                          name=name, **kw)
        _all_servers.append(srv)
        self._mine.append(srv)
        if start:
            srv.start()
        return srv

    def stop_all(self):
        for s in self._mine:
            try:
                s.stop()
            except Exception as e:  # pragma: no cover - best effort
                print(f"stopping {s.name}: {e}", file=sys.stderr)


@pytest.fixture(scope="session")
def httpd_factory(tmp_path_factory):
    f = HttpdFactory(tmp_path_factory)
    try:
        yield f
    finally:
        f.stop_all()


@pytest.fixture(scope="session")
def server(httpd_factory, module_path) -> HttpdServer:
    """httpd with mod_dav and mod_retrywith (session-wide).

    RW_SELFTEST_NO_MODULE=1 starts it without the module: a self-test of the
    harness, under which every test of the module's behaviour must fail."""
    if os.environ.get("RW_SELFTEST_NO_MODULE") == "1":
        return httpd_factory("on-without-module", module_path=None)
    return httpd_factory("on", module_path=module_path)


@pytest.fixture(scope="session")
def server_off(httpd_factory) -> HttpdServer:
    """The same configuration without mod_retrywith."""
    return httpd_factory("off", module_path=None)


# --------------------------------------------------------------------------
# error-log guard
# --------------------------------------------------------------------------

class ErrorLogGuard:
    def __init__(self):
        self.allowed: list[re.Pattern] = []
        self.marks = {id(s): s.mark().error for s in _all_servers}

    def allow(self, *regexes: str) -> None:
        self.allowed += [re.compile(r) for r in regexes]

    def problems(self) -> list[str]:
        bad = []
        for s in list(_all_servers):
            start = self.marks.get(id(s), 0)
            text = s._read_from(s.error_log, start)
            for line in text.splitlines():
                if any(p.search(line) for p in CRASH_PATTERNS):
                    bad.append(f"{s.name}: CRASH: {line}")
                elif any(p.search(line) for p in ERROR_PATTERNS) and \
                        not any(a.search(line) for a in self.allowed):
                    bad.append(f"{s.name}: {line}")
            if s.pid and s in _running_servers() and not _pid_alive(s.pid):
                bad.append(f"{s.name}: the httpd parent process {s.pid} is gone")
        return bad


def _running_servers():
    from httpd import running_servers
    return running_servers()


def _pid_alive(pid: int) -> bool:
    from httpd import _alive
    return _alive(pid)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture(autouse=True)
def error_log_guard(request):
    guard = ErrorLogGuard()
    for m in request.node.iter_markers("expect_errors"):
        guard.allow(*m.args)
    yield guard
    # log lines of a request may follow its response by a moment
    time.sleep(0.05)
    bad = guard.problems()
    rep = getattr(request.node, "rep_call", None)
    if bad and rep is not None and rep.failed and \
            not any("CRASH" in b or "is gone" in b for b in bad):
        # the test failed already; error lines that follow from the same
        # fault (e.g. mod_dav refusing what the module let through) are
        # shown with it instead of raising a second error
        rep.sections.append(("error_log lines during the test", "\n".join(bad)))
        return
    if bad:
        pytest.fail("unexpected error_log lines during the test:\n  "
                    + "\n  ".join(bad[:40])
                    + (f"\n  ... and {len(bad) - 40} more" if len(bad) > 40 else ""),
                    pytrace=False)


@pytest.fixture
def expect_errors(error_log_guard):
    """expect_errors(regex, ...) declares error_log lines this test may produce."""
    return error_log_guard.allow
