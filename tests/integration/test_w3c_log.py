"""IIS's W3C extended log (README "Logs in IIS's W3C format"): conf.example's
retrywith-w3c LogFormat and CustomLog, as written there (paths made local),
make httpd write, through mod_retrywith/retrywith-w3c-log, a file that IIS
log tools read: the #Software/#Version/#Date/#Fields header, one line per
request with exactly the #Fields, UTC date and time, sc-status and
sc-substatus (2 for 400.2, 22 for 403.22, 0 otherwise), no empty field.
The writer itself: one file a day with its own header, a line of the wrong
shape reported on stderr and not written."""

from __future__ import annotations

import datetime
import re
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
WRITER = TOP / "mod_retrywith" / "retrywith-w3c-log"
IIS_FIELDS = ("date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username "
              "c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status "
              "time-taken").split()


def conf_example_w3c(log_dir: Path) -> str:
    """conf.example's two retrywith-w3c lines, with the tree's writer and
    log_dir in place of the installed paths."""
    text = (TOP / "conf.example").read_text()
    lines = re.findall(r"^(?:LogFormat|CustomLog) .* retrywith-w3c$", text, re.M)
    assert len(lines) == 2, lines
    return "\n".join(lines).replace(
        "/usr/libexec/mod_retrywith/retrywith-w3c-log", str(WRITER)).replace(
        "/var/log/apache2/w3c/", f"{log_dir}/") + "\n"


def read_w3c(path: Path) -> tuple[list[str], list[dict]]:
    """(header lines, entries as dicts by #Fields) of one W3C log file."""
    header, entries, fields = [], [], None
    for line in path.read_text().splitlines():
        if line.startswith("#"):
            header.append(line)
            if line.startswith("#Fields: "):
                fields = line[len("#Fields: "):].split(" ")
            continue
        values = line.split(" ")
        assert fields and len(values) == len(fields), (fields, line)
        assert all(values), f"an empty field in {line!r}"
        entries.append(dict(zip(fields, values)))
    return header, entries


def wait_entries(log_dir: Path, mine, count: int, timeout: float = 10) -> tuple[list, list]:
    """(header, the entries mine() selects) once there are count of them:
    httpd writes a log line after the response."""
    deadline = time.monotonic() + timeout
    while True:
        files = sorted(log_dir.glob("u_ex*.log"))
        header, entries = read_w3c(files[-1]) if files else ([], [])
        entries = [e for e in entries if mine(e)]
        if len(entries) >= count or time.monotonic() > deadline:
            assert files, f"no W3C log in {log_dir}"
            return header, entries
        time.sleep(0.05)


@pytest.fixture(scope="module")
def w3c(httpd_factory, module_path):
    srv = httpd_factory("w3c", module_path=module_path, start=False)
    log_dir = srv.root / "logs" / "w3c"
    srv.extra_conf = conf_example_w3c(log_dir)
    srv.start()
    return srv, log_dir


def test_conf_example_w3c_log_is_written(w3c):
    srv, log_dir = w3c
    agent = "Microsoft-WebDAV-MiniRedir/10.0.19045"
    # each target's query marks it as this test's (the harness's start-up
    # probes are logged too)
    sent = [
        # (method, target, headers, status, sc-substatus)
        ("PUT", "/dav/w3c%20file.txt?w3c=1", {"User-Agent": agent}, 201, "0"),
        ("GET", "/dav/w3c%20file.txt?w3c=2&y=2", {"Referer": "http://127.0.0.1/"}, 200, "0"),
        ("PROPFIND", "/dav/?w3c=3", {"Depth": "2"}, 400, "2"),
        ("PROPFIND", "/dav/?w3c=4", {"Depth": "infinity"}, 403, "22"),
        ("COPY", "/dav/w3c%20file.txt?w3c=5", {"Destination": "http://[::1"}, 400, "1"),
    ]
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    for method, target, headers, status, _ in sent:
        body = b"w3c\n" if method == "PUT" else None
        assert srv.request(method, target, headers, body).status == status, target
    after = datetime.datetime.now(datetime.timezone.utc)

    header, entries = wait_entries(log_dir, lambda e: e["cs-uri-query"].startswith("w3c="),
                                   len(sent))
    assert header[0].startswith("#Software: ") and header[1] == "#Version: 1.0", header
    assert re.fullmatch(r"#Date: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d", header[2]), header
    assert header[3] == "#Fields: " + " ".join(IIS_FIELDS), header
    assert len(entries) == len(sent), entries
    # in the order they were written, which need not be the order sent
    entries.sort(key=lambda e: e["cs-uri-query"])
    for (method, target, headers, status, sub), e in zip(sent, entries):
        stem, _, query = target.partition("?")
        # decoded, a space written '+', as IIS writes it
        stem = urllib.parse.unquote(stem).replace(" ", "+")
        assert (e["cs-method"], e["cs-uri-stem"]) == (method, stem), e
        assert e["cs-uri-query"] == (query or "-"), e
        assert (e["sc-status"], e["sc-substatus"], e["sc-win32-status"]) == \
            (str(status), sub, "0"), e
        assert e["c-ip"] == e["s-ip"] == "127.0.0.1" and e["s-port"] == str(srv.port), e
        assert e["cs(User-Agent)"] == headers.get("User-Agent", "-").replace(" ", "+"), e
        assert e["cs(Referer)"] == headers.get("Referer", "-"), e
        assert re.fullmatch(r"\d+", e["time-taken"]), e
        # UTC, as IIS writes it (httpd's own %t is local time)
        at = datetime.datetime.strptime(f'{e["date"]} {e["time"]}', "%Y-%m-%d %H:%M:%S")
        assert before <= at.replace(tzinfo=datetime.timezone.utc) <= after, (e, before, after)
    assert "retrywith-w3c-log" not in "\n".join(srv.error_lines())


def run_writer(pattern: str, lines: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(WRITER), pattern], input="".join(l + "\n" for l in lines),
                          capture_output=True, text=True, timeout=30)


def line(sec: int, status: str = "207", note: str = "-", agent: str = "-") -> str:
    return "\t".join([str(sec), "127.0.0.1", "PROPFIND", "/dav/", "", "80", "-",
                      "127.0.0.1", agent, "-", status, note, "3"])


def test_writer_one_file_a_day_each_with_its_header(tmp_path):
    day1 = int(datetime.datetime(2026, 12, 4, 23, 59, 59,
                                 tzinfo=datetime.timezone.utc).timestamp())
    p = run_writer(str(tmp_path / "w3c" / "u_ex%y%m%d.log"),
                   [line(day1, "400", "400.3", "a b"), line(day1 + 1, "449", "449")])
    assert p.returncode == 0 and p.stderr == "", p
    files = sorted((tmp_path / "w3c").iterdir())
    assert [f.name for f in files] == ["u_ex261204.log", "u_ex261205.log"]
    for f, (time_, status, sub) in zip(files, [("23:59:59", "400", "3"),
                                               ("00:00:00", "449", "0")]):
        header, entries = read_w3c(f)
        assert header[3] == "#Fields: " + " ".join(IIS_FIELDS), header
        assert len(entries) == 1
        assert (entries[0]["time"], entries[0]["sc-status"], entries[0]["sc-substatus"]) \
            == (time_, status, sub)
    assert read_w3c(files[0])[1][0]["cs(User-Agent)"] == "a+b"
    assert oct(files[0].stat().st_mode & 0o777) == oct(0o640)


def test_writer_reports_a_line_of_another_shape(tmp_path):
    log = tmp_path / "w3c.log"
    p = run_writer(str(log), ["127.0.0.1 - - [04/Dec/2026] \"GET / HTTP/1.1\" 200",
                              line(1764806400)])
    assert p.returncode == 0
    assert "a line of 1 values, expected 13" in p.stderr, p.stderr
    header, entries = read_w3c(log)
    assert len(entries) == 1 and entries[0]["date"] == "2025-12-04", entries
