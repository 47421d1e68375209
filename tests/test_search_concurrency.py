"""Real processes: searches while another process files, writers racing for Whoosh's lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from docgen.search.engine import IndexDoc
from test_archive_support import FONDS, Clock

WORKER = textwrap.dedent("""
    import sys, json, docx
    from pathlib import Path
    from docgen.archive import Archive
    from docgen.search import start_filing, sync
    root, tag, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    arc = Archive(root)
    notices = []
    for i in range(n):  # as `docgen file` does: mark, file, catch the index up
        path = root.parent / f"{tag}{i}.docx"
        d = docx.Document()
        d.add_paragraph(f"听证会记录 第{i}份 {tag}组：推进行政审批制度改革，限时办结。")
        d.save(path)
        filing = start_filing(arc)
        rec = arc.file_import(path, type="other", title=f"听证会记录{tag}{i}", date="2011-06-10",
                              unit="区建设局规划处")
        notices += rec.notices
        notices += [n for n in [sync(arc, filing=filing)] if n]
    print(json.dumps(notices, ensure_ascii=False))
""")

ENGINE_WORKER = textwrap.dedent("""
    import sys
    from docgen.search.engine import IndexDoc
    from docgen.search.whoosh import WhooshEngine
    path, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    eng = WhooshEngine(path)
    for i in range(n):
        eng.add([IndexDoc(f"{tag}-{i:03d}", f"{tag}组第{i}件", f"并发写入测试 {tag}组 审批事项{i}")])
        eng.close()
    print("ok")
""")


def _spawn(tmp_path, script: str, *args) -> subprocess.Popen:
    path = tmp_path / "worker.py"
    path.write_text(script, encoding="utf-8")
    return subprocess.Popen([sys.executable, str(path), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.fixture
def arc(tmp_path):
    from docgen.archive import init_archive

    return init_archive(tmp_path / "archive", by="测试员", clock=Clock(), **FONDS)


@pytest.mark.slow
def test_search_while_another_process_files_sees_a_consistent_index(arc, tmp_path):
    from docgen.search import search, start_filing, sync

    from test_search_cli import make_docx

    filing = start_filing(arc)
    arc.file_import(make_docx(tmp_path / "first.docx", "首件", ["第一份记录"]), type="other",
                    title="首件", date="2011-06-01", unit="区建设局规划处")
    assert sync(arc, filing=filing) is None
    writer = _spawn(tmp_path, WORKER, arc.root, "甲", 8)
    seen, searches = 0, 0
    while True:
        done = writer.poll() is not None
        hits = search(arc, "听证会记录", limit=100)
        searches += 1
        assert hits.notice is None  # neither "behind" (the filer is at work) nor "rebuilt"
        assert len(hits) >= seen  # filed records never disappear
        seen = len(hits)
        for h in hits:  # every hit is a whole record: stored fields present and its own
            i = h.title.removeprefix("听证会记录甲")
            assert h.title.startswith("听证会记录甲") and f"第{i}份" in h.snippet
            assert (arc.root / "records" / "2011" / h.filing_number / "record.json").is_file()
        if done:
            break
    out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert out.strip() == "[]"  # no filing had an index notice
    assert len(search(arc, "听证会记录", limit=100)) == 8
    assert searches >= 3


@pytest.mark.slow
def test_two_filers_and_a_rebuild_never_corrupt_the_index(arc, tmp_path):
    from docgen.search import rebuild_index, search

    a = _spawn(tmp_path, WORKER, arc.root, "甲", 5)
    (tmp_path / "b").mkdir()
    b = _spawn(tmp_path / "b", WORKER, arc.root, "乙", 5)
    rebuilds = 0
    while a.poll() is None or b.poll() is None:
        rebuild_index(arc)  # holds Whoosh's writer lock while the filers want it
        rebuilds += 1
    for p in (a, b):
        out, err = p.communicate()
        assert p.returncode == 0, err
        assert out.strip() == "[]", out
    hits = search(arc, "听证会记录", limit=100)
    assert hits.notice is None and len(hits) == 10
    assert {h.title for h in hits} == {f"听证会记录{t}{i}" for t in "甲乙" for i in range(5)}
    assert rebuilds >= 1


@pytest.mark.slow
def test_two_engine_writers_wait_for_each_other(tmp_path):
    from docgen.search.whoosh import WhooshEngine

    path = tmp_path / "index"
    eng = WhooshEngine(path)
    eng.rebuild([IndexDoc("seed", "种子", "初始记录")])
    (tmp_path / "b").mkdir()
    procs = [_spawn(tmp_path, ENGINE_WORKER, path, "A", 15),
             _spawn(tmp_path / "b", ENGINE_WORKER, path, "B", 15)]
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0 and out.strip() == "ok", err
    eng = WhooshEngine(path)
    assert eng.doc_count() == 31
    hits = eng.search("审批事项", limit=100)
    assert len(hits) == 30 and hits.total == 30


def test_a_killed_writer_leaves_no_lock_behind(tmp_path):
    from docgen.search.whoosh import WhooshEngine

    path = tmp_path / "index"
    WhooshEngine(path).rebuild([IndexDoc("seed", "种子", "初始记录")])
    holder = _spawn(tmp_path, textwrap.dedent("""
        import sys, time
        from docgen.search.whoosh import WhooshEngine
        w = WhooshEngine(sys.argv[1])._writer(WhooshEngine(sys.argv[1]).open())
        print("locked", flush=True)
        time.sleep(600)
    """), path)
    assert holder.stdout.readline().strip() == "locked"
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    start = time.monotonic()
    eng = WhooshEngine(path)
    eng.add([IndexDoc("new", "新件", "杀掉写入进程之后")])
    assert time.monotonic() - start < 5
    assert [h.filing_number for h in eng.search("写入进程")] == ["new"]
