"""Over ::1 the client's Host is an IPv6 literal: a Destination naming the
same literal is this server (COPY succeeds); another port is too, as for
mod_dav, unless RetryWithStrictAuthority (502)."""
import socket
import subprocess

import pytest


def _v6_port():
    try:
        s = socket.socket(socket.AF_INET6)
        s.bind(("::1", 0))
    except OSError:
        return None
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def v6(httpd_factory, module_path):
    port = _v6_port()
    if port is None:
        pytest.skip("this machine has no ::1")
    srv = httpd_factory("v6", module_path=module_path,
                        extra_conf=f"Listen [::1]:{port}\n")
    srv.v6_port = port
    return srv


def curl(args):
    p = subprocess.run(["curl", "-sS", "-g", "-o", "/dev/null", "-D", "-"] + args,
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_ipv6_destination(v6):
    base = f"http://[::1]:{v6.v6_port}/dav"
    head = curl(["-X", "PUT", "--data-binary", "six", f"{base}/v6.txt"])
    assert head.startswith("HTTP/1.1 201"), head
    head = curl(["-X", "COPY", "-H", f"Destination: {base}/v6-copy.txt", f"{base}/v6.txt"])
    assert head.startswith("HTTP/1.1 201"), head
    assert (v6.share_dir("/dav/") / "v6-copy.txt").read_bytes() == b"six"
    head = curl(["-X", "COPY", "-H", "Destination: /dav/v6-path.txt", f"{base}/v6.txt"])
    assert head.startswith("HTTP/1.1 201"), head
    # another port with the same scheme: mod_dav acts on it, so does the
    # module; under RetryWithStrictAuthority (/strict/) it is 502
    other = f"http://[::1]:{v6.v6_port + 1}/dav/v6-other.txt"
    head = curl(["-X", "COPY", "-H", f"Destination: {other}", f"{base}/v6.txt"])
    assert head.startswith("HTTP/1.1 201"), head
    assert (v6.share_dir("/dav/") / "v6-other.txt").read_bytes() == b"six"
    strict = f"http://[::1]:{v6.v6_port}/strict"
    head = curl(["-X", "PUT", "--data-binary", "six", f"{strict}/v6.txt"])
    assert head.startswith("HTTP/1.1 201"), head
    other = f"http://[::1]:{v6.v6_port + 1}/strict/v6-other.txt"
    head = curl(["-X", "COPY", "-H", f"Destination: {other}", f"{strict}/v6.txt"])
    assert head.startswith("HTTP/1.1 502"), head
    assert "Retrywith-Substatus: 400.1" in head
