"""Live counters (README "Live counters"): SetHandler retrywith-status shows,
across all child processes, counts per outcome and, per User-Agent family,
449s issued, satisfied, still lacking, bad echoes and abandoned ones.

The server here runs mpm_prefork (four to eight processes, one connection
each) with keep-alive off, so that a parallel burst is served by several
processes; the test asserts that it was (a log records each request's pid).
Every expected count is computed from what the test sent and compared
exactly with the difference of two readings of ?json."""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

LIFETIME = 2   # RetryWithEchoLifetime of /dav/ack: when a 449 is abandoned

STATUS_CONF = f"""\
KeepAlive Off
LogFormat "%P %{{X-RW-Test}}i %>s %{{retrywith-substatus}}n" rwpid
CustomLog logs/pid_log rwpid
<Location "/rw-status">
    SetHandler retrywith-status
</Location>
<Location /dav/ack>
    RetryWithRequireHeader X-Ack=yes methods=PUT
    RetryWithEchoLifetime {LIFETIME}
</Location>
"""

LOCKINFO = (b'<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope>'
            b'<D:locktype><D:write/></D:locktype></D:lockinfo>')
PROPFIND = b'<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>'


@pytest.fixture(scope="module")
def st(httpd_factory, module_path):
    srv = httpd_factory("status", module_path=module_path, extra_conf=STATUS_CONF,
                        mpm="prefork")
    ack = srv.share / "ack"
    ack.mkdir()
    owner = srv.share.stat()
    shutil.chown(ack, owner.st_uid, owner.st_gid)
    assert srv.request("PUT", "/dav/f.txt", body=b"hello").status == 201
    return srv


def status(srv) -> dict:
    r = srv.request("GET", "/rw-status?json")
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("application/json"), r
    return json.loads(r.body)


def agents(doc) -> dict:
    return {a["family"]: a for a in doc["agents"]}


def delta(before: dict, after: dict) -> tuple[Counter, dict]:
    out = Counter({k: v - before["outcomes"].get(k, 0) for k, v in after["outcomes"].items()})
    b, a = agents(before), agents(after)
    ag = {}
    for fam, row in a.items():
        old = b.get(fam, {})
        d = {k: row[k] - old.get(k, 0) for k in row if k != "family"}
        if any(d.values()):
            ag[fam] = d
    return +out, ag


def echo_of(resp) -> str:
    e = resp.header("Ms-Echo-Request")
    assert resp.status == 449 and e, resp
    return e


# (outcome, method, path, headers, body, expected status) refused per sub-status
def refusals(tag: str):
    return {
        "400.1": ("COPY", "/dav/f.txt", {"Destination": "http://127.0.0.1/%zz"}, None, 400),
        "400.2": ("PROPFIND", "/dav/", {"Depth": "2"}, None, 400),
        "400.3": ("PUT", f"/dav/no-{tag}", {"If": "garbage"}, b"x", 400),
        "400.4": ("MOVE", "/dav/f.txt", {"Destination": "/dav/g.txt", "Overwrite": "yes"}, None, 400),
        "400.5": ("GET", "/strict/", {"Translate": "x"}, None, 400),
        "400.6": ("PROPFIND", "/dav/f.txt", {"Depth": "0"}, b"<D:propfind xmlns:D='DAV:'>", 400),
        "400.7": ("DELETE", "/dav/f.txt", {}, b"abc", 400),
        "400.8": ("LOCK", f"/dav/no-{tag}", {"Timeout": "Second-x"}, LOCKINFO, 400),
        "400.9": ("UNLOCK", "/dav/f.txt", {}, None, 400),
        "403.22": ("PROPFIND", "/dav/", {"Depth": "infinity"}, None, 403),
    }


def test_counts_match_requests_across_children(st):
    tag = uuid.uuid4().hex[:8]
    rid_prefix = f"st-{tag}-"
    jobs = []   # (name, callable returning list of (ok, detail))

    def one(method, path, headers, body, want):
        def run(n):
            r = st.request(method, path, headers, body, rid=f"{rid_prefix}{n}")
            return [(r.status == want, f"{method} {path} {headers}: {r.status} {r.substatus}")]
        return run

    def satisfied(i):
        def run(n):
            path = f"/dav/ack/sat-{tag}-{i}"
            r1 = st.request("PUT", path, {"User-Agent": "LabA/1.0"}, b"v", rid=f"{rid_prefix}{n}a")
            e = echo_of(r1)
            r2 = st.request("PUT", path, {"User-Agent": "LabA/1.0", "Ms-Echo-Reply": e, "X-Ack": "yes"},
                            b"v", rid=f"{rid_prefix}{n}b")
            return [(r2.status == 201, f"retry of {path}: {r2.status}")]
        return run

    def abandoned(i):
        def run(n):
            r = st.request("PUT", f"/dav/ack/ab-{tag}-{i}", {"User-Agent": "LabB/2.0 (x)"}, b"v",
                           rid=f"{rid_prefix}{n}")
            return [(r.status == 449, f"abandoned {i}: {r.status}")]
        return run

    def still_lacking(i):
        def run(n):
            path = f"/dav/ack/sl-{tag}-{i}"
            e = echo_of(st.request("PUT", path, {"User-Agent": "LabC"}, b"v", rid=f"{rid_prefix}{n}a"))
            r2 = st.request("PUT", path, {"User-Agent": "LabC", "Ms-Echo-Reply": e}, b"v",
                            rid=f"{rid_prefix}{n}b")
            return [(r2.status == 403, f"final {i}: {r2.status}")]
        return run

    def bad_echo(i):
        def run(n):
            r = st.request("PUT", f"/dav/ack/be-{tag}-{i}",
                           {"User-Agent": "LabD/0.1", "Ms-Echo-Reply": "garbage", "X-Ack": "yes"}, b"v",
                           rid=f"{rid_prefix}{n}")
            return [(r.status == 400, f"bad echo {i}: {r.status}")]
        return run

    expected = Counter()
    for k, (m, p, h, b, want) in refusals(tag).items():
        times = int(k.split(".")[1]) + 1      # a different count per sub-status
        jobs += [one(m, p, h, b, want)] * times
        expected[k] += times
    jobs += [one("PROPFIND", "/dav/", {"Depth": "0"}, PROPFIND, 207)] * 12
    jobs += [one("GET", "/dav/f.txt", {"Translate": "f"}, None, 200)] * 5
    jobs += [satisfied(i) for i in range(4)]
    jobs += [abandoned(i) for i in range(3)]
    jobs += [still_lacking(i) for i in range(2)]
    jobs += [bad_echo(i) for i in range(2)]
    expected["passed"] += 12 + 5 + 4        # the satisfied retries pass too
    expected["449"] += 4 + 3 + 2
    expected["449-final"] += 2
    expected["449-echo-malformed"] += 2

    before = status(st)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [x for chunk in pool.map(lambda nj: nj[1](nj[0]), enumerate(jobs)) for x in chunk]
    bad = [d for ok, d in results if not ok]
    assert not bad, bad
    after = status(st)
    got, ag = delta(before, after)
    assert got == +expected, (got, expected)
    assert ag["LabA"] == {"issued": 4, "satisfied": 4, "still_lacking": 0, "bad_echo": 0,
                          "abandoned": 0, "pending": 0}, ag
    assert ag["LabB"] == {"issued": 3, "satisfied": 0, "still_lacking": 0, "bad_echo": 0,
                          "abandoned": 0, "pending": 3}, ag
    assert ag["LabC"] == {"issued": 2, "satisfied": 0, "still_lacking": 2, "bad_echo": 0,
                          "abandoned": 0, "pending": 0}, ag
    assert ag["LabD"] == {"issued": 0, "satisfied": 0, "still_lacking": 0, "bad_echo": 2,
                          "abandoned": 0, "pending": 0}, ag
    assert set(ag) == {"LabA", "LabB", "LabC", "LabD"}, ag

    # several processes counted into the one table
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [ln.split() for ln in (st.root / "logs" / "pid_log").read_text().splitlines()]
        mine = [ln for ln in lines if len(ln) > 1 and ln[1].startswith(rid_prefix)]
        if len(mine) >= len(jobs):
            break
        time.sleep(0.05)
    pids = {ln[0] for ln in mine}
    assert len(pids) >= 2, f"the burst was served by one process only: {pids}"

    # LabB's 449s expire unanswered: abandoned once the page looks again
    time.sleep(LIFETIME + 1.2)
    later = status(st)
    _, ag2 = delta(after, later)
    assert ag2 == {"LabB": {"issued": 0, "satisfied": 0, "still_lacking": 0, "bad_echo": 0,
                            "abandoned": 3, "pending": -3}}, ag2


def test_full_family_table_counts_in_other(st):
    before = status(st)
    n = 40
    for i in range(n):
        r = st.request("PUT", f"/dav/ack/fam-{i}", {"User-Agent": f"Fam{i:02d}/1"}, b"v")
        assert r.status == 449, r
    after = status(st)
    assert after["agent_rows"]["size"] == 32
    assert after["agent_rows"]["used"] == 32
    _, ag = delta(before, after)
    assert sum(a["issued"] for a in ag.values()) == n, ag
    named = {f for f in ag if f.startswith("Fam")}
    assert "other" in ag and ag["other"]["issued"] == n - len(named), ag
    assert all(ag[f]["issued"] == 1 for f in named), ag
    # the page still answers, with one "other" row
    assert [a["family"] for a in after["agents"]].count("other") == 1


def test_html_page_and_methods(st):
    r = st.request("GET", "/rw-status")
    assert r.status == 200 and r.header("Content-Type").startswith("text/html"), r
    page = r.text
    for needle in ("<table>", "400.1", "449-echo-expired", "passed", "still_lacking", "LabA"):
        assert needle in page, needle
    assert r.header("Cache-Control") == "no-store"
    r = st.request("POST", "/rw-status", body=b"x")
    assert r.status == 405 and "GET" in (r.header("Allow") or ""), r


def test_counters_survive_graceful_restart(st):
    before = status(st)
    st.reload()
    after = status(st)
    assert after["since"] == before["since"]
    assert after["outcomes"]["400.1"] >= before["outcomes"]["400.1"] > 0


# ---- Prometheus ------------------------------------------------------------

def prometheus(srv, **how) -> dict:
    """The page in Prometheus' text format, parsed by prometheus_client's own
    parser (Debian's python3-prometheus-client): {(name, labels): value}."""
    from prometheus_client.parser import text_string_to_metric_families
    r = srv.request("GET", "/rw-status" + how.get("query", ""), how.get("headers"))
    assert r.status == 200, r
    assert r.header("Content-Type").startswith("text/plain; version=0.0.4"), r
    out, types = {}, {}
    for fam in text_string_to_metric_families(r.body.decode()):
        types[fam.name] = fam.type
        for s in fam.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out, types


def test_prometheus_matches_the_requests(st):
    """?format=prometheus and the Accept header Prometheus sends give the same
    exposition; its counters move exactly by the requests sent, and agree
    with the JSON page."""
    accept = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
              "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
    before, types = prometheus(st, query="?format=prometheus")
    assert types["retrywith_requests"] == "counter", types
    assert types["retrywith_pending_retries"] == "gauge", types
    sent = {"400.2": 3, "403.22": 2, "400.3": 1}
    for _ in range(sent["400.2"]):
        assert st.request("PROPFIND", "/dav/", {"Depth": "2"}).status == 400
    for _ in range(sent["403.22"]):
        assert st.request("PROPFIND", "/dav/", {"Depth": "infinity"}).status == 403
    assert st.request("PUT", "/dav/p.txt", {"If": "garbage"}, b"x").status == 400
    after, _ = prometheus(st, headers={"Accept": accept})
    for outcome, n in sent.items():
        key = ("retrywith_requests_total", (("outcome", outcome),))
        assert after[key] - before[key] == n, (outcome, before[key], after[key])
    js = status(st)["outcomes"]
    for outcome, n in js.items():
        assert after[("retrywith_requests_total", (("outcome", outcome),))] <= n, outcome
    # an agent row carries its family and event as labels
    fams = {dict(k[1]).get("family") for k in after if k[0] == "retrywith_retry_events_total"}
    assert all(f for f in fams), fams


# ---- mod_status ---------------------------------------------------------------

def test_server_status_section(httpd_factory, module_path):
    """mod_status's page has a mod_retrywith section (its optional status
    hook): with ?auto a "RetryWith <outcome>: N" line per outcome, in HTML a
    table; the counts follow the requests sent."""
    srv = httpd_factory("server-status", module_path=module_path,
                        extra_modules=[("status_module", "mod_status.so")],
                        extra_conf="<Location /server-status>\n    SetHandler server-status\n"
                                   "</Location>\n")

    def auto() -> dict:
        r = srv.request("GET", "/server-status?auto")
        assert r.status == 200, r
        lines = dict(ln.split(": ", 1) for ln in r.body.decode().splitlines() if ": " in ln)
        return {k[len("RetryWith "):]: int(v) for k, v in lines.items()
                if k.startswith("RetryWith ")}

    before = auto()
    assert {"passed", "400.2", "403.22", "449"} <= set(before), before
    for _ in range(2):
        assert srv.request("PROPFIND", "/dav/", {"Depth": "2"}).status == 400
    assert srv.request("PROPFIND", "/dav/", {"Depth": "infinity"}).status == 403
    after = auto()
    assert after["400.2"] - before["400.2"] == 2, (before, after)
    assert after["403.22"] - before["403.22"] == 1, (before, after)
    html = srv.request("GET", "/server-status").body.decode()
    assert "<h2>mod_retrywith</h2>" in html and "<td>403.22</td>" in html, html[-2000:]
