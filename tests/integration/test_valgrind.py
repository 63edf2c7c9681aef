"""One pass of httpd -X under valgrind's memcheck (tools/valgrind.sh):
litmus plus a request for every refusal and 449 path. It must report no
memcheck error and no leak through mod_retrywith or dav/."""
import pathlib
import re
import subprocess

TOP = pathlib.Path(__file__).resolve().parents[2]


def test_memcheck_clean():
    p = subprocess.run([str(TOP / "tools" / "valgrind.sh")], cwd=TOP,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=1200)
    out = p.stdout
    assert "retrywith under valgrind:" in out, out[-3000:]
    # the driver really ran: litmus summaries and the module's answers
    assert len(re.findall(r"^<- summary for", out, re.M)) == 5, out[-3000:]
    codes = out.split("retrywith under valgrind:", 1)[1].splitlines()[0].split()
    assert {"400", "403", "449", "502"} <= set(codes), codes
    # the live counters' page: HTML, JSON, and a POST refused
    assert codes[-11:-8] == ["200", "200", "405"], codes
    # the lab: a 449 loop, a bad echo, a refusal and its correction, a
    # bare Lock-Token, then the report in HTML and JSON
    assert codes[-8:] == ["449", "449", "400", "400", "207", "400", "200", "200"], codes
    m = re.search(r"memcheck errors: (\d+); leak records through "
                  r"mod_retrywith/dav: (\d+)", out)
    assert m, out[-3000:]
    assert m.group(1) == "0" and m.group(2) == "0", out[-3000:]
    assert p.returncode == 0, out[-3000:]
