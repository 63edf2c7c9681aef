"""Guards that keep the code, conf.example and README.md telling the same
story: every directive in the command table is shown in conf.example and
documented in README.md; every RW log tag is used once; dav/ never includes
an httpd header."""
import pathlib
import re

TOP = pathlib.Path(__file__).resolve().parents[2]


def directives():
    src = (TOP / "mod_retrywith" / "rw_config.c").read_text()
    names = re.findall(r'AP_INIT_\w+\("(\w+)"', src)
    assert names, "no directives found in rw_config.c"
    return names


def test_every_directive_in_conf_example():
    conf = (TOP / "conf.example").read_text()
    missing = [d for d in directives()
               if not re.search(r"^\s*#?\s*%s\b" % d, conf, re.M)]
    assert not missing, f"conf.example lacks {missing}"


def test_every_directive_in_readme_reference():
    readme = (TOP / "README.md").read_text()
    ref = readme.split("## Directives", 1)
    assert len(ref) == 2, "README.md has no '## Directives' section"
    section = ref[1].split("\n## ", 1)[0]
    missing = [d for d in directives() if f"`{d}" not in section]
    assert not missing, f"README.md Directives section lacks {missing}"


def test_readme_limit_names_match_code():
    src = (TOP / "mod_retrywith" / "rw_config.c").read_text()
    names = re.findall(r'\{ "([a-z-]+)", offsetof\(rwdav_limits', src)
    assert len(names) == 6
    readme = (TOP / "README.md").read_text()
    conf = (TOP / "conf.example").read_text()
    for n in names:
        assert f"RetryWithLimit {n}" in conf, n
        assert f"`{n}`" in readme, n


def test_log_tags_unique():
    tags = []
    for f in (TOP / "mod_retrywith").glob("*.c"):
        tags += re.findall(r"RW_LOGNO\((\d{5})\)", f.read_text())
    assert tags, "no RW_LOGNO tags found"
    dups = {t for t in tags if tags.count(t) > 1}
    assert not dups, f"RW log tags used twice: {dups}"


def test_dav_library_has_no_httpd_header():
    for f in (TOP / "dav").glob("*.[ch]"):
        text = f.read_text()
        bad = re.findall(r'#include\s*[<"](httpd|http_\w+|ap_\w+|mod_\w+|util_\w+)\.h',
                         text)
        assert not bad, f"{f.name} includes httpd headers {bad}"


def _cells(row: str) -> int:
    """Cells of a Markdown table row. GitHub splits a row at every '|' not
    escaped, inside `code` too, before it reads anything else."""
    return len(re.findall(r"(?<!\\)\|", row.strip())) - 1


def test_markdown_tables_are_whole():
    """Every row of every table has its header's number of cells: a row
    pasted into the wrong table (it happened once in RESULTS.md) shows."""
    bad = []
    for doc in ("README.md", "tests/bench/RESULTS.md", "tests/lab/MATRIX.md",
                "tests/lab/README.md", "dav/RULES.md"):
        path = TOP / doc
        if not path.exists():
            continue
        want = None
        for no, line in enumerate(path.read_text().splitlines(), 1):
            if not line.startswith("|"):
                want = None
                continue
            if want is None:
                want = _cells(line)
            elif _cells(line) != want:
                bad.append(f"{doc}:{no}: {_cells(line)} cells, the header has {want}")
    assert not bad, "\n".join(bad)
