"""The README's first command: tools/serve.sh builds, starts Debian's httpd
with mod_dav_fs and mod_retrywith from conf.example on 127.0.0.1, prints the
URL, serves the folder, refuses a malformed request, counts it on the
status page, logs it in IIS's W3C format, and stops."""
import json
import os
import shutil
import tempfile
import pathlib
import re
import socket
import time
import subprocess
import urllib.request

TOP = pathlib.Path(__file__).resolve().parents[2]


def test_serve_sh_start_use_stop():
    # not pytest's tmp_path: its parents are closed to httpd's www-data
    tmp_path = pathlib.Path(tempfile.mkdtemp(prefix="rw-serve-"))
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = dict(os.environ, PORT=str(port), RUN=str(tmp_path / "run"),
               SHARE=str(tmp_path / "share"))
    os.chmod(tmp_path, 0o755)
    serve = str(TOP / "tools" / "serve.sh")
    p = subprocess.run([serve], env=env, capture_output=True, text=True, timeout=600)
    try:
        assert p.returncode == 0, p.stdout + p.stderr
        url = f"http://127.0.0.1:{port}/dav/"
        assert f"URL:   {url}" in p.stdout, p.stdout
        assert "stop:" in p.stdout
        req = urllib.request.Request(url + "hello.txt", data=b"hi\n", method="PUT")
        assert urllib.request.urlopen(req, timeout=10).status == 201
        assert (tmp_path / "share" / "hello.txt").read_bytes() == b"hi\n"
        req = urllib.request.Request(url, method="PROPFIND", headers={"Depth": "2"})
        try:
            urllib.request.urlopen(req, timeout=10)
            raise AssertionError("Depth: 2 was not refused")
        except urllib.error.HTTPError as e:
            assert e.code == 400 and e.headers["Retrywith-Substatus"] == "400.2"
        # conf.example's live counters saw that refusal
        st = urllib.request.urlopen(f"http://127.0.0.1:{port}/retrywith-status?json", timeout=10)
        doc = json.loads(st.read())
        assert doc["outcomes"]["400.2"] == 1 and doc["outcomes"]["passed"] >= 1, doc
        # and conf.example's W3C log (IIS's format) recorded it as 400 2
        deadline = time.monotonic() + 10
        while True:
            text = "".join(f.read_text() for f in (tmp_path / "run" / "logs" / "w3c").glob("*"))
            if " PROPFIND /dav/ - " in text or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert "#Fields: date time " in text, text
        assert re.search(r" PROPFIND /dav/ - \d+ - 127\.0\.0\.1 \S+ - 400 2 0 \d+$", text, re.M), text
    finally:
        q = subprocess.run([serve, "stop"], env=env, capture_output=True, text=True,
                           timeout=60)
    assert re.search(r"stopped", q.stdout), q.stdout + q.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)
