"""Filing under SIGKILL and under concurrency, for real: kill filers at random points, run
parallel filers, then check the disk directly and run the 四性检测."""

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from docgen.archive import Archive, numbering

CHILD = textwrap.dedent('''
    import os, signal, sys
    from pathlib import Path
    from docgen.archive import Archive, audit, txn

    root, src, point = sys.argv[1], Path(sys.argv[2]), sys.argv[3]

    def die_after(fn):
        def wrapped(*a, **k):
            out = fn(*a, **k)
            os.kill(os.getpid(), signal.SIGKILL)
            return out
        return wrapped

    if point == "after-audit":          # committed, nothing moved yet
        audit.append = die_after(audit.append)
    elif point == "after-first-move":   # a supersede half applied: its new 件 moved,
        calls = []                      # the old record.json not yet replaced

        def replace(a, b, _real=os.replace):
            _real(a, b)
            calls.append(b)
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGKILL)
        txn.os.replace = replace
    elif point == "before-audit":       # staged and fsynced, not committed
        def append(*a, **k):
            os.kill(os.getpid(), signal.SIGKILL)
        audit.append = append
    elif point == "after-stamp":        # staged PDF written, no record.json yet
        from docgen.archive import stamp
        stamp.stamp = die_after(stamp.stamp)
    elif point.startswith("step-"):     # the Nth step of the filing machinery, counted
        import shutil
        from docgen import _files
        from docgen.archive import intake, stamp
        target, seen = int(point[5:]), [0]

        def counted(fn):
            def wrapped(*a, **k):
                seen[0] += 1
                if seen[0] == target:
                    os.kill(os.getpid(), signal.SIGKILL)
                out = fn(*a, **k)
                seen[0] += 1
                if seen[0] == target:
                    os.kill(os.getpid(), signal.SIGKILL)
                return out
            return wrapped
        txn.os.replace = counted(os.replace)
        txn.fsync_dir = counted(txn.fsync_dir)
        txn.write_sealed = counted(txn.write_sealed)
        txn.seal = counted(txn.seal)
        audit.append = counted(audit.append)
        intake.shutil.copyfile = counted(shutil.copyfile)
        stamp.stamp = counted(stamp.stamp)

    arc = Archive(root)
    print("ready", flush=True)
    go = os.environ.get("DOCGEN_TEST_GO")
    while go and not os.path.exists(go):  # start together with the other filers
        pass
    last = None
    for i in range(int(sys.argv[4]) if len(sys.argv) > 4 else 10**6):
        kw = dict(type="other", kind="听证会纪要", title=f"听证会纪要{i}", date="2011-06-10",
                  unit="区建设局规划处", by=f"filer-{os.getpid()}")
        if i % 3 == 1 and last is not None:
            last = arc.file_import(src, supersedes=last.filing_number, **kw)
        elif i % 3 == 2 and last is not None:
            arc.withdraw(last.filing_number, reason="撤回重报", by=kw["by"])
            last = None
        else:
            last = arc.file_import(src, **kw)
''')


def _spawn(tmp_path, arc, sources, point="random", count=None, env=None):
    script = tmp_path / "filer.py"
    script.write_text(CHILD, encoding="utf-8")
    args = [sys.executable, str(script), str(arc.root), str(sources / "plan.pdf"), point]
    if count is not None:
        args.append(str(count))
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    return proc


def _disk_state_is_whole(arc):
    """Before any recovery: every 件 folder in records/ is complete, and every audit entry's
    record is either in place or staged in a committed transaction folder."""
    last = None
    for _, entry, _ in __import__("docgen.archive.audit", fromlist=["read"]).read(arc.audit_path):
        last = entry or last
    for fn_obj, folder in arc.record_dirs():
        meta = json.loads((folder / "record.json").read_bytes())
        for info in meta["files"].values():
            assert (folder / info["计算机文件名"]).is_file(), folder
    staged = {p.name for p in (arc.root / ".tmp").iterdir()}
    for entry in Archive(arc.root).audit_entries():
        for fn in entry.get("records", {}):
            folder = arc.root / "records" / str(numbering.parse(fn).year) / fn
            if not folder.is_dir():
                assert entry is last or entry["txn"] == last["txn"], fn
                assert entry["txn"] in staged, "committed change lost its staging folder"


@pytest.mark.slow
def test_sigkill_at_random_instants_leaves_whole_records_or_nothing(tmp_path, arc, sources):
    """Each filer kills itself at a random step of the filing machinery (a file written, an
    fsync, a rename, the audit append …): counted in steps, not seconds, so where the kills
    land does not depend on how fast the machine is."""
    rng = random.Random(20110420)
    trials, recovered = 40, 0
    for trial in range(trials):
        proc = _spawn(tmp_path, arc, sources, f"step-{rng.randint(1, 90)}")
        proc.wait(timeout=120)
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL, err
        _disk_state_is_whole(arc)
        report = Archive(arc.root).verify()
        assert report.ok, (trial, report.problems)
        recovered += bool(report.recovered)
    assert recovered >= 1, "some kills land inside a filing (the steps are inside filings)"
    filed = [r for r in Archive(arc.root).records()]
    entries = [e for e in arc.audit_entries() if e["action"] in ("file", "supersede")]
    assert len(entries) == len(filed)
    assert sorted(n.item for n, _ in arc.record_dirs()) == list(range(1, len(filed) + 1))
    assert not any((arc.root / ".tmp").iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("point", ["after-stamp", "before-audit", "after-audit",
                                   "after-first-move"])
def test_sigkill_at_each_stage_of_a_filing(tmp_path, arc, sources, point):
    proc = _spawn(tmp_path, arc, sources, point)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read()
    _disk_state_is_whole(arc)
    before = len(list(arc.record_dirs()))
    report = Archive(arc.root).verify()
    assert report.ok, report.problems
    after = list(Archive(arc.root).records())
    assert report.recovered and (len(after) > before) == (point == "after-audit")
    if point == "after-first-move":
        assert [r.status for r in after] == ["superseded", "filed"]
        assert after[0].superseded_by == after[1].filing_number
    # the next filer carries on with the next 件号, no gap
    proc = _spawn(tmp_path, arc, sources, "none", count=1)
    proc.wait(timeout=60)
    items = sorted(n.item for n, _ in arc.record_dirs())
    assert items == list(range(1, len(items) + 1)) and Archive(arc.root).verify().ok


@pytest.mark.slow
def test_parallel_filers_get_unique_continuous_numbers(tmp_path, arc, sources):
    go = tmp_path / "go"
    procs = [_spawn(tmp_path, arc, sources, "none", count=30, env={"DOCGEN_TEST_GO": str(go)})
             for _ in range(3)]
    go.touch()
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
        p.stdout.close()
        p.stderr.close()
    names = [n for n, _ in arc.record_dirs()]
    assert len(names) == len(set(names)) == 3 * 20  # each filer: 20 filings, 10 withdrawals
    assert sorted(n.item for n in names) == list(range(1, 61))
    order = [e["by"] for e in arc.audit_entries() if e["action"] != "init"]
    assert len(set(order)) == 3 and len(order) == 90
    report = Archive(arc.root).verify()
    assert report.ok, report.problems
