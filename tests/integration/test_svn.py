"""Subversion through mod_dav_svn, with and without mod_retrywith.

Two httpd servers, the same configuration but for the module, each serve a
fresh `svnadmin create`d repository at /svn/ (`DAV svn`, `SVNPath`, Basic
authentication: mod_dav_svn refuses anonymous locks).  On the module's server
the location carries `RetryWith On` (the module acts on a DAV provider other
than mod_dav_fs only where that is said explicitly).  The repository has a
pre-revprop-change hook that allows every change.

The same operations, with the real `svn` and `svnmucc` clients, run against
both servers; every operation that works without the module must work with it
(one test per operation).  The table of results, with the requests each
server refused and the module's reasons, is printed by
test_svn_error_log_clean (in every run, not only under -s) and written to
svn-table.txt in its temporary directory.  Every request to /svn, with its
If header, Content-Length and Content-Type, is also logged to
logs/svn_requests in each server's root.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import CRASH_PATTERNS
from httpd import RUN_GROUP, RUN_USER
from onoff import Session, client_env, not_worse, run, skip_reason, table

USER, PASSWORD = "alice", "wonderland-7"

SVN_MODULES = [
    ("auth_basic_module", "mod_auth_basic.so"),
    ("authn_file_module", "mod_authn_file.so"),
    ("authz_user_module", "mod_authz_user.so"),
    ("dav_svn_module", "mod_dav_svn.so"),
]

#: the operations, in the order they run
SVN_OPS = [
    "checkout",
    "add",                      # new directories and files, committed
    "commit",                   # a changed file
    "propset",                  # node properties without a colon (owner, svn:eol-style)
    "propset-colon",            # bugtraq:url, tsvn:logminsize on a node, committed
    "revprop",                  # svn:log of r1
    "revprop-colon",            # bugtraq:foo on r1
    "copy",                     # URL to URL
    "svnmucc",                  # mkdir + cp + put in one commit
    "svnmucc-propset-colon",    # bugtraq:logregex through svnmucc
    "move",                     # in the working copy, committed
    "lock",
    "commit-locked",            # a change to a file locked by us (--no-unlock)
    "unlock",
    "rm-dir-100-locks",         # svn rm of a directory of 100 files all locked
    "rm-dir-70-locks",          # the same with 70 (its If header fits in 8190 bytes)
    "update",                   # a second working copy, from r2 to HEAD
    "log",
]


def _svn_location(path: str, repo: Path, htpasswd: Path, extra: str = "") -> str:
    return f"""<Location {path}>
    DAV svn
    SVNPath "{repo}"
    AuthType Basic
    AuthName "mod_retrywith svn test"
    AuthBasicProvider file
    AuthUserFile "{htpasswd}"
    Require valid-user
{extra}</Location>
"""


def _svn_conf(repo: Path, htpasswd: Path, module: bool, root: Path) -> str:
    return (f"""LogFormat "%m %U %>s %{{retrywith-substatus}}n cl=%{{Content-Length}}i ct=%{{Content-Type}}i if=%{{If}}i" svnreq
CustomLog "{root}/logs/svn_requests" svnreq "expr=%{{REQUEST_URI}} =~ m#^/svn#"
"""
            + _svn_location("/svn", repo, htpasswd, "    RetryWith On\n" if module else "")
            # the same repository where the module is loaded but not turned on
            + _svn_location("/svn-default", repo, htpasswd))


def _make_server(httpd_factory, name: str, module_path):
    srv = httpd_factory(name, module_path=module_path, start=False,
                        extra_modules=SVN_MODULES)
    repo = srv.root / "svnrepo"
    subprocess.run(["svnadmin", "create", str(repo)], check=True,
                   capture_output=True, timeout=60)
    hook = repo / "hooks" / "pre-revprop-change"
    hook.write_text("#!/bin/sh\nexit 0\n")
    hook.chmod(0o755)
    subprocess.run(["chown", "-R", f"{RUN_USER}:{RUN_GROUP}", str(repo)], check=True)
    htpasswd = srv.root / "conf" / "htpasswd"
    sha = base64.b64encode(hashlib.sha1(PASSWORD.encode()).digest()).decode()
    htpasswd.write_text(f"{USER}:{{SHA}}{sha}\n")
    htpasswd.chmod(0o644)
    srv.start(extra_conf=_svn_conf(repo, htpasswd, module_path is not None, srv.root))
    return srv


class SvnClient:
    """svn and svnmucc for one server, with a private config directory."""

    def __init__(self, srv, work: Path):
        self.srv = srv
        self.work = work
        self.url = srv.url("/svn")
        self.wc = work / "wc"
        self.wc2 = work / "wc2"
        self.env = client_env(work)
        self.common = ["--non-interactive", "--no-auth-cache",
                       "--username", USER, "--password", PASSWORD,
                       "--config-dir", str(work / "svn-config"),
                       "--config-option", "servers:global:http-timeout=60"]

    def svn(self, *args: str, cwd: Path | None = None) -> str:
        return run(["svn", *self.common, *args], cwd=cwd or self.wc, env=self.env,
                   show=["svn", *args])

    def mucc(self, *args: str) -> str:
        return run(["svnmucc", *self.common, "-U", self.url, *args],
                   cwd=self.work, env=self.env, show=["svnmucc", *args])

    def revert(self) -> None:
        self.svn("revert", "-R", ".")
        self.svn("cleanup", "--remove-unversioned")

    def ls(self, path: str = "", recursive: bool = False) -> list[str]:
        args = ["ls", f"{self.url}/{path}".rstrip("/")] + (["-R"] if recursive else [])
        return self.svn(*args, cwd=self.work).split()

    def propget(self, name: str, path: str) -> str:
        return self.svn("propget", name, f"{self.url}/{path}", cwd=self.work).strip()

    def revprop(self, name: str, rev: int) -> str:
        return self.svn("propget", "--revprop", f"-r{rev}", name, self.url,
                        cwd=self.work).strip()

    def lock_owner(self, path: str) -> str:
        """The lock's owner ('' when not locked)."""
        out = self.svn("info", "--xml", f"{self.url}/{path}", cwd=self.work)
        owner = ET.fromstring(out).find("entry/lock/owner")
        return "" if owner is None else (owner.text or "")

    def youngest(self) -> int:
        return int(self.svn("info", "--show-item", "revision", self.url,
                            cwd=self.work).strip())


def run_svn_session(srv, work: Path) -> Session:
    work.mkdir(parents=True, exist_ok=True)
    s = Session(srv, "on" if srv.module_loaded else "off")
    c = SvnClient(srv, work)
    wc = c.wc

    def checkout():
        c.svn("checkout", c.url, str(wc), cwd=work)
        assert (wc / ".svn").is_dir(), "no working copy"
    s.op("checkout", checkout)

    def add():
        (wc / "trunk" / "docs").mkdir(parents=True)
        (wc / "trunk" / "a.txt").write_text("alpha\n")
        (wc / "trunk" / "p.txt").write_text("for the properties\n")
        (wc / "trunk" / "docs" / "readme.txt").write_text("read me\n")
        (wc / "trunk" / "docs" / "guide.txt").write_text("guide\n" * 100)
        c.svn("add", "trunk")
        c.svn("commit", "-m", "trunk with a few files")
        got = set(c.ls("trunk", recursive=True))
        assert {"a.txt", "p.txt", "docs/", "docs/readme.txt", "docs/guide.txt"} <= got, got
        # the second working copy, at r1, for "update"
        c.svn("checkout", c.url, str(c.wc2), cwd=work)
    s.op("add", add, c.revert)

    def commit():
        (wc / "trunk" / "a.txt").write_text("alpha, changed\n" * 50)
        c.svn("commit", "-m", "a.txt changed")
        got = c.svn("cat", f"{c.url}/trunk/a.txt", cwd=work)
        assert got == "alpha, changed\n" * 50, got[:200]
    s.op("commit", commit, c.revert)

    def propset():
        c.svn("update")
        c.svn("propset", "owner", "the test", "trunk")
        c.svn("propset", "svn:eol-style", "native", "trunk/p.txt")
        c.svn("commit", "-m", "properties without a colon in their names")
        assert c.propget("owner", "trunk") == "the test"
        assert c.propget("svn:eol-style", "trunk/p.txt") == "native"
    s.op("propset", propset, c.revert)

    def propset_colon():
        c.svn("update")
        c.svn("propset", "bugtraq:url", "http://bugs.example.com/%BUGID%", "trunk")
        c.svn("propset", "tsvn:logminsize", "10", "trunk")
        c.svn("propset", "bugtraq:message", "Issue: %BUGID%", "trunk/p.txt")
        c.svn("commit", "-m", "properties with colons in their names")
        assert c.propget("bugtraq:url", "trunk") == "http://bugs.example.com/%BUGID%"
        assert c.propget("tsvn:logminsize", "trunk") == "10"
        assert c.propget("bugtraq:message", "trunk/p.txt") == "Issue: %BUGID%"
    s.op("propset-colon", propset_colon, c.revert)

    def revprop():
        c.svn("propset", "--revprop", "-r1", "svn:log", "the first commit, rewritten",
              c.url, cwd=work)
        assert c.revprop("svn:log", 1) == "the first commit, rewritten"
    s.op("revprop", revprop)

    def revprop_colon():
        c.svn("propset", "--revprop", "-r1", "bugtraq:foo", "bar", c.url, cwd=work)
        assert c.revprop("bugtraq:foo", 1) == "bar"
    s.op("revprop-colon", revprop_colon)

    def copy():
        c.svn("copy", f"{c.url}/trunk", f"{c.url}/branches/b1", "--parents",
              "-m", "branch b1", cwd=work)
        assert {"a.txt", "docs/"} <= set(c.ls("branches/b1")), c.ls("branches/b1")
    s.op("copy", copy)

    def svnmucc():
        f = work / "mucc.txt"
        f.write_text("put by svnmucc\n")
        c.mucc("-m", "svnmucc: tag and put", "mkdir", "tags",
               "cp", "HEAD", "trunk", "tags/v1", "put", str(f), "trunk/mucc.txt")
        assert "docs/" in c.ls("tags/v1")
        assert c.svn("cat", f"{c.url}/trunk/mucc.txt", cwd=work) == "put by svnmucc\n"
    s.op("svnmucc", svnmucc)

    def svnmucc_colon():
        c.mucc("-m", "svnmucc: a property with a colon",
               "propset", "bugtraq:logregex", r"[Ii]ssue #?(\d+)", "trunk")
        assert c.propget("bugtraq:logregex", "trunk") == r"[Ii]ssue #?(\d+)"
    s.op("svnmucc-propset-colon", svnmucc_colon)

    def move():
        c.svn("update")
        c.svn("move", "trunk/a.txt", "trunk/b.txt")
        c.svn("move", "trunk/docs/guide.txt", "trunk/guide.txt")
        c.svn("commit", "-m", "renamed")
        got = set(c.ls("trunk", recursive=True))
        assert {"b.txt", "guide.txt"} <= got and not {"a.txt", "docs/guide.txt"} & got, got
    s.op("move", move, c.revert)

    def lock():
        c.svn("update")
        c.svn("lock", "-m", "the test holds it", "trunk/docs/readme.txt")
        assert c.lock_owner("trunk/docs/readme.txt") == USER
    s.op("lock", lock)

    def commit_locked():
        (wc / "trunk" / "docs" / "readme.txt").write_text("changed under a lock\n")
        c.svn("commit", "--no-unlock", "-m", "a locked file changed")
        assert c.svn("cat", f"{c.url}/trunk/docs/readme.txt", cwd=work) == \
            "changed under a lock\n"
        assert c.lock_owner("trunk/docs/readme.txt") == USER, "the lock is gone"
    s.op("commit-locked", commit_locked, c.revert)

    def unlock():
        c.svn("unlock", "trunk/docs/readme.txt")
        assert c.lock_owner("trunk/docs/readme.txt") == "", "still locked"
    s.op("unlock", unlock)

    def rm_locked_dir(n: int):
        d = f"locked{n}"

        def fn():
            c.svn("update")
            (wc / d).mkdir()
            names = [f"{d}/file-{i:03d}.txt" for i in range(n)]
            for p in names:
                (wc / p).write_text(f"{p}\n")
            c.svn("add", d)
            c.svn("commit", "-m", f"{n} files")
            c.svn("lock", "-m", f"{n} locks", *names)
            assert c.lock_owner(names[-1]) == USER, "not locked"
            c.svn("rm", d)
            # the DELETE of the directory carries every lock token below it:
            # first in an If header (one list per file), then, if that is
            # refused, in a body (<S:lock-token-list>)
            c.svn("commit", "-m", f"a directory of {n} locked files removed")
            assert f"{d}/" not in c.ls(), c.ls()
        return fn
    s.op("rm-dir-100-locks", rm_locked_dir(100), c.revert)
    s.op("rm-dir-70-locks", rm_locked_dir(70), c.revert)

    def update():
        c.svn("update", cwd=c.wc2)
        have = set()
        for p in c.wc2.rglob("*"):
            rel = p.relative_to(c.wc2)
            if rel.parts[0] == ".svn":
                continue
            have.add(str(rel) + ("/" if p.is_dir() else ""))
        want = set(c.ls(recursive=True))
        assert have == want, f"only in wc2: {sorted(have - want)[:10]}, " \
                             f"only in the repository: {sorted(want - have)[:10]}"
        rev = c.svn("info", "--show-item", "revision", cwd=c.wc2).strip()
        assert int(rev) == c.youngest(), rev
    s.op("update", update)

    def log():
        out = c.svn("log", "-v", "--xml", c.url, cwd=work)
        entries = ET.fromstring(out).findall("logentry")
        youngest = c.youngest()
        assert youngest > 0 and len(entries) == youngest, (len(entries), youngest)
        assert entries[-1].get("revision") == "1"
        c.svn("log", "-l", "3", f"{c.url}/trunk", cwd=work)
    s.op("log", log)
    return s


# --------------------------------------------------------------------------

class SvnRun:
    def __init__(self, off: Session, on: Session):
        self.off, self.on = off, on


@pytest.fixture(scope="module")
def svn_run(httpd_factory, module_path, tmp_path_factory):
    why = skip_reason(binaries=("svn", "svnadmin", "svnmucc"),
                      modules=[f for _, f in SVN_MODULES],
                      packages="subversion libapache2-mod-svn")
    if why:
        print(f"\ntest_svn: skipped, {why}")
        pytest.skip(why)
    off_srv = _make_server(httpd_factory, "svn-off", None)
    on_srv = _make_server(httpd_factory, "svn-on", module_path)
    try:
        off = run_svn_session(off_srv, tmp_path_factory.mktemp("svn-client-off"))
        on = run_svn_session(on_srv, tmp_path_factory.mktemp("svn-client-on"))
        yield SvnRun(off, on)
    finally:
        off_srv.stop()
        on_srv.stop()


@pytest.mark.parametrize("op", SVN_OPS)
def test_svn_not_worse_than_server_alone(svn_run, op):
    not_worse(op, svn_run.off, svn_run.on)


def test_svn_baseline_works(svn_run):
    """Without the module every operation works: otherwise the comparison
    above would prove nothing."""
    bad = [r.explain() for r in svn_run.off.results.values() if not r.ok]
    assert not bad, "mod_dav_svn alone fails:\n" + "\n".join(bad)
    assert set(svn_run.off.results) == set(SVN_OPS)


@pytest.mark.expect_errors(r"\[dav:error\].*AH00580")
def test_svn_location_checked_only_where_turned_on(svn_run):
    """mod_dav_svn is another provider: the module acts on it only under
    RetryWith On (/svn); in /svn-default it leaves every request to mod_dav,
    as if it were not loaded."""
    srv = svn_run.on.srv
    auth = {"Authorization": "Basic " + base64.b64encode(
        f"{USER}:{PASSWORD}".encode()).decode(), "Depth": "2"}
    on = srv.request("PROPFIND", "/svn/", auth)
    assert on.status == 400 and on.substatus == "400.2", on
    default = srv.request("PROPFIND", "/svn-default/", auth)
    assert default.substatus is None, default
    alone = svn_run.off.srv.request("PROPFIND", "/svn-default/", auth)
    assert default.status == alone.status, (default, alone)


def test_svn_error_log_clean(svn_run, tmp_path, capsys):
    """Prints the table; no crash in either server's error_log, and both
    parents still run."""
    text = table("svn through mod_dav_svn, module off vs on", SVN_OPS,
                 svn_run.off, svn_run.on)
    (tmp_path / "svn-table.txt").write_text(text + "\n")
    with capsys.disabled():
        print(f"\n{text}\n(table: {tmp_path / 'svn-table.txt'})")
    for sess in (svn_run.off, svn_run.on):
        srv = sess.srv
        crashes = [ln for ln in srv.error_lines()
                   if any(p.search(ln) for p in CRASH_PATTERNS)]
        assert not crashes, f"{srv.name}: " + "\n".join(crashes[:20])
    # stopped by the fixture only after the module's tests
    from httpd import _alive
    for sess in (svn_run.off, svn_run.on):
        assert sess.srv.pid and _alive(sess.srv.pid), f"{sess.srv.name} is gone"
