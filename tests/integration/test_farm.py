"""A farm of servers sharing the Ms-Echo-Request key (README "A farm of
servers"): RetryWithSecretFile, its refusals at start-up, three nodes behind
haproxy in round-robin where a 449 of one node is satisfied on another, a
key rotation, and forged echoes.

Which node served a request is read from the nodes' access logs: every
request carries its own X-RW-Test id, which haproxy passes on.

Echo tokens are also made here (make_echo, the grammar of dav/rwdav.h) with
a key of the test's choosing: a token made with the key in force must pass
(which proves make_echo right), one made with any other key is forged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import shutil
import socket
import time
from pathlib import Path

import pytest

from httpd import RUN_GROUP, RUN_USER, HttpdError, HttpdServer, free_port
from test_fronts import HAPROXY, Proxy
from test_retry449 import Item, check_449, check_bad_echo, fresh

KEY = "farm-key-0123456789abcdef"          # the farm's shared key
OLD_KEY = "old-key-of-the-rotation-4567"
NEW_KEY = "new-key-of-the-rotation-0123"
OTHER_KEY = "not-the-farm-key-0123456789"
CLIENT = ("X-Client-Id", "c-42")
I_CLIENT = Item("X-Client-Id", "header")


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def key_file(d: Path, name: str, *lines: str, mode: int = 0o600) -> Path:
    p = d / name
    p.write_text("".join(ln + "\n" for ln in lines))
    os.chmod(p, mode)
    return p


def _b64url(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def _mac(key: str, signed: str) -> str:
    return _b64url(hmac.new(key.encode(), signed.encode(), hashlib.sha256).digest())


def make_echo(key: str, method: str, uri: str, lifetime: int = 300) -> str:
    """"1." expiry "." rules "." target "." mac, signed with key."""
    target = _b64url(hashlib.sha256(f"{method}\n{uri}".encode()).digest()[:16])
    signed = f"1.{int(time.time()) + lifetime}.h0.{target}"
    return f"{signed}.{_mac(key, signed)}"


def signed_with(echo: str, key: str) -> bool:
    signed, _, mac = echo.rpartition(".")
    return hmac.compare_digest(_mac(key, signed), mac)


def mkdirs(srv: HttpdServer, *names: str) -> None:
    """Collections made on disk: a MKCOL would meet the policies."""
    for n in names:
        p = srv.share
        for part in Path(n).parts:
            p = p / part
            p.mkdir(exist_ok=True)
            shutil.chown(p, RUN_USER, RUN_GROUP)


def on_disk(srv: HttpdServer, path: str) -> bytes | None:
    p = srv.share / path[len("/dav/"):]
    return p.read_bytes() if p.exists() else None


def retry(srv, path: str, echo: str, body: bytes = b"x\n"):
    return srv.request("PUT", path, [("Ms-Echo-Reply", echo), CLIENT], body)


def first_449(srv, path: str):
    r = srv.request("PUT", path, [], b"x\n")
    return r, check_449(r, [I_CLIENT])


# --------------------------------------------------------------------------
# 1. RetryWithSecretFile refused at start-up
# --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def keys_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("farm-keys")


@pytest.fixture(scope="module")
def cfg_server(httpd_factory, module_path):
    """A server root with the module, never started: for `apache2 -t`."""
    return httpd_factory("farm-cfg", module_path=module_path, start=False)


def in_location(directive: str) -> str:
    return f"<Location /dav/>\n    {directive}\n</Location>\n"


# lines of the file (None: no file), its mode, and what the message says
BAD_FILES = {
    "group-readable": ([KEY], 0o640, "group or others"),
    "world-readable": ([KEY], 0o604, "group or others"),
    "group-writable": ([KEY], 0o620, "group or others"),
    "missing": (None, 0o600, "cannot read it"),
    "short-key": (["  0123456789abcde  "], 0o600, "fewer than 16"),   # 15 once trimmed
    "short-second-key": ([NEW_KEY, "0123456789"], 0o600, "line 2 has fewer than 16"),
    "three-keys": ([NEW_KEY, OLD_KEY, "", KEY], 0o600, "more than two keys (line 4)"),
    "empty": ([], 0o600, "holds no key"),
    "comments-only": (["# " + KEY, "", "   "], 0o600, "holds no key"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_key_file_fails_config_test(cfg_server, keys_dir, case):
    lines, mode, says = BAD_FILES[case]
    path = keys_dir / f"bad-{case}.key"
    if lines is not None:
        key_file(keys_dir, path.name, *lines, mode=mode)
    rc, out = cfg_server.config_test(in_location(f'RetryWithSecretFile "{path}"'))
    assert rc != 0 and "Syntax OK" not in out, f"{case} was accepted:\n{out}"
    assert "RetryWithSecretFile" in out and str(path) in out, out
    assert says in out, out
    for k in (KEY, NEW_KEY, OLD_KEY):
        assert k not in out, f"the message shows a key:\n{out}"


def test_key_file_may_not_be_a_directory(cfg_server, keys_dir):
    rc, out = cfg_server.config_test(in_location(f'RetryWithSecretFile "{keys_dir}"'))
    assert rc != 0 and "RetryWithSecretFile" in out and "not a regular file" in out, out


def test_good_key_file_passes_config_test(cfg_server, keys_dir):
    """The guard of the refusals above: mode 600 (and 400), comments, blank
    lines, CRLF and blanks around the keys; a path relative to ServerRoot."""
    p = keys_dir / "good.key"
    p.write_bytes(b"# current key first\r\n\r\n  " + NEW_KEY.encode() + b"  \r\n"
                  b"# the previous one, until one echo lifetime has passed\n\t"
                  + OLD_KEY.encode())
    for mode in (0o600, 0o400):
        os.chmod(p, mode)
        rc, out = cfg_server.config_test(in_location(f'RetryWithSecretFile "{p}"'))
        assert rc == 0 and "Syntax OK" in out, out
    key_file(cfg_server.root / "conf", "farm.key", KEY)
    rc, out = cfg_server.config_test(in_location("RetryWithSecretFile conf/farm.key"))
    assert rc == 0 and "Syntax OK" in out, out


def test_bad_key_file_stops_start(httpd_factory, module_path, keys_dir):
    path = key_file(keys_dir, "start-group.key", KEY, mode=0o640)
    srv = httpd_factory("farm-nostart", module_path=module_path, start=False,
                        extra_conf=in_location(f'RetryWithSecretFile "{path}"'))
    with pytest.raises(HttpdError) as failed:
        srv.start(attempts=1)
    assert "RetryWithSecretFile" in str(failed.value) and str(path) in str(failed.value)
    os.chmod(path, 0o600)      # and the same server starts once the mode is right
    srv.start()
    assert srv.request("GET", "/index.html").status == 200


# --------------------------------------------------------------------------
# 2. which key a section uses
# --------------------------------------------------------------------------

# location below /dav/prec/, its directives, the keys that verify there
PRECEDENCE = [
    ("file-then-inline", ["RetryWithSecretFile @F@", "RetryWithSecret @OTHER@"], [OTHER_KEY]),
    ("inline-then-file", ["RetryWithSecret @OTHER@", "RetryWithSecretFile @F@"], [KEY]),
    ("file", ["RetryWithSecretFile @F@"], [KEY]),
    ("file/inline", ["RetryWithSecret @OTHER@"], [OTHER_KEY]),
    ("inline", ["RetryWithSecret @OTHER@"], [OTHER_KEY]),
    ("inline/file", ["RetryWithSecretFile @F@"], [KEY]),
    ("rotating", ["RetryWithSecretFile @R@"], [NEW_KEY, OLD_KEY]),
]
ALL_KEYS = (KEY, OTHER_KEY, NEW_KEY, OLD_KEY)


@pytest.fixture(scope="module")
def prec(httpd_factory, module_path, keys_dir):
    f = key_file(keys_dir, "prec.key", KEY)
    rot = keys_dir / "prec-rot.key"
    rot.write_bytes(b"\r\n# new\r\n " + NEW_KEY.encode() + b"\t\r\n" + OLD_KEY.encode() + b"\r\n")
    os.chmod(rot, 0o600)
    conf = ["<Location /dav/prec/>", "    RetryWithRequireHeader X-Client-Id", "</Location>"]
    for loc, directives, _ in PRECEDENCE:
        conf += [f"<Location /dav/prec/{loc}/>"]
        conf += ["    " + d.replace("@F@", f'"{f}"').replace("@R@", f'"{rot}"')
                 .replace("@OTHER@", f'"{OTHER_KEY}"') for d in directives]
        conf += ["</Location>"]
    srv = httpd_factory("farm-prec", module_path=module_path, start=False,
                        extra_conf="\n".join(conf) + "\n")
    mkdirs(srv, *(f"prec/{loc}" for loc, _, _ in PRECEDENCE))
    return srv.start()


@pytest.mark.parametrize("i", range(len(PRECEDENCE)), ids=[p[0] for p in PRECEDENCE])
def test_which_key_a_section_uses(prec, i):
    """In one section the later of RetryWithSecret and RetryWithSecretFile
    wins; a nested section's overrides its parent's. The first key signs,
    a second one only verifies."""
    loc, _, good = PRECEDENCE[i]
    path = fresh(f"/dav/prec/{loc}/")
    _, echo = first_449(prec, path)
    assert [k for k in ALL_KEYS if signed_with(echo, k)] == good[:1], echo
    for k in ALL_KEYS:
        if k not in good:
            check_bad_echo(retry(prec, path, make_echo(k, "PUT", path)), "forged")
    assert on_disk(prec, path) is None
    for k in good:
        r = retry(prec, path, make_echo(k, "PUT", path), k.encode())
        assert r.status in (201, 204), (k, r)
        assert on_disk(prec, path) == k.encode()


# --------------------------------------------------------------------------
# 3. three nodes behind haproxy
# --------------------------------------------------------------------------

FARM_CONF = """\
<Location /dav/farm/>
    RetryWithSecretFile "@KEYFILE@"
    RetryWithRequireHeader X-Client-Id
</Location>
# no key: each node makes its own at each start
<Location /dav/nokey/>
    RetryWithRequireHeader X-Client-Id
</Location>
"""


def haproxy_conf(port: int, nodes: list[HttpdServer]) -> str:
    return "\n".join([
        "global", "  maxconn 256", "  nbthread 1",
        "defaults", "  mode http", "  timeout connect 5s",
        "  timeout client 30s", "  timeout server 30s",
        # a new backend connection per request (see test_fronts.py)
        "  option http-server-close",
        "frontend farm", f"  bind 127.0.0.1:{port}", "  default_backend nodes",
        "backend nodes", "  balance roundrobin",
        *(f"  server n{i} 127.0.0.1:{n.port}" for i, n in enumerate(nodes)),
    ]) + "\n"


class Front:
    """haproxy in front of the nodes. request() is HttpdServer's: it needs
    nothing but a port."""
    request = HttpdServer.request

    def __init__(self, d: Path, nodes: list[HttpdServer]):
        self.nodes = nodes
        for attempt in range(3):
            self.port = free_port()
            cfg = d / f"haproxy-{attempt}.cfg"
            cfg.write_text(haproxy_conf(self.port, nodes))
            self.proxy = Proxy("haproxy", [HAPROXY, "-db", "-f", str(cfg)], d)
            self.proxy.start()
            if self._listening():
                return
            self.proxy.stop()
        raise RuntimeError("haproxy did not start:\n" + self.proxy.logs())

    def _listening(self) -> bool:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.proxy.alive():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                time.sleep(0.05)
        return False

    def served_by(self, rid: str, timeout: float = 5) -> int:
        """The index of the node whose access log has the request rid."""
        deadline = time.monotonic() + timeout
        while True:
            hits = [i for i, n in enumerate(self.nodes)
                    if any(e["rid"] == rid for e in n.access_entries())]
            if hits:
                assert len(hits) == 1, f"{rid} served by nodes {hits}"
                return hits[0]
            if time.monotonic() > deadline:
                raise AssertionError(f"no node logged {rid}")
            time.sleep(0.02)


@pytest.fixture(scope="module")
def farm(httpd_factory, module_path, keys_dir, tmp_path_factory):
    """Three nodes with the same key file (root's, mode 600, in a directory
    only root may enter: the children, www-data, could not read it, so the
    key is read with the configuration), behind haproxy."""
    keyf = key_file(keys_dir, "farm.key", "# the farm's key", KEY)
    nodes = []
    for i in range(3):
        srv = httpd_factory(f"farm-n{i}", module_path=module_path, start=False,
                            extra_conf=FARM_CONF.replace("@KEYFILE@", str(keyf)))
        mkdirs(srv, "farm", "nokey")
        nodes.append(srv.start())
    front = Front(tmp_path_factory.mktemp("farm-haproxy"), nodes)
    try:
        yield front
    finally:
        front.proxy.stop()


def test_a_449_of_one_node_is_satisfied_on_another(farm):
    pairs = set()
    for _ in range(3):
        path = fresh("/dav/farm/")
        r1, echo = first_449(farm, path)
        a = farm.served_by(r1.rid)
        r2 = retry(farm, path, echo, f"from {a}\n".encode())
        b = farm.served_by(r2.rid)
        assert a != b, f"round-robin sent the retry to node {a} again"
        assert r2.status == 201, r2
        assert on_disk(farm.nodes[b], path) == f"from {a}\n".encode()
        assert on_disk(farm.nodes[a], path) is None
        pairs.add((a, b))
    # six requests in turn: every node issued an echo and verified one
    assert {a for a, _ in pairs} == {b for _, b in pairs} == {0, 1, 2}, pairs


def test_without_the_shared_key_another_node_finds_it_forged(farm):
    """The comparison: /dav/nokey/ has no RetryWithSecretFile, so each node
    signs with a random key of its own."""
    path = fresh("/dav/nokey/")
    r1, echo = first_449(farm, path)
    a = farm.served_by(r1.rid)
    r2 = retry(farm, path, echo)
    b = farm.served_by(r2.rid)
    assert a != b
    check_bad_echo(r2, "forged")
    assert on_disk(farm.nodes[b], path) is None
    # the node that issued it takes it
    assert retry(farm.nodes[a], path, echo).status == 201


@pytest.mark.parametrize("how", ["other-key", "tampered"])
def test_forged_echo_fails_on_every_node(farm, how):
    path = fresh("/dav/farm/")
    if how == "other-key":
        good = make_echo(KEY, "PUT", path)
        bad = make_echo(OTHER_KEY, "PUT", path)
    else:
        _, good = first_449(farm.nodes[0], path)
        head, _, mac = good.rpartition(".")
        # the MAC's first character carries 6 whole bits: still base64url
        bad = f"{head}.{'B' if mac[0] == 'A' else 'A'}{mac[1:]}"
    for n in farm.nodes:
        check_bad_echo(retry(n, path, bad), "forged")
        assert on_disk(n, path) is None
    # the same token, untouched or made with the farm's key, is good on each
    for n in farm.nodes:
        assert retry(n, path, good).status == 201


# --------------------------------------------------------------------------
# 4. a key rotation
# --------------------------------------------------------------------------

ROT_CONF = """\
<Location /dav/farm/>
    RetryWithSecretFile "@KEYFILE@"
    RetryWithEchoLifetime 2
    RetryWithRequireHeader X-Client-Id
</Location>
"""


class Rotation:
    """Nodes A and B, each with a key file of its own; keys() rewrites the
    files and graceful-restarts the nodes whose keys changed."""

    def __init__(self, factory, module_path, d: Path):
        self.files, self.lines, self.nodes = {}, {}, {}
        for name in ("a", "b"):
            self.files[name] = d / f"rot-{name}.key"
            self.lines[name] = (NEW_KEY, OLD_KEY) if name == "a" else (OLD_KEY,)
            key_file(d, self.files[name].name, *self.lines[name])
            srv = factory(f"farm-rot-{name}", module_path=module_path, start=False,
                          extra_conf=ROT_CONF.replace("@KEYFILE@", str(self.files[name])))
            mkdirs(srv, "farm")
            self.nodes[name] = srv.start()

    def keys(self, a: tuple, b: tuple) -> tuple[HttpdServer, HttpdServer]:
        for name, lines in (("a", a), ("b", b)):
            if self.lines[name] != lines:
                key_file(self.files[name].parent, self.files[name].name, *lines)
                self.lines[name] = lines
                self.nodes[name].reload()
        return self.nodes["a"], self.nodes["b"]


@pytest.fixture(scope="module")
def rotation(httpd_factory, module_path, keys_dir):
    return Rotation(httpd_factory, module_path, keys_dir)


def test_rotation_echo_of_old_key_verifies_on_rotated_node(rotation):
    a, b = rotation.keys((NEW_KEY, OLD_KEY), (OLD_KEY,))
    path = fresh("/dav/farm/")
    _, echo = first_449(b, path)
    assert signed_with(echo, OLD_KEY)
    r = retry(a, path, echo)
    assert r.status == 201, r


def test_rotation_echo_of_new_key_forged_on_old_node(rotation):
    """Why the old key stays second on A until B has the new one."""
    a, b = rotation.keys((NEW_KEY, OLD_KEY), (OLD_KEY,))
    path = fresh("/dav/farm/")
    _, echo = first_449(a, path)
    assert signed_with(echo, NEW_KEY), "the first key of the file signs"
    check_bad_echo(retry(b, path, echo), "forged")
    assert on_disk(b, path) is None
    assert retry(a, path, echo).status == 201


def test_rotation_previous_key_only_for_a_forged_verdict(rotation):
    """An echo of A's current key for another URI is foreign; asking the
    previous key as well would turn that into forged."""
    a, _ = rotation.keys((NEW_KEY, OLD_KEY), (OLD_KEY,))
    path = fresh("/dav/farm/")
    _, echo = first_449(a, path)
    check_bad_echo(retry(a, fresh("/dav/farm/"), echo), "foreign")


def test_rotation_expired_echo_of_old_key(rotation):
    """The previous key's verdict stands: expired, not accepted (and not
    forged). test_rotation_echo_of_old_key_verifies_on_rotated_node is the
    same without the wait."""
    a, b = rotation.keys((NEW_KEY, OLD_KEY), (OLD_KEY,))
    path = fresh("/dav/farm/")
    _, echo = first_449(b, path)
    time.sleep(3.2)
    check_bad_echo(retry(a, path, echo), "expired")
    assert on_disk(a, path) is None


def test_rotation_completes(rotation):
    """B gets the new file and a graceful restart: A's echoes verify there;
    once the old key's echoes have expired it leaves both files, and an echo
    signed with it is forged everywhere."""
    a, b = rotation.keys((NEW_KEY, OLD_KEY), (NEW_KEY, OLD_KEY))
    path = fresh("/dav/farm/")
    _, echo = first_449(a, path)
    assert retry(b, path, echo).status == 201
    a, b = rotation.keys((NEW_KEY,), (NEW_KEY,))
    for n in (a, b):
        path = fresh("/dav/farm/")
        check_bad_echo(retry(n, path, make_echo(OLD_KEY, "PUT", path)), "forged")
        assert retry(n, path, make_echo(NEW_KEY, "PUT", path)).status == 201
