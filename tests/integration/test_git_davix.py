"""git over WebDAV (dumb http, git http-push) and davix, with and without
mod_retrywith, on the /dav/ share (mod_dav_fs; the module is on there by
default).

Two servers, the same configuration but for the module.  The same operations
run against both; every operation that works without the module must work
with it (one test per operation).  The tables of results, with the requests
each server refused and the module's reasons, are printed by the *_report
tests (in every run) and written to their temporary directories.

git: a bare repository made on the server (`git init --bare`, the post-update
sample hook enabled, `git --bare update-server-info`), pushed to with
`git push http://.../dav/repo.git/` (git's http-push, which speaks WebDAV:
PROPFIND, MKCOL, LOCK, PUT, MOVE, UNLOCK, DELETE; no git on the server), then
`git ls-remote`, `git clone`, `git fetch` over the same dumb http.  Commits
have fixed dates, so both servers must end up with the same repository.

davix: davix-mkdir, davix-put, davix-ls, davix-get, davix-mv, davix-cp,
davix-rm and davix-http (COPY with a Destination, PROPFIND, PROPPATCH, LOCK,
UNLOCK).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import CRASH_PATTERNS
from httpd import RUN_GROUP, RUN_USER
from onoff import OpFailed, Session, client_env, not_worse, run, skip_reason, table

DAV = "{DAV:}"
ZNS = "urn:example:davix-test"



def _chown_r(path: Path) -> None:
    subprocess.run(["chown", "-R", f"{RUN_USER}:{RUN_GROUP}", str(path)], check=True)


@pytest.fixture(scope="module")
def dav_pair(httpd_factory, module_path):
    """httpd without and with the module, for this file only (the client
    sessions below leave their files in the shares)."""
    off = httpd_factory("gitdav-off", module_path=None)
    on = httpd_factory("gitdav-on", module_path=module_path)
    try:
        yield off, on
    finally:
        off.stop()
        on.stop()


def _no_crash(*sessions: Session) -> None:
    from httpd import _alive
    for s in sessions:
        crashes = [ln for ln in s.srv.error_lines()
                   if any(p.search(ln) for p in CRASH_PATTERNS)]
        assert not crashes, f"{s.srv.name}: " + "\n".join(crashes[:20])
        assert s.srv.pid and _alive(s.srv.pid), f"{s.srv.name} is gone"


# ==========================================================================
# git
# ==========================================================================

GIT_OPS = [
    "push",                 # main, 3 commits, to an empty repository
    "push-more",            # 2 more commits on main
    "push-branch",          # a new branch
    "push-tag",             # an annotated tag
    "ls-remote",            # info/refs as http-push left it
    "clone",                # after update-server-info on the server
    "push-then-fetch",      # one more commit, fetched into the clone
    "push-delete-branch",   # git push URL :feature
]


class GitClient:
    def __init__(self, srv, work: Path):
        self.srv = srv
        self.work = work
        self.bare = srv.share / "repo.git"
        self.url = srv.url("/dav/repo.git/")      # http-push wants the slash
        self.src = work / "src"
        self.clone = work / "clone"
        self.env = client_env(
            work, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", GIT_ASKPASS="",
            GIT_AUTHOR_NAME="RW Test", GIT_AUTHOR_EMAIL="rw@example.com",
            GIT_COMMITTER_NAME="RW Test", GIT_COMMITTER_EMAIL="rw@example.com",
            GIT_AUTHOR_DATE="2026-01-01T12:00:00 +0000",
            GIT_COMMITTER_DATE="2026-01-01T12:00:00 +0000")
        self.n = 0

    def git(self, *args: str, cwd: Path | None = None) -> str:
        # One request at a time: git http-push sends its MKCOLs in parallel,
        # and two objects under the same objects/xx/ then race mod_dav_fs
        # (the second MKCOL finds the folder made since its PROPFIND: 403),
        # with or without the module (seen once, on the server alone).
        return run(["git", "-c", "http.maxRequests=1", *args], cwd=cwd or self.src,
                   env=self.env, timeout=90)

    def commit(self, n: int = 1) -> None:
        for _ in range(n):
            self.n += 1
            (self.src / "f.txt").write_text(f"version {self.n}\n")
            d = self.src / "dir" / f"sub{self.n % 3}"
            d.mkdir(parents=True, exist_ok=True)
            (d / f"g{self.n}.txt").write_text(f"file {self.n}\n" * self.n)
            self.git("add", "-A")
            self.git("commit", "-q", "-m", f"commit {self.n}")

    def rev(self, ref: str, repo: Path | None = None) -> str:
        return self.git("rev-parse", ref, cwd=repo or self.src).strip()

    def server_ref(self, ref: str) -> str | None:
        """The ref as a file in the bare repository on the server (http-push
        writes loose refs)."""
        p = self.bare / ref
        return p.read_text().strip() if p.is_file() else None

    def remote_refs(self) -> dict[str, str]:
        out = self.git("ls-remote", self.url)
        return {ref: sha for sha, ref in (ln.split("\t") for ln in out.splitlines() if ln)}


def run_git_session(srv, work: Path) -> Session:
    s = Session(srv, "on" if srv.module_loaded else "off")
    g = GitClient(srv, work)

    # the server's side: a bare repository in the share, as the brief of the
    # dumb protocol wants it
    subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(g.bare)],
                   check=True, env=g.env)
    hooks = g.bare / "hooks"
    (hooks / "post-update.sample").rename(hooks / "post-update")
    subprocess.run(["git", "--bare", "update-server-info"], cwd=g.bare, check=True, env=g.env)
    _chown_r(g.bare)

    g.src.mkdir(parents=True)
    g.git("init", "-q", "--initial-branch=main")

    def push():
        g.commit(3)
        g.git("push", g.url, "main")
        assert g.server_ref("refs/heads/main") == g.rev("main")
    s.op("push", push)

    def push_more():
        g.commit(2)
        g.git("push", g.url, "main")
        assert g.server_ref("refs/heads/main") == g.rev("main")
    s.op("push-more", push_more)

    def push_branch():
        g.git("checkout", "-q", "-b", "feature")
        g.commit(1)
        g.git("checkout", "-q", "main")
        g.git("push", g.url, "feature")
        assert g.server_ref("refs/heads/feature") == g.rev("feature")
    s.op("push-branch", push_branch)

    def push_tag():
        g.git("tag", "-a", "-m", "version one", "v1", "main")
        g.git("push", g.url, "v1")
        assert g.server_ref("refs/tags/v1") == g.rev("v1")
    s.op("push-tag", push_tag)

    def ls_remote():
        refs = g.remote_refs()
        want = {"refs/heads/main": g.rev("main"), "refs/heads/feature": g.rev("feature"),
                "refs/tags/v1": g.rev("v1")}
        assert {k: refs.get(k) for k in want} == want, refs
    s.op("ls-remote", ls_remote)

    def clone():
        # as the dumb protocol's setup says: update-server-info on the server
        subprocess.run(["git", "--bare", "update-server-info"], cwd=g.bare,
                       check=True, env=g.env)
        _chown_r(g.bare)
        g.git("clone", "-q", g.url, str(g.clone), cwd=work)
        for ref, local in (("origin/main", "main"), ("origin/feature", "feature"),
                           ("v1", "v1")):
            assert g.rev(ref, g.clone) == g.rev(local), ref
        g.git("fsck", "--full", "--no-progress", cwd=g.clone)
        assert (g.clone / "f.txt").read_text() == (g.src / "f.txt").read_text()
    s.op("clone", clone)

    def push_then_fetch():
        g.commit(1)
        g.git("push", g.url, "main")
        g.git("fetch", "-q", "origin", cwd=g.clone)
        assert g.rev("origin/main", g.clone) == g.rev("main")
    s.op("push-then-fetch", push_then_fetch)

    def push_delete_branch():
        g.git("push", g.url, ":feature")
        assert g.server_ref("refs/heads/feature") is None
        assert "refs/heads/feature" not in g.remote_refs()
    s.op("push-delete-branch", push_delete_branch)
    return s


def _repo_digest(bare: Path) -> dict[str, str]:
    """Every file under refs/ and objects/ of a bare repository, hashed."""
    out = {}
    for sub in ("refs", "objects"):
        for p in sorted((bare / sub).rglob("*")):
            if p.is_file() and "info" not in p.relative_to(bare).parts:
                out[str(p.relative_to(bare))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


class GitRun:
    def __init__(self, off: Session, on: Session):
        self.off, self.on = off, on


@pytest.fixture(scope="module")
def git_run(dav_pair, tmp_path_factory):
    why = skip_reason(binaries=("git",), packages="git")
    if why is None:
        exec_path = subprocess.run(["git", "--exec-path"], capture_output=True,
                                   text=True).stdout.strip()
        if not os.access(os.path.join(exec_path, "git-http-push"), os.X_OK):
            why = f"not installed: {exec_path}/git-http-push (git built without expat)"
    if why:
        print(f"\ntest_git_davix (git): skipped, {why}")
        pytest.skip(why)
    off_srv, on_srv = dav_pair
    off = run_git_session(off_srv, tmp_path_factory.mktemp("git-client-off"))
    on = run_git_session(on_srv, tmp_path_factory.mktemp("git-client-on"))
    return GitRun(off, on)


@pytest.mark.parametrize("op", GIT_OPS)
def test_git_not_worse_than_server_alone(git_run, op):
    not_worse(op, git_run.off, git_run.on)


def test_git_baseline_works(git_run):
    bad = [r.explain() for r in git_run.off.results.values() if not r.ok]
    assert not bad, "mod_dav_fs alone fails:\n" + "\n".join(bad)
    assert set(git_run.off.results) == set(GIT_OPS)


def test_git_same_repository(git_run):
    """Fixed commit dates: the module's server ends with the very same
    repository (refs and objects) as the server alone."""
    off = _repo_digest(git_run.off.srv.share / "repo.git")
    on = _repo_digest(git_run.on.srv.share / "repo.git")
    assert off, "nothing pushed without the module"
    only_off = sorted(set(off) - set(on))
    only_on = sorted(set(on) - set(off))
    differ = sorted(k for k in set(off) & set(on) if off[k] != on[k])
    assert not (only_off or only_on or differ), \
        f"only without the module: {only_off[:10]}; only with it: {only_on[:10]}; " \
        f"different: {differ[:10]}"


def test_git_report(git_run, tmp_path, capsys):
    text = table("git over WebDAV (http-push, dumb http), module off vs on", GIT_OPS,
                 git_run.off, git_run.on)
    (tmp_path / "git-table.txt").write_text(text + "\n")
    with capsys.disabled():
        print(f"\n{text}\n(table: {tmp_path / 'git-table.txt'})")
    _no_crash(git_run.off, git_run.on)


# ==========================================================================
# davix
# ==========================================================================

DAVIX_OPS = [
    "mkdir",            # davix-mkdir
    "put",              # davix-put, small
    "put-large",        # davix-put, 3 MiB
    "ls",               # davix-ls -l
    "get",              # davix-get
    "mkdir-sub",
    "move",             # davix-mv
    "copy",             # davix-http -X COPY, Destination header
    "copy-tpc",         # davix-cp (third-party copy: COPY + X-Number-Of-Streams)
    "propfind",         # davix-http -X PROPFIND, Depth 1, a prop body
    "proppatch",        # davix-http -X PROPPATCH, then read back
    "lock-unlock",      # davix-http -X LOCK, then UNLOCK with the token
    "delete",           # davix-rm of a file
    "delete-tree",      # davix-rm -r of a directory with files
    "rmdir",            # davix-rm of the (now empty) top directory
]

DAVIX_COMMON = ["--retry", "0", "--conn-timeout", "10", "--timeout", "60"]
STATUS_RE = re.compile(r"^< HTTP/1\.[01] (\d{3})", re.M)


class Davix:
    def __init__(self, srv, work: Path):
        self.srv = srv
        self.work = work
        self.top = "dx"
        self.base = srv.url(f"/dav/{self.top}")
        self.env = client_env(work)

    def __call__(self, tool: str, *args: str, check: bool = True) -> tuple[int, str]:
        cmd = [tool, *DAVIX_COMMON, *args]
        if check:
            return 0, run(cmd, cwd=self.work, env=self.env, timeout=90)
        try:
            p = subprocess.run(cmd, cwd=self.work, env=self.env, capture_output=True,
                               text=True, errors="replace", timeout=90)
        except subprocess.TimeoutExpired as e:
            raise OpFailed(f"{tool}: no answer after 90 s") from e
        return p.returncode, p.stdout + p.stderr

    def http(self, method: str, path: str, *headers: str, data: str | None = None):
        """davix-http (which exits 0 whatever the status): (status, headers
        of the last response, whole output)."""
        args = ["--trace", "header", "-X", method]
        for h in headers:
            args += ["-H", h]
        if data is not None:
            args += ["--data", data]
        _, out = self("davix-http", *args, f"{self.base}/{path}")
        statuses = STATUS_RE.findall(out)
        if not statuses:
            raise OpFailed(f"davix-http {method} {path}: no status line in {out[-500:]!r}")
        hdrs = {}
        for ln in out.splitlines():
            if ln.startswith("< ") and ":" in ln:
                k, _, v = ln[2:].partition(":")
                hdrs[k.strip().lower()] = v.strip()
        return int(statuses[-1]), hdrs, out

    def there(self, rel: str) -> Path:
        return self.srv.share / self.top / rel


def _multistatus(out: str) -> ET.Element:
    start = out.find("<?xml")
    end = out.rfind("</D:multistatus>")
    assert start >= 0 and end > start, f"no multistatus in {out[-800:]!r}"
    return ET.fromstring(out[start:end + len("</D:multistatus>")])


def run_davix_session(srv, work: Path) -> Session:
    s = Session(srv, "on" if srv.module_loaded else "off")
    d = Davix(srv, work)
    small = work / "small.txt"
    small.write_bytes(b"davix small file\n" * 20)
    large = work / "large.bin"
    large.write_bytes(os.urandom(3 * 1024 * 1024))

    def mkdir():
        d("davix-mkdir", d.base)
        assert d.there("").is_dir()
    s.op("mkdir", mkdir)

    def put():
        d("davix-put", str(small), f"{d.base}/small.txt")
        assert d.there("small.txt").read_bytes() == small.read_bytes()
    s.op("put", put)

    def put_large():
        d("davix-put", str(large), f"{d.base}/large.bin")
        assert d.there("large.bin").read_bytes() == large.read_bytes()
    s.op("put-large", put_large)

    def ls():
        _, out = d("davix-ls", "-l", d.base)
        assert "small.txt" in out and "large.bin" in out, out
        assert re.search(r"\b3145728\b", out), out
    s.op("ls", ls)

    def get():
        dst = work / "got.bin"
        d("davix-get", f"{d.base}/large.bin", str(dst))
        assert dst.read_bytes() == large.read_bytes()
    s.op("get", get)

    def mkdir_sub():
        d("davix-mkdir", f"{d.base}/sub")
        assert d.there("sub").is_dir()
    s.op("mkdir-sub", mkdir_sub)

    def move():
        # davix-mv 0.8.4 exits 255 even after "201 Created": judged by the
        # share and by what it printed
        rc, out = d("davix-mv", f"{d.base}/small.txt", f"{d.base}/sub/moved.txt",
                    check=False)
        assert "Error" not in out, f"davix-mv exit {rc}: {out[-400:]}"
        assert not d.there("small.txt").exists(), "the source is still there"
        assert d.there("sub/moved.txt").read_bytes() == small.read_bytes()
    s.op("move", move)

    def copy():
        st, _, out = d.http("COPY", "large.bin", f"Destination: {d.base}/copied.bin",
                            "Overwrite: F")
        assert st == 201, f"COPY answered {st}"
        assert d.there("copied.bin").read_bytes() == large.read_bytes()
        assert d.there("large.bin").exists()
    s.op("copy", copy)

    def copy_tpc():
        # davix's third-party copy waits for WLCG performance markers that
        # mod_dav does not send: it reports "Status of TPC request unknown"
        # with or without the module; the copy itself is judged on the share
        rc, out = d("davix-cp", f"{d.base}/large.bin", f"{d.base}/tpc.bin", check=False)
        assert "HTTP 4" not in out and "HTTP 5" not in out, f"davix-cp exit {rc}: {out[-400:]}"
        assert d.there("tpc.bin").read_bytes() == large.read_bytes(), \
            f"no copy (davix-cp exit {rc}: {out[-300:]})"
    s.op("copy-tpc", copy_tpc)

    def propfind():
        body = ('<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:">'
                '<D:prop><D:getcontentlength/><D:resourcetype/></D:prop></D:propfind>')
        st, _, out = d.http("PROPFIND", "", "Depth: 1",
                            "Content-Type: application/xml", data=body)
        assert st == 207, f"PROPFIND answered {st}"
        hrefs = {h.text.rstrip("/").rsplit("/", 1)[-1]
                 for h in _multistatus(out).iter(DAV + "href")}
        assert {"large.bin", "copied.bin", "sub"} <= hrefs, hrefs
    s.op("propfind", propfind)

    def proppatch():
        body = ('<?xml version="1.0" encoding="utf-8"?>'
                f'<D:propertyupdate xmlns:D="DAV:" xmlns:Z="{ZNS}"><D:set><D:prop>'
                '<Z:checksum>adler32:0badcafe</Z:checksum></D:prop></D:set>'
                '</D:propertyupdate>')
        st, _, _ = d.http("PROPPATCH", "copied.bin", "Content-Type: application/xml",
                          data=body)
        assert st == 207, f"PROPPATCH answered {st}"
        q = ('<?xml version="1.0" encoding="utf-8"?>'
             f'<D:propfind xmlns:D="DAV:" xmlns:Z="{ZNS}"><D:prop><Z:checksum/>'
             '</D:prop></D:propfind>')
        st, _, out = d.http("PROPFIND", "copied.bin", "Depth: 0", data=q)
        assert st == 207, f"PROPFIND answered {st}"
        val = _multistatus(out).find(f".//{{{ZNS}}}checksum")
        assert val is not None and val.text == "adler32:0badcafe", out[-600:]
    s.op("proppatch", proppatch)

    def lock_unlock():
        li = ('<?xml version="1.0" encoding="utf-8"?><D:lockinfo xmlns:D="DAV:">'
              '<D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/>'
              '</D:locktype><D:owner>davix</D:owner></D:lockinfo>')
        st, hdrs, _ = d.http("LOCK", "copied.bin", "Timeout: Second-120", "Depth: 0",
                             data=li)
        assert st == 200, f"LOCK answered {st}"
        token = hdrs.get("lock-token", "")
        assert re.fullmatch(r"<opaquelocktoken:[0-9a-f-]{36}>", token), hdrs
        st, _, _ = d.http("DELETE", "copied.bin")
        assert st == 423, f"DELETE of a locked file answered {st}"
        st, _, _ = d.http("UNLOCK", "copied.bin", f"Lock-Token: {token}")
        assert st == 204, f"UNLOCK answered {st}"
    s.op("lock-unlock", lock_unlock)

    def delete():
        d("davix-rm", f"{d.base}/copied.bin")
        assert not d.there("copied.bin").exists()
    s.op("delete", delete)

    def delete_tree():
        d("davix-rm", "-r", "1", f"{d.base}/sub")
        assert not d.there("sub").exists()
    s.op("delete-tree", delete_tree)

    def rmdir():
        for f in ("large.bin", "tpc.bin"):
            if d.there(f).exists():
                d("davix-rm", f"{d.base}/{f}")
        d("davix-rm", d.base)
        assert not d.there("").exists()
    s.op("rmdir", rmdir)
    return s


class DavixRun:
    def __init__(self, off: Session, on: Session):
        self.off, self.on = off, on


@pytest.fixture(scope="module")
def davix_run(dav_pair, tmp_path_factory):
    tools = ("davix-put", "davix-get", "davix-ls", "davix-mkdir", "davix-mv",
             "davix-cp", "davix-rm", "davix-http")
    why = skip_reason(binaries=tools, packages="davix")
    if why:
        print(f"\ntest_git_davix (davix): skipped, {why}")
        pytest.skip(why)
    off_srv, on_srv = dav_pair
    off = run_davix_session(off_srv, tmp_path_factory.mktemp("davix-client-off"))
    on = run_davix_session(on_srv, tmp_path_factory.mktemp("davix-client-on"))
    return DavixRun(off, on)


@pytest.mark.parametrize("op", DAVIX_OPS)
def test_davix_not_worse_than_server_alone(davix_run, op):
    not_worse(op, davix_run.off, davix_run.on)


def test_davix_baseline_works(davix_run):
    bad = [r.explain() for r in davix_run.off.results.values() if not r.ok]
    assert not bad, "mod_dav_fs alone fails:\n" + "\n".join(bad)
    assert set(davix_run.off.results) == set(DAVIX_OPS)


def test_davix_report(davix_run, tmp_path, capsys):
    text = table("davix, module off vs on", DAVIX_OPS, davix_run.off, davix_run.on)
    (tmp_path / "davix-table.txt").write_text(text + "\n")
    with capsys.disabled():
        print(f"\n{text}\n(table: {tmp_path / 'davix-table.txt'})")
    _no_crash(davix_run.off, davix_run.on)
