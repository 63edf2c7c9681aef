"""The Debian package: tools/package.sh builds libapache2-mod-retrywith,
runs lintian, installs the package and checks it (a2enmod, apache2ctl -t, a
private httpd refusing a Depth: 2 PROPFIND with 400.2).

It installs packages on the system, so it runs only when asked:
    RETRYWITH_TEST_PACKAGE=1 /usr/bin/python3 -m pytest tests/integration/test_package.py
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    os.environ.get("RETRYWITH_TEST_PACKAGE") != "1",
    reason="installs packages: set RETRYWITH_TEST_PACKAGE=1 (as root)",
)


def test_package_builds_installs_and_refuses_depth_2(tmp_path):
    proc = subprocess.run(
        [str(TOP / "tools" / "package.sh")],
        env={**os.environ, "OUT": str(tmp_path)},
        capture_output=True, text=True, timeout=1200,
    )
    out = proc.stdout + proc.stderr
    summary = re.search(r"^(\d+) passed, (\d+) failed$", proc.stdout, re.M)
    assert summary, out
    assert proc.returncode == 0 and summary.group(2) == "0", out
    assert list(tmp_path.glob("libapache2-mod-retrywith_0.1.0-1_*.deb")), out
