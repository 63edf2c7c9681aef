"""The client compatibility lab's own check (tests/lab/lab.py): with two
clients whose behaviour is known, it must tell a satisfied 449 from an
abandoned one, see the echo on the server side, and say how the refusal
reached the user. A lab that calls everything green (or red) fails here."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_lab_tells_satisfied_from_abandoned(tmp_path, module_path):
    out = tmp_path / "out"
    p = subprocess.run(["/usr/bin/python3", str(REPO / "tests" / "lab" / "lab.py"),
                        "--only", "curl,reference (lab)", "--scenarios", "plain,require-header",
                        "--module", str(module_path), "--out", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    cells = {(c["client"], c["scenario"]): c for c in json.loads((out / "matrix.json").read_text())}
    assert set(cells) == {("curl", "plain"), ("curl", "require-header"),
                          ("reference (lab)", "plain"), ("reference (lab)", "require-header")}

    # plain: both clients run every operation without a refusal
    for c in ("curl", "reference (lab)"):
        cell = cells[(c, "plain")]
        assert cell["colour"] == "green", cell
        assert [o["state"] for o in cell["ops"]] == ["ok"] * 11, cell

    # require-header: the reference client retries with Ms-Echo-Reply and X-Lab-Ack
    ref = {o["op"]: o for o in cells[("reference (lab)", "require-header")]["ops"]}
    assert ref["upload"]["state"] == "ok" and ref["upload"]["retry449"] == "satisfied", ref["upload"]
    assert ref["upload"]["server"] == ["PUT 449 449", "PUT 201 [echo]"], ref["upload"]
    assert cells[("reference (lab)", "require-header")]["colour"] == "green"

    # curl does not retry: abandoned, and its --fail-with-body output carries the reason
    cu = {o["op"]: o for o in cells[("curl", "require-header")]["ops"]}
    assert cu["upload"]["state"] == "fail" and cu["upload"]["retry449"] == "abandoned", cu["upload"]
    assert cu["upload"]["surfaced"] == "reason shown", cu["upload"]
    assert "X-Lab-Ack" in cu["upload"]["message"], cu["upload"]
    assert cells[("curl", "require-header")]["colour"] == "amber"
    assert [o["op"] for o in cu.values() if o["state"] != "ok"] == ["upload"], cu

    md = (out / "matrix.md").read_text()
    page = (out / "matrix.html").read_text()
    assert "| curl |" in md and "abandoned" in md and "satisfied" in md
    assert page.startswith("<!DOCTYPE html>") and "class='amber'" in page and "<script" not in page
