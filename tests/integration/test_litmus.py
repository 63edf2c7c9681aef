"""litmus (all suites) against a fresh server without and with mod_retrywith.

The module must never make litmus worse: for every suite the number of passed
tests with the module is at least the number without it.  The table is
printed (pytest -s shows it) and written to litmus-table.txt in the test's
temporary directory.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field

import pytest

SUITES = ["basic", "copymove", "props", "locks", "http"]

# mod_dav (and httpd's XML parser in core) log these for the requests litmus
# sends on purpose: failed preconditions, locked resources, bad XML, ...
LITMUS_ERRORS = (
    r"\[dav:error\]",
    r"\[core:error\] .*AH0054[01]: XML [Pp]arser [Ee]rror",
)

SUMMARY_RE = re.compile(
    r"<- summary for `(?P<suite>[^']+)': of (?P<run>\d+) tests run: "
    r"(?P<passed>\d+) passed, (?P<failed>\d+) failed"
    r"(?:, (?P<skipped>\d+) skipped)?")
RUNNING_RE = re.compile(r"^-> running `(?P<suite>[^']+)':")
RESULT_RE = re.compile(r"^\s*(?P<num>\d+)\. (?P<name>\w+)\.*\s*(?P<res>pass|FAIL|SKIPPED|skipped)\b(?P<rest>.*)$")


@dataclass
class SuiteResult:
    run: int = 0
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


@dataclass
class LitmusRun:
    kind: str
    returncode: int
    output: str
    suites: dict[str, SuiteResult]
    refused: list[str]          # access-log lines with a substatus note


def parse_litmus(output: str) -> dict[str, SuiteResult]:
    suites: dict[str, SuiteResult] = {}
    current = None
    for line in output.splitlines():
        m = RUNNING_RE.match(line)
        if m:
            current = suites.setdefault(m.group("suite"), SuiteResult())
            continue
        m = SUMMARY_RE.search(line)
        if m:
            s = suites.setdefault(m.group("suite"), SuiteResult())
            s.run = int(m.group("run"))
            s.passed = int(m.group("passed"))
            s.failed = int(m.group("failed"))
            s.skipped = int(m.group("skipped") or 0)
            current = None
            continue
        if current is None:
            continue
        if "WARNING:" in line:
            current.warnings.append(line.strip())
        m = RESULT_RE.match(line)
        if m and m.group("res") == "FAIL":
            current.failures.append(f"{m.group('name')}{m.group('rest')}")
    return suites


_runs: dict[str, LitmusRun] = {}


def run_litmus(kind: str, httpd_factory, module_path, tmp_path_factory) -> LitmusRun:
    if kind in _runs:
        return _runs[kind]
    srv = httpd_factory(f"litmus-{kind}", module_path=module_path)
    try:
        cwd = tmp_path_factory.mktemp(f"litmus-cwd-{kind}")   # debug.log lands here
        p = subprocess.run(["litmus", "-k", srv.url("/dav/")], cwd=cwd,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=300)
        (cwd / "litmus-output.txt").write_text(p.stdout)
        refused = [e["line"] for e in srv.access_entries() if e["note"] != "-"]
    finally:
        srv.stop()
    run = LitmusRun(kind, p.returncode, p.stdout, parse_litmus(p.stdout), refused)
    _runs[kind] = run
    return run


def check_all_suites_ran(run: LitmusRun) -> None:
    missing = [s for s in SUITES if s not in run.suites or run.suites[s].run == 0]
    assert not missing, f"litmus ({run.kind}) did not run {missing}:\n{run.output[-3000:]}"


@pytest.mark.expect_errors(*LITMUS_ERRORS)
def test_litmus_module_off(httpd_factory, tmp_path_factory):
    run = run_litmus("off", httpd_factory, None, tmp_path_factory)
    check_all_suites_ran(run)
    # plain mod_dav is the baseline; it must at least get through `basic'
    assert run.suites["basic"].failed == 0, run.suites["basic"].failures
    assert run.refused == [], "no module, yet a retrywith-substatus note was logged"


@pytest.mark.expect_errors(*LITMUS_ERRORS)
def test_litmus_module_on(httpd_factory, module_path, tmp_path_factory):
    run = run_litmus("on", httpd_factory, module_path, tmp_path_factory)
    check_all_suites_ran(run)


@pytest.mark.expect_errors(*LITMUS_ERRORS)
def test_litmus_on_not_worse_than_off(httpd_factory, module_path, tmp_path_factory,
                                      capsys):
    off = run_litmus("off", httpd_factory, None, tmp_path_factory)
    on = run_litmus("on", httpd_factory, module_path, tmp_path_factory)
    check_all_suites_ran(off)
    check_all_suites_ran(on)

    rows = [f"{'suite':<10} {'off passed/run':>15} {'on passed/run':>15} "
            f"{'off warn':>9} {'on warn':>8}"]
    for s in SUITES:
        a, b = off.suites[s], on.suites[s]
        rows.append(f"{s:<10} {f'{a.passed}/{a.run}':>15} {f'{b.passed}/{b.run}':>15} "
                    f"{len(a.warnings):>9} {len(b.warnings):>8}")
    for kind, run in (("off", off), ("on", on)):
        for s in SUITES:
            for f in run.suites[s].failures:
                rows.append(f"  {kind} FAIL {s}: {f}")
            for w in run.suites[s].warnings:
                rows.append(f"  {kind} warn {s}: {w}")
    rows.append(f"requests refused by the module during the 'on' run: {len(on.refused)}")
    rows += ["  " + ln for ln in on.refused]
    table = "\n".join(rows)
    out = tmp_path_factory.mktemp("litmus-table") / "litmus-table.txt"
    out.write_text(table + "\n")
    # shown in every run, not only under -s: the counts are the result
    with capsys.disabled():
        print("\nlitmus, module off vs on (" + str(out) + "):\n" + table)

    worse = [s for s in SUITES if on.suites[s].passed < off.suites[s].passed]
    assert not worse, f"the module makes litmus worse in {worse}:\n{table}"
    assert all(on.suites[s].run == off.suites[s].run for s in SUITES), table
