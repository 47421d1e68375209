"""The index follows the archive: `docgen file` killed at every step, then `docgen search`
finds every committed 件 (real processes, SIGKILL at injected points, no timing)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FILER = textwrap.dedent('''
    import os, signal, sys

    point, root, pdf = sys.argv[1], sys.argv[2], sys.argv[3]

    def die(*a, **k):
        os.kill(os.getpid(), signal.SIGKILL)

    def die_after(fn):
        def wrapped(*a, **k):
            out = fn(*a, **k)
            die()
            return out
        return wrapped

    if point == "after-stamp":          # staged PDF written, nothing committed
        from docgen.archive import stamp
        stamp.stamp = die_after(stamp.stamp)
    elif point == "before-audit":       # staged and fsynced, not committed
        from docgen.archive import audit
        audit.append = die
    elif point == "after-audit":        # committed, not yet moved into place
        from docgen.archive import audit
        audit.append = die_after(audit.append)
    elif point == "after-commit":       # in place, the index not told: the issue's case
        import docgen.search
        docgen.search.sync = die
    elif point == "in-index":           # records read, the index commit not made
        from docgen.search.whoosh.engine import WhooshEngine
        WhooshEngine.add = die
    elif point == "after-index":        # the index committed, its cursor not moved
        from docgen.search import follow
        follow.write_cursor = die

    from docgen.cli import main
    sys.exit(main(["import", pdf, "--archive", root, "--type", "other",
                   "--title", f"听证会纪要{point}", "--date", "2011-06-10",
                   "--unit", "区建设局规划处"]))
''')

POINTS = ["after-stamp", "before-audit", "after-audit", "after-commit", "in-index",
          "after-index"]


def _docgen(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import sys; from docgen.cli import main; "
                           "sys.exit(main(sys.argv[1:]))", *map(str, args)],
                          capture_output=True, text=True)


def _file(tmp_path, arc, sources, point) -> int:
    script = tmp_path / "filer.py"
    script.write_text(FILER, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), point, str(arc.root),
                           str(sources / "plan.pdf")], capture_output=True, text=True)
    return proc.returncode


def _committed(arc) -> set[str]:
    """Every 件 an audit entry committed (filed or changed)."""
    out = set()
    for line in (arc.root / "audit.jsonl").read_text(encoding="utf-8").splitlines():
        out.update(json.loads(line).get("records", {}))
    return out


def _found(arc) -> tuple[set[str], str]:
    res = _docgen("search", "--archive", arc.root, "--json", "--limit", "1000", "听证会纪要")
    assert res.returncode == 0, res.stderr
    return {h["filing_number"] for h in json.loads(res.stdout)}, res.stderr


def test_docgen_file_killed_at_every_step_then_search_finds_every_committed_record(
        tmp_path, arc, sources):
    assert _file(tmp_path, arc, sources, "none") == 0  # a whole filing: the index exists
    for point in POINTS:
        assert _file(tmp_path, arc, sources, point) == -signal.SIGKILL, point
    # the next filer finished the change killed after its audit entry; the others were
    # rolled back or are whole 件 the index was never (fully) told of
    committed = _committed(arc)
    assert len(committed) == 1 + 4  # none, after-audit, after-commit, in-index, after-index
    found, err = _found(arc)
    assert found == committed
    assert "filings behind the archive; caught up" in err and "rebuilt" not in err
    found, err = _found(arc)
    assert found == committed and err == ""  # caught up once


def test_a_change_killed_before_it_was_moved_into_place_is_found_once_finished(
        tmp_path, arc, sources):
    assert _file(tmp_path, arc, sources, "none") == 0
    assert _file(tmp_path, arc, sources, "after-audit") == -signal.SIGKILL
    staged = _committed(arc)
    found, err = _found(arc)  # its folder is not in records/ yet: the archive shows 1 件
    assert len(found) == 1 and len(staged) == 2 and err == ""
    verify = _docgen("verify", "--archive", arc.root)  # takes the lock: finishes the change
    assert verify.returncode == 0, verify.stdout + verify.stderr
    found, err = _found(arc)
    assert found == staged and "1 filing behind the archive; caught up" in err


def test_an_index_failure_never_fails_a_filing(tmp_path, arc, sources, docgen, monkeypatch):
    from docgen import search as facade

    def broken(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(facade, "sync", broken)
    code, out, err = docgen("import", sources / "plan.pdf", "--archive", arc.root,
                            "--type", "other", "--title", "听证会纪要", "--date", "2011-06-10",
                            "--unit", "区建设局规划处")
    assert code == 0 and "Z109-WS·2011-D30-GHC-0001" in out
    assert "search index not updated (OSError: disk full); the next search or filing " \
           "catches up" in err
    monkeypatch.undo()
    hits = facade.search(arc, "听证会纪要")  # the next command catches up
    assert [h.filing_number for h in hits] == ["Z109-WS·2011-D30-GHC-0001"]
    assert "was missing; rebuilt it from the archive (1 record)" in hits.notice


@pytest.mark.parametrize("args", [["withdraw", "Z109-WS·2011-D30-GHC-0001", "--reason", "误报"],
                                  ["--supersedes", "Z109-WS·2011-D30-GHC-0001"]])
def test_withdraw_and_supersede_reach_the_index_in_the_same_command(arc, sources, docgen,
                                                                    args):
    from docgen.search import search

    base = ["--archive", arc.root, "--type", "other", "--title", "听证会纪要", "--date",
            "2011-06-10", "--unit", "区建设局规划处"]
    code, out, err = docgen("import", sources / "plan.pdf", *base)
    assert code == 0 and err == "", err
    if args[0] == "withdraw":
        code, out, err = docgen("withdraw", "--archive", arc.root, *args[1:])
    else:
        code, out, err = docgen("import", sources / "plan.pdf", *base, *args)
    assert code == 0 and err == "", err
    hits = search(arc, "听证会纪要")
    assert hits.notice is None
    status = {h.filing_number: h.status for h in hits}
    assert status["Z109-WS·2011-D30-GHC-0001"] in ("withdrawn", "superseded")


REBUILDER = textwrap.dedent('''
    import sys
    from docgen.search.whoosh import WhooshEngine
    from test_search_quality import chunks

    def started(n, said=[]):
        if not said:
            print("indexing", flush=True)
            said.append(1)

    WhooshEngine(sys.argv[1], workers=2).rebuild(chunks()[:400], started)
''')


def test_a_rebuild_killed_mid_way_leaves_no_worker_and_no_lock(tmp_path):
    """Its workers hold copies of the writer lock: they must die with it, so the next writer
    gets the lock, and the next rebuild clears their private indexes."""
    from docgen.search.engine import IndexDoc, open_engine

    index = tmp_path / "index"
    open_engine(index).rebuild([IndexDoc("seed", "种子", "初始记录")])
    script = tmp_path / "rebuild.py"
    script.write_text(REBUILDER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, str(script), str(index)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "indexing", proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    eng = open_engine(index)  # the add waits (up to its lock timeout) for the workers to go
    assert eng.add([IndexDoc("new", "新件", "杀掉重建进程之后")]) == 1
    assert [h.filing_number for h in eng.search("重建进程")] == ["new"]
    assert numbers_of(eng.search("初始记录")) == ["seed"]  # the old index is whole
    eng.rebuild([IndexDoc("only", "唯一", "重建之后")])
    assert not list(index.glob(".build-*"))
    eng.close()


def numbers_of(hits):
    return sorted(h.filing_number for h in hits)
