"""The client lab server (README "Testing a client"): `tools/serve.sh --lab`
starts the module with a location per scenario under /lab/, and
/lab/report gives a report card per client (address and User-Agent).

Real clients run against it and their cards must say what they really did:
the lab's reference [MS-WDV] client satisfies every 449; curl does not
retry a 449, and corrects a Depth it was refused for; the npm `webdav`
library sends a bracketless Lock-Token, which its lint names. Hand-made
clients (one User-Agent each) drive every other verdict: a loop, a retry
without the echo, with a bad one, one still lacking, a refusal repeated.
The HTML page is rendered by a real browser (headless Chromium) and must
show, per client, the verdicts the JSON gives."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import types
import urllib.request
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(TOP / "tests" / "lab"))
import lab as labmod  # noqa: E402  (the lab's reference client)

NODE_DIR = TOP / "tests" / "lab" / "clients" / "node"
CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="module")
def lab():
    # not pytest's tmp_path: its parents are closed to httpd's www-data
    tmp = Path(tempfile.mkdtemp(prefix="rw-lab-"))
    os.chmod(tmp, 0o755)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = dict(os.environ, PORT=str(port), RUN=str(tmp / "run"), SHARE=str(tmp / "share"))
    serve = str(TOP / "tools" / "serve.sh")
    p = subprocess.run([serve, "--lab"], env=env, capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"report: http://127.0.0.1:{port}/lab/report" in p.stdout, p.stdout
    try:
        yield types.SimpleNamespace(port=port, base=f"http://127.0.0.1:{port}",
                                    run=tmp / "run", work=tmp)
    finally:
        subprocess.run([serve, "stop"], env=env, capture_output=True, timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


def send(lab, method, path, headers=None, body=None, agent="lab-test"):
    return labmod.raw_request(lab.port, method, path,
                              {"User-Agent": agent, **(headers or {})}, body)


def report(lab) -> dict:
    with urllib.request.urlopen(f"{lab.base}/lab/report?format=json", timeout=30) as r:
        assert r.headers["Content-Type"].startswith("application/json")
        return json.loads(r.read())


def card(lab, agent: str, requests: int) -> dict:
    """The card of agent once it has its requests: the journal line of a
    request is written after its response, so poll a little."""
    deadline = time.monotonic() + 10
    while True:
        rep = report(lab)
        found = [c for c in rep["clients"] if c["user_agent"] == agent]
        assert len(found) <= 1, found
        if found and found[0]["request_count"] >= requests:
            assert found[0]["request_count"] == requests, found[0]
            return found[0]
        assert time.monotonic() < deadline, (agent, requests, found,
                                             [c["user_agent"] for c in rep["clients"]])
        time.sleep(0.05)


def scenario(c: dict, name: str) -> dict:
    found = [s for s in c["scenarios"] if s["name"] == name]
    assert len(found) == 1, (name, [s["name"] for s in c["scenarios"]])
    return found[0]


def test_lab_page_and_scenarios(lab):
    with urllib.request.urlopen(f"{lab.base}/lab/", timeout=30) as r:
        page = r.read().decode()
    for name in ("strict", "header", "property", "lock-owner", "depth", "prop-list",
                 "infinite-depth", "no-echo"):
        assert f'href="{name}/"' in page, name
        st, _, _ = send(lab, "PROPFIND", f"/lab/{name}/", {"Depth": "1"},
                        labmod.PROPFIND_BODY.encode())
        assert st == 207, name
    assert 'href="report"' in page


def test_reference_client_satisfies_every_449(lab):
    ref = labmod.ReferenceClient(types.SimpleNamespace(
        srv=types.SimpleNamespace(port=lab.port)), "", lab.work)
    xml = {"Content-Type": "application/xml; charset=utf-8"}
    for d in ("property", "lock-owner"):   # files to work on, no policy on PUT there
        assert ref.request("PUT", f"/lab/{d}/ref.txt", {}, b"ref\n")[0] == 201
    steps = [
        ("header", "PUT", "/lab/header/ref.txt", {}, b"ref\n", 201),
        ("property", "PROPPATCH", "/lab/property/ref.txt", xml,
         labmod.PROPPATCH_BODY.encode(), 207),
        ("lock-owner", "LOCK", "/lab/lock-owner/ref.txt", dict(xml, Timeout="Second-60"),
         labmod.LOCK_BODY.encode(), 200),
        ("depth", "PROPFIND", "/lab/depth/", dict(xml, Depth="infinity"),
         labmod.PROPFIND_BODY.encode(), 207),
        ("prop-list", "PROPFIND", "/lab/prop-list/", {"Depth": "1"}, None, 207),
    ]
    for _, method, path, headers, body, want in steps:
        assert ref.request(method, path, headers, body)[0] == want, path

    c = card(lab, "mod_retrywith-lab-reference/1.0", 2 + 2 * len(steps))
    assert c["verdicts"] == {"retried-with-echo": len(steps)}, c["verdicts"]
    assert c["lint"] == []
    for name, method, path, _, _, want in steps:
        retries = scenario(c, name)["retries"]
        assert [r["verdict"] for r in retries] == ["retried-with-echo"], retries
        first, then = retries[0]["request"], retries[0]["then"]
        assert (first["method"], first["uri"], first["status"]) == (method, path, 449)
        assert first["missing"] != "-"
        assert (then["status"], then["echo"], then["echo_reply"]) == (want, "satisfied", True)


def curl(lab, *args) -> str:
    p = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *args],
                       capture_output=True, text=True, timeout=60)
    return p.stdout


def curl_agent() -> str:
    out = subprocess.run(["curl", "--version"], capture_output=True, text=True).stdout
    return "curl/" + out.split()[1]


def test_curl_does_not_retry_a_449(lab):
    f = lab.work / "curl.txt"
    f.write_bytes(b"curl\n")
    assert curl(lab, "-T", str(f), f"{lab.base}/lab/header/curl.txt") == "449"
    assert curl(lab, "-X", "PROPFIND", "-H", "Depth: 2", f"{lab.base}/lab/strict/") == "400"
    assert curl(lab, "-X", "PROPFIND", "-H", "Depth: 1", f"{lab.base}/lab/strict/") == "207"

    c = card(lab, curl_agent(), 3)
    assert c["verdicts"] == {"abandoned": 1, "corrected": 1}, c["verdicts"]
    retry = scenario(c, "header")["retries"]
    assert [(r["verdict"], r["then"]) for r in retry] == [("abandoned", None)]
    fix = scenario(c, "strict")["refusals"]
    assert [(r["verdict"], r["request"]["substatus"], r["then"]["status"]) for r in fix] \
        == [("corrected", "400.2", 207)]
    assert [(l["rule"], l["substatus"], l["reason"], l["count"], l["example"]["field"],
             l["example"]["value"]) for l in c["lint"]] \
        == [("depth.value", "400.2", "Depth must be 0, 1 or infinity", 1, "Depth", "2")]


def test_rclone_loops_on_a_449(lab):
    f = lab.work / "rclone.txt"
    f.write_bytes(b"rclone\n")
    env = dict(os.environ, RCLONE_CONFIG_LAB_TYPE="webdav", RCLONE_CONFIG_LAB_VENDOR="other",
               RCLONE_CONFIG_LAB_URL=f"{lab.base}/lab/header/")
    p = subprocess.run(["rclone", "copyto", str(f), "LAB:rclone.txt", "--retries", "3",
                        "--low-level-retries", "1"], env=env, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode != 0 and "449 Retry With" in p.stderr, p.stderr
    agent = [c["user_agent"] for c in report(lab)["clients"]
             if c["user_agent"].startswith("rclone/")]
    assert len(agent) == 1, agent
    # each of its 3 attempts: PROPFIND, PUT (449), DELETE
    c = card(lab, agent[0], 9)
    assert c["verdicts"] == {"looped": 1}, c
    (retry,) = scenario(c, "header")["retries"]
    assert retry["count"] == 3 and retry["request"]["method"] == "PUT", retry


def node(lab, op: str) -> dict:
    work = lab.work / "node"
    work.mkdir(exist_ok=True)
    (work / "up.txt").write_bytes(labmod.PAYLOAD)
    p = subprocess.run(["node", str(NODE_DIR / "session.mjs"), op, f"{lab.base}/lab/strict/",
                        str(work)], capture_output=True, text=True, timeout=120)
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_npm_webdav_library_bare_lock_token_in_its_lint(lab):
    assert (NODE_DIR / "node_modules" / "webdav").is_dir(), \
        "npm package webdav missing: tools/test.sh installs it (npm ci)"
    assert node(lab, "upload")["ok"]
    assert node(lab, "lock")["ok"]
    res = node(lab, "unlock")
    assert not res["ok"], res     # the library sends the token without <>

    c = card(lab, "node-fetch", 3)     # its PUT, LOCK and UNLOCK
    bare = [l for l in c["lint"] if l["rule"] == "lock-token.bare"]
    assert len(bare) == 1, c["lint"]
    assert bare[0]["substatus"] == "400.9" and bare[0]["example"]["method"] == "UNLOCK"
    assert bare[0]["example"]["field"] == "Lock-Token"
    assert "<" in bare[0]["reason"], bare[0]     # says how a token is written
    assert bare[0]["example"]["value"].startswith("opaquelocktoken:"), bare[0]
    assert c["verdicts"].get("not-corrected") == 1, c["verdicts"]


def echo_of(headers: dict) -> str:
    assert "ms-echo-request" in headers, headers
    return headers["ms-echo-request"]


# (User-Agent, what the client does) -> the verdicts and lint its card must show
def looped(lab, ua):
    for _ in range(3):
        assert send(lab, "PUT", "/lab/header/loop.txt", body=b"x", agent=ua)[0] == 449


def without_echo(lab, ua):
    assert send(lab, "PUT", "/lab/header/ne.txt", body=b"x", agent=ua)[0] == 449
    assert send(lab, "PUT", "/lab/header/ne.txt", {"X-Lab-Ack": "yes"}, b"x", agent=ua)[0] == 201


def still_missing(lab, ua):
    st, h, _ = send(lab, "PUT", "/lab/header/sm.txt", body=b"x", agent=ua)
    assert st == 449
    assert send(lab, "PUT", "/lab/header/sm.txt", {"Ms-Echo-Reply": echo_of(h)}, b"x",
                agent=ua)[0] == 403


def bad_echo(lab, ua):
    assert send(lab, "PUT", "/lab/header/be.txt", body=b"x", agent=ua)[0] == 449
    assert send(lab, "PUT", "/lab/header/be.txt", {"Ms-Echo-Reply": "not-an-echo",
                "X-Lab-Ack": "yes"}, b"x", agent=ua)[0] == 400


def refused_twice(lab, ua):
    for _ in range(2):
        assert send(lab, "PROPFIND", "/lab/strict/", {"Depth": "2"}, agent=ua)[0] == 400


def infinite_then_one(lab, ua):
    assert send(lab, "PROPFIND", "/lab/infinite-depth/", {"Depth": "infinity"}, agent=ua)[0] == 403
    assert send(lab, "PROPFIND", "/lab/infinite-depth/", {"Depth": "1"}, agent=ua)[0] == 207


def probe_no_echo(lab, ua):
    st, h, _ = send(lab, "PUT", "/lab/no-echo/p.txt", body=b"x", agent=ua)
    assert st == 449 and "ms-echo-request" not in h


def tab_in_agent(lab, ua):
    assert send(lab, "PROPFIND", "/lab/strict/", {"Depth": "2"}, agent=ua + "\tx")[0] == 400


# (name, what the client does, its requests, the verdicts and lint its card
# must show)
CASES = [
    ("looped", looped, 3, {"looped": 1}, []),
    ("without-echo", without_echo, 2, {"retried-without-echo": 1}, []),
    ("still-missing", still_missing, 2, {"retried-still-missing": 1}, []),
    ("bad-echo", bad_echo, 2, {"retried-with-bad-echo": 1}, [("449-echo-malformed", 1)]),
    ("refused-twice", refused_twice, 2, {"refused-again": 1, "not-corrected": 1},
     [("depth.value", 2)]),
    # 403.22 is this server's limit, not the client's fault: no lint
    ("infinite-then-one", infinite_then_one, 2, {"corrected": 1}, []),
    ("probe-no-echo", probe_no_echo, 1, {"abandoned": 1}, []),
    # a tab is escaped in the journal: the line keeps its fields
    ("tab", tab_in_agent, 1, {"not-corrected": 1}, [("depth.value", 1)]),
]


@pytest.mark.parametrize("name,act,requests,verdicts,lint", CASES,
                         ids=[c[0] for c in CASES])
def test_each_verdict(lab, name, act, requests, verdicts, lint):
    ua = f"lab-case-{name}/1.0"
    act(lab, ua)
    c = card(lab, ua + ("\\tx" if name == "tab" else ""), requests)
    assert c["verdicts"] == verdicts, c
    assert [(l["rule"], l["count"]) for l in c["lint"]] == lint, c["lint"]
    if name == "looped":
        assert scenario(c, "header")["retries"][0]["count"] == 3


def rendered(lab) -> str:
    """/lab/report as headless Chromium renders it (its DOM, serialized)."""
    assert CHROMIUM, "chromium missing: tools/deps.sh test installs it"
    profile = tempfile.mkdtemp(prefix="rw-chromium-")
    try:
        p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-dev-shm-usage", f"--user-data-dir={profile}",
                            "--dump-dom", f"{lab.base}/lab/report"],
                           capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert p.returncode == 0 and "<h1>Report cards</h1>" in p.stdout, p.stderr[-2000:]
    return p.stdout


def test_report_page_in_a_browser_shows_the_json_verdicts(lab):
    # the clients of the tests above, and one more of each kind if run alone
    looped(lab, "lab-case-browser/1.0")
    refused_twice(lab, "lab-case-browser/1.0")
    assert send(lab, "PROPFIND", "/lab/strict/", {"Depth": "<script>alert(1)</script>"},
                agent='lab-case-hostile <script>alert("ua")</script>')[0] == 400
    card(lab, "lab-case-browser/1.0", 5)
    card(lab, 'lab-case-hostile <script>alert(\\"ua\\")</script>', 1)
    rep = report(lab)
    dom = rendered(lab)
    sections = re.findall(r'<section class="client".*?</section>', dom, re.S)
    assert len(sections) == len(rep["clients"]), (len(sections), len(rep["clients"]))
    for c, sec in zip(rep["clients"], sections):
        agent = re.search(r"<h2>(.*?)</h2>", sec).group(1)
        assert agent == html.escape(c["user_agent"], quote=False), agent
        shown = {m.group(1): int(m.group(2)) for m in
                 re.finditer(r'<li class="([a-z-]+)">(\d+) × ', sec)}
        assert shown == c["verdicts"], (agent, shown, c["verdicts"])
        for l in c["lint"]:
            assert f"<code>{l['rule']}</code>" in sec, (agent, l)
        if not c["lint"]:
            assert "No request broke a rule." in sec, agent
    # a client's strings are text on the page, never markup
    hostile = [s for s in sections if "lab-case-hostile" in s]
    assert len(hostile) == 1 and "<script" not in hostile[0], hostile
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile[0], hostile
    browser = [s for s in sections if "<h2>lab-case-browser/1.0</h2>" in s][0]
    assert "looped: sent again unchanged, 449 after 449" in browser
    assert "sent again and refused again" in browser
