"""Reliability trials for the archive (issue 10 §7): prints tried / passed / failed per row.

    .venv/bin/python bench/trial_reliability.py                 # the table
    .venv/bin/python bench/trial_reliability.py --markdown      # the section for RELIABILITY.md
    .venv/bin/python bench/trial_reliability.py --kills 40 --per-filer 20   # a quick run

Rows:
  sigkill   children that SIGKILL themselves at a random counted step of the filing machinery
            (as tests/test_archive_crash.py), across form filing, import, supersede, withdraw;
            after each kill the disk is checked before recovery, then verify (which recovers)
  torn      the audit line's one write cut in half, then SIGKILL: verify reports the torn line
            and changes nothing; the next filing drops it, then verify passes
  recovery  a supersede killed just after its audit entry, then the next filer (which finishes
            it under the lock) killed at a random step of that recovery or of its own filing
  parallel  4 processes x 250 imports into one archive: 1,000 distinct continuous 件号
  tamper    one tampering per fresh small archive; `docgen verify` must exit 8 naming it
  hostile   the tests in tests/hostile/ (pytest -m "not slow"), counted from pytest's summary

No LibreOffice: forms are filed with the committed fixtures (tests/fixtures/), small archives
for tampering come from tests/hostile/support.py. Everything runs in a temporary folder.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from docgen.archive import Archive, audit, init_archive, numbering  # noqa: E402
from tests.test_archive_support import FONDS, Clock  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"
DOCGEN = [sys.executable, "-c", "import sys; from docgen.cli import main; sys.exit(main())"]
OPS = ("form", "import", "supersede", "withdraw")

# --- the SIGKILL child -----------------------------------------------------------------------
# It counts each call of the filing machinery (before and after: a file written, an fsync, a
# seal, a rename, the audit append, the copy of a source, the stamp) while armed, and SIGKILLs
# itself at the Nth count. Counted in steps, not seconds: where kills land does not depend on
# the machine's speed. Supersede and withdraw arm only around that change, so the 件 they act
# on is filed first, unarmed.
CHILD = textwrap.dedent('''
    import os, shutil, signal, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[6])
    from docgen.archive import Archive, audit, intake, stamp, txn
    from docgen.forms import load_form

    root, fixtures, examples, op, target = (sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]),
                                            sys.argv[4], sys.argv[5])
    # target: N (the Nth counted step) or "after audit.append" (the first such step)
    target = int(target) if target.isdigit() else target
    seen, armed = [0], [False]

    def counted(fn, name):
        def step(when):
            if armed[0]:
                seen[0] += 1
                if seen[0] == target or f"{when} {name}" == target:
                    print(f"KILL {when} {name}", file=sys.stderr, flush=True)
                    os.kill(os.getpid(), signal.SIGKILL)
        def wrapped(*a, **k):
            step("before")
            out = fn(*a, **k)
            step("after")
            return out
        return wrapped

    txn.os.replace = counted(os.replace, "rename")
    txn.fsync_dir = counted(txn.fsync_dir, "fsync_dir")
    txn.write_sealed = counted(txn.write_sealed, "write_sealed")
    txn.seal = counted(txn.seal, "seal")
    audit.append = counted(audit.append, "audit.append")
    intake.shutil.copyfile = counted(shutil.copyfile, "copyfile")
    stamp.stamp = counted(stamp.stamp, "stamp")

    if target == "torn":  # the audit line's one write cut in half, then the kill
        class TornOs:
            def __getattr__(self, name):
                return getattr(os, name)

            def write(self, fd, data):
                if armed[0]:
                    os.write(fd, data[:len(data) // 2])
                    print("KILL mid audit-write", file=sys.stderr, flush=True)
                    os.kill(os.getpid(), signal.SIGKILL)
                return os.write(fd, data)
        audit.os = TornOs()

    arc = Archive(root)
    form = load_form(examples / "plan.yaml")
    pdf = fixtures / "plan.pdf"

    def imp(i, **kw):
        return arc.file_import(pdf, type="other", kind="听证会纪要", title=f"听证会纪要{op}{i}",
                               date="2011-06-10", unit="区建设局规划处", by="trial", **kw)

    last = None
    for i in range(500):
        if op in ("supersede", "withdraw") and last is None:
            last = imp(f"{os.getpid()}-{i}")
        armed[0] = True
        if op == "form":
            arc.file_form(form, examples / "plan.yaml", fixtures / "plan.docx", pdf,
                          by="trial", duplicate_ok=True)
        elif op == "import":
            imp(f"{os.getpid()}-{i}")
        elif op == "supersede":
            last = imp(f"{os.getpid()}-{i}s", supersedes=last.filing_number)
        elif op == "withdraw":
            arc.withdraw(last.filing_number, reason="撤回重报", by="trial")
            last = None
        armed[0] = False
    sys.exit(3)  # never killed: the step number was past 500 changes
''')

# --- the parallel filer ----------------------------------------------------------------------
FILER = textwrap.dedent('''
    import os, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[5])
    from docgen.archive import Archive
    root, pdf, n, go = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    arc = Archive(root)
    print("ready", flush=True)
    while not os.path.exists(go):
        pass
    for i in range(n):
        arc.file_import(pdf, type="other", kind="听证会纪要", title=f"纪要{os.getpid()}-{i}",
                        date="2011-06-10", unit="区建设局规划处", by=f"filer-{os.getpid()}")
''')


def new_archive(path: Path) -> Archive:
    return init_archive(path, by="trial", clock=Clock(dt.datetime.now(dt.timezone.utc)), **FONDS)


def disk_problems(arc: Archive) -> list[str]:
    """Before recovery: every 件 folder complete; every committed record either in place or
    (only the log's last change) staged in .tmp/ for recovery."""
    found = []
    last = None
    for _, entry, _ in audit.read(arc.audit_path):
        last = entry or last
    for _, folder in arc.record_dirs():
        try:
            meta = json.loads((folder / "record.json").read_bytes())
            for info in meta["files"].values():
                if not (folder / info["计算机文件名"]).is_file():
                    found.append(f"{folder.name}: {info['计算机文件名']} missing")
        except (OSError, ValueError, KeyError) as e:
            found.append(f"{folder.name}: record.json unreadable ({e})")
    tmp = arc.root / ".tmp"
    staged = {p.name for p in tmp.iterdir()} if tmp.is_dir() else set()
    for entry in Archive(arc.root).audit_entries():
        for fn in entry.get("records", {}):
            folder = arc.root / "records" / str(numbering.parse(fn).year) / fn
            if not folder.is_dir():
                if entry.get("txn") != (last or {}).get("txn"):
                    found.append(f"{fn}: committed by an earlier change, folder missing")
                elif entry["txn"] not in staged:
                    found.append(f"{fn}: committed change lost its staging folder")
    return found


def numbers_problems(arc: Archive) -> list[str]:
    """件号 continuous per group (1..n, no gap, no repeat) and file entries == 件 folders."""
    found = []
    groups = collections.defaultdict(list)
    names = [n for n, _ in arc.record_dirs()]
    for n in names:
        groups[n.prefix()].append(n.item)
    for prefix, items in groups.items():
        if sorted(items) != list(range(1, len(items) + 1)):
            found.append(f"{prefix}: 件号 not continuous ({len(items)} folders, "
                         f"max {max(items)})")
    entries = [e for e in arc.audit_entries() if e.get("action") in ("file", "supersede")]
    if len(entries) != len(names) or len(set(map(str, names))) != len(names):
        found.append(f"{len(entries)} file entries, {len(names)} 件 folders")
    return found


# --- row 1 -----------------------------------------------------------------------------------
def row_sigkill(work: Path, total: int, rng: random.Random, log) -> dict:
    script = work / "killer.py"
    script.write_text(CHILD, encoding="utf-8")
    arcs = {op: new_archive(work / f"kill-{op}") for op in OPS}
    tried = passed = 0
    per_op = collections.Counter()
    outcome = collections.Counter()
    where = collections.Counter()
    failures = []
    for trial in range(total):
        op = OPS[trial % len(OPS)]
        # one filing is ~20-30 counted steps, a withdrawal ~10: a kill lands in the first few
        # changes, at any step of them
        target = rng.randint(1, 12 if op == "withdraw" else 40)
        arc = arcs[op]
        proc = subprocess.run([sys.executable, str(script), str(arc.root), str(FIXTURES),
                               str(EXAMPLES), op, str(target), str(ROOT / "src")],
                              capture_output=True, text=True, timeout=300)
        tried += 1
        per_op[op] += 1
        m = re.search(r"KILL (\w+) ([\w.]+)", proc.stderr)
        if m:
            where[f"{m.group(1)} {m.group(2)}"] += 1
        problems = []
        if proc.returncode != -signal.SIGKILL:
            problems.append(f"child exit {proc.returncode}: {proc.stderr[-400:]}")
        problems += disk_problems(arc)
        report = Archive(arc.root).verify()
        if not report.ok:
            problems += [str(p) for p in report.problems]
        for what in report.recovered:
            outcome[what.split()[0]] += 1
        if not report.recovered:
            outcome["nothing staged"] += 1
        problems += numbers_problems(Archive(arc.root))
        tmp = arc.root / ".tmp"
        if tmp.is_dir() and any(tmp.iterdir()):
            problems.append(".tmp not empty after verify")
        if problems:
            failures.append(f"trial {trial} ({op}, step {target}): " + "; ".join(problems[:3]))
            log(failures[-1])
            arcs[op] = new_archive(work / f"kill-{op}-{trial}")  # go on with a clean archive
        else:
            passed += 1
    sizes = {op: len(list(Archive(a.root).record_dirs())) for op, a in arcs.items()}
    note = (", ".join(f"{op} {per_op[op]}" for op in OPS) + "; after the kill: "
            + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items()))
            + "; killed at: " + ", ".join(f"{k} {v}" for k, v in where.most_common())
            + "; 件 filed by the end: " + ", ".join(f"{op} {n}" for op, n in sizes.items()))
    return dict(tried=tried, passed=passed, failed=tried - passed, note=note, failures=failures)


def row_torn(work: Path, total: int, log) -> dict:
    """The audit append killed half-way through its one write: a torn last line. verify
    reports it (exit 8 in the CLI) and leaves it; the next filing drops it and deletes the
    uncommitted change, and verify passes again."""
    script = work / "killer.py"
    script.write_text(CHILD, encoding="utf-8")
    arcs = {op: new_archive(work / f"torn-{op}") for op in OPS}
    tried = passed = 0
    dropped = 0
    failures = []
    for trial in range(total):
        op = OPS[trial % len(OPS)]
        arc = arcs[op]
        before = len(list(arc.record_dirs()))
        proc = subprocess.run([sys.executable, str(script), str(arc.root), str(FIXTURES),
                               str(EXAMPLES), op, "torn", str(ROOT / "src")],
                              capture_output=True, text=True, timeout=300)
        tried += 1
        problems = []
        if proc.returncode != -signal.SIGKILL:
            problems.append(f"child exit {proc.returncode}: {proc.stderr[-400:]}")
        if not (arc.audit_path.read_bytes().endswith(b"\n")):
            dropped += 1  # the torn line is there before recovery
        else:
            problems.append("no torn line was left")
        torn = arc.audit_path.read_bytes()
        report = Archive(arc.root).verify()
        codes = {p.code for p in report.problems}
        if "audit-torn" not in codes or codes - {"audit-torn", "unfinished"}:
            problems.append(f"verify before the next filing: {[str(p) for p in report.problems]}")
        if arc.audit_path.read_bytes() != torn:
            problems.append("verify changed the audit log")
        if op in ("form", "import") and len(list(arc.record_dirs())) != before:
            problems.append("a 件 appeared from an uncommitted filing")
        Archive(arc.root).file_import(FIXTURES / "plan.pdf", type="other", kind="听证会纪要",
                                      title=f"听证会纪要torn{trial}", date="2011-06-10",
                                      unit="区建设局规划处", by="trial")
        if not arc.audit_path.read_bytes().endswith(b"\n"):
            problems.append("the next filing left the torn line")
        report = Archive(arc.root).verify()
        if not report.ok:
            problems += [str(p) for p in report.problems]
        problems += numbers_problems(Archive(arc.root))
        if problems:
            failures.append(f"trial {trial} (torn, {op}): " + "; ".join(problems[:3]))
            log(failures[-1])
            arcs[op] = new_archive(work / f"torn-{op}-{trial}")
        else:
            passed += 1
    note = (f"{', '.join(OPS)} in turn; a torn last line left {dropped} times, reported by "
            "verify as found, dropped by the next filing with its change, then verify passes")
    return dict(tried=tried, passed=passed, failed=tried - passed, note=note, failures=failures)


def row_recovery(work: Path, total: int, rng: random.Random, log) -> dict:
    """A supersede killed right after its audit entry (committed, nothing moved: two moves
    pending), then the next filer, which finishes it under the lock, killed at a random step
    of that recovery or of its own filing; then the disk check and verify."""
    script = work / "killer.py"
    script.write_text(CHILD, encoding="utf-8")
    arc = new_archive(work / "kill-recovery")
    tried = passed = 0
    where = collections.Counter()
    failures = []
    for trial in range(total):
        target = rng.randint(1, 10)
        problems = []
        for op, point in (("supersede", "after audit.append"), ("import", str(target))):
            proc = subprocess.run([sys.executable, str(script), str(arc.root), str(FIXTURES),
                                   str(EXAMPLES), op, point, str(ROOT / "src")],
                                  capture_output=True, text=True, timeout=300)
            if proc.returncode != -signal.SIGKILL:
                problems.append(f"{op} child exit {proc.returncode}: {proc.stderr[-400:]}")
            problems += disk_problems(arc)
        m = re.search(r"KILL (\w+) ([\w.]+)", proc.stderr)
        if m:
            where[f"{m.group(1)} {m.group(2)}"] += 1
        tried += 1
        report = Archive(arc.root).verify()
        if not report.ok:
            problems += [str(p) for p in report.problems]
        problems += numbers_problems(Archive(arc.root))
        records = {r.filing_number: r for r in Archive(arc.root).records()}
        for r in records.values():  # every supersede finished: both sides linked
            if r.status == "superseded" and (r.superseded_by not in records):
                problems.append(f"{r.filing_number} superseded by a missing 件")
        if problems:
            failures.append(f"trial {trial} (recovery, step {target}): " + "; ".join(problems[:3]))
            log(failures[-1])
            arc = new_archive(work / f"kill-recovery-{trial}")
        else:
            passed += 1
    note = ("second kill at: " + ", ".join(f"{k} {v}" for k, v in where.most_common())
            + f"; {len(list(Archive(arc.root).record_dirs()))} 件 by the end")
    return dict(tried=tried, passed=passed, failed=tried - passed, note=note, failures=failures)


# --- row 2 -----------------------------------------------------------------------------------
def row_parallel(work: Path, filers: int, per_filer: int, log) -> dict:
    arc = new_archive(work / "parallel")
    script = work / "filer.py"
    script.write_text(FILER, encoding="utf-8")
    go = work / "go"
    procs = []
    for _ in range(filers):
        p = subprocess.Popen([sys.executable, str(script), str(arc.root),
                              str(FIXTURES / "plan.pdf"), str(per_filer), str(go),
                              str(ROOT / "src")],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
        procs.append(p)
    start = time.monotonic()
    go.touch()
    codes = []
    for p in procs:
        _, err = p.communicate()
        codes.append(p.returncode)
        if p.returncode:
            log(f"filer exit {p.returncode}: {err[-400:]}")
    secs = time.monotonic() - start
    arc = Archive(arc.root)
    names = [n for n, _ in arc.record_dirs()]
    expected = filers * per_filer
    problems = [f"filer exit {c}" for c in codes if c]
    if sorted(n.item for n in names) != list(range(1, expected + 1)):
        problems.append(f"件号 not 1..{expected}: {len(names)} folders")
    if len(set(map(str, names))) != len(names):
        problems.append("a 件号 given twice")
    by = collections.Counter(e["by"] for e in arc.audit_entries() if e["action"] == "file")
    if sorted(by.values()) != [per_filer] * filers:
        problems.append(f"filings per filer {sorted(by.values())}")
    report = arc.verify()
    if not report.ok:
        problems += [str(p) for p in report.problems[:3]]
    tried = expected
    good = len({n.item for n in names} & set(range(1, expected + 1)))  # right 件号, once each
    failed = max(1, expected - good) if problems else 0
    note = (f"{filers} processes x {per_filer} imports, {len(names)} 件 "
            f"({min(n.item for n in names):04d}–{max(n.item for n in names):04d}), "
            f"{secs:.0f} s filing ({expected / secs:.1f} filings/s), verify "
            + ("passes" if report.ok else "FAILS"))
    return dict(tried=tried, passed=tried - failed, failed=failed, note=note, failures=problems)


# --- row 3 -----------------------------------------------------------------------------------
def _records(arc_root: Path) -> list[Path]:
    return sorted(p for p in (arc_root / "records").glob("*/*") if p.is_dir())


def _writable(p: Path) -> None:
    p.chmod(0o644)


def _edit_byte(path: Path, at: int) -> None:
    _writable(path)
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _audit_lines(arc_root: Path) -> list[bytes]:
    return (arc_root / "audit.jsonl").read_bytes().splitlines(keepends=True)


def _write_audit(arc_root: Path, lines: list[bytes]) -> None:
    (arc_root / "audit.jsonl").write_bytes(b"".join(lines))


def t_pdf_byte(root):
    pdf = next(_records(root)[0].glob("*.pdf"))
    _edit_byte(pdf, pdf.stat().st_size // 2)
    return pdf.name


def t_record_json(root):
    rec = _records(root)[1] / "record.json"
    _writable(rec)
    rec.write_text(rec.read_text(encoding="utf-8").replace("听证会纪要", "听政会纪要", 1),
                   encoding="utf-8")
    return _records(root)[1].name


def t_delete_folder(root):
    folder = _records(root)[1]
    shutil.rmtree(folder)
    return folder.name


def t_delete_last_folder(root):
    folder = _records(root)[-1]
    shutil.rmtree(folder)
    return folder.name


def t_rename_folder(root):
    folder = _records(root)[-1]
    name = folder.name
    new = name[:-4] + "0009"
    folder.rename(folder.with_name(new))
    return new


def t_stray_file(root):
    stray = _records(root)[0] / "notes.txt"
    stray.write_text("x")
    return "notes.txt"


def t_audit_entry(root):
    lines = _audit_lines(root)
    lines[2] = lines[2].replace("测试员".encode(), "管理员".encode(), 1)
    _write_audit(root, lines)
    return "entry 3"


def t_audit_delete_line(root):
    lines = _audit_lines(root)
    del lines[2]
    _write_audit(root, lines)
    return "entry"


def t_audit_reorder(root):
    lines = _audit_lines(root)
    lines[2], lines[3] = lines[3], lines[2]
    _write_audit(root, lines)
    return "entry"


def t_truncate_last(root):
    lines = _audit_lines(root)
    last = json.loads(lines[-1])
    _write_audit(root, lines[:-1])
    gone = last["filing_number"]
    shutil.rmtree(root / "records" / str(numbering.parse(gone).year) / gone)
    return "anchor"


def t_settings(root):
    s = root / "docgen-archive.json"
    _writable(s)
    s.write_text(s.read_text(encoding="utf-8").replace("区建设局规划处", "区建设局规划科", 1),
                 encoding="utf-8")
    return "docgen-archive.json"


def t_chmod_file(root):
    pdf = next(_records(root)[0].glob("*.pdf"))
    pdf.chmod(0o644)
    return pdf.name


def t_chmod_root(root):
    root.chmod(0o777)
    return str(root.name)


def t_rewrite_log(root):
    """Change an entry and recompute every hash after it: the chain is whole again; only the
    head noted before (--head SEQ:HASH) can tell."""
    lines = [json.loads(ln) for ln in _audit_lines(root)]
    lines[2]["by"] = "管理员"
    prev = audit.GENESIS
    for e in lines:
        e["prev"] = prev
        e["hash"] = audit.entry_hash(e)
        prev = e["hash"]
    _write_audit(root, [(json.dumps(e, ensure_ascii=False, sort_keys=True,
                                    separators=(",", ":")) + "\n").encode() for e in lines])
    return "anchor"


TAMPERS = [  # (name, function, needs the earlier head)
    ("edit a PDF byte", t_pdf_byte, False),
    ("edit record.json", t_record_json, False),
    ("delete a 件 folder", t_delete_folder, False),
    ("delete the last 件 folder", t_delete_last_folder, False),
    ("rename a 件 folder", t_rename_folder, False),
    ("add a stray file", t_stray_file, False),
    ("edit an audit entry", t_audit_entry, False),
    ("delete an audit line", t_audit_delete_line, False),
    ("reorder audit lines", t_audit_reorder, False),
    ("truncate the last audit entry + its 件", t_truncate_last, True),
    ("change settings outside docgen", t_settings, False),
    ("chmod a filed file writable", t_chmod_file, False),
    ("chmod the archive root 0777", t_chmod_root, False),
    ("rewrite the log, hashes recomputed", t_rewrite_log, True),
]


def row_tamper(work: Path, log, show: bool = False) -> dict:
    from tests.hostile.support import small_archive

    rows = {False: [0, 0], True: [0, 0]}
    failures, kinds, blind = [], [], []
    for i, (name, fn, anchored) in enumerate(TAMPERS):
        base = work / f"tamper-{i}"
        arc = small_archive(base, imports=3)
        root = arc.root
        os.chmod(root, 0o755)
        head = subprocess.run(DOCGEN + ["verify", "--archive", str(root)], capture_output=True,
                              text=True, env=_env())
        clean = head.returncode == 0
        m = re.search(r"audit head (\d+:[0-9a-f]+)", head.stdout)
        clue = fn(root)
        args = DOCGEN + ["verify", "--archive", str(root)]
        if anchored:
            args += ["--head", m.group(1)]
        out = subprocess.run(args, capture_output=True, text=True, env=_env())
        text = out.stdout + out.stderr
        if anchored:  # what verify says without the anchor: exit 0 expected (issue 10 §2)
            bare = subprocess.run(args[:-2], capture_output=True, text=True, env=_env())
            blind.append(f"{name}: exit {bare.returncode} without --head")
        caught = clean and out.returncode == 8 and clue.lower() in text.lower()
        if show:
            log(f"--- {name}: exit {out.returncode}, clue {clue!r}\n{text.strip()[-800:]}")
        rows[anchored][0] += 1
        rows[anchored][1] += caught
        kinds.append(name + (" (with --head)" if anchored else ""))
        if not caught:
            failures.append(f"{name}: exit {out.returncode} (clean before: {clean}), "
                            f"clue {clue!r} {'in' if clue.lower() in text.lower() else 'not in'}"
                            f" the report: {text.strip()[-300:]}")
            log(failures[-1])
        root.chmod(0o755)
    tried = sum(r[0] for r in rows.values())
    passed = sum(r[1] for r in rows.values())
    note = (f"caught / tried: without an anchor {rows[False][1]}/{rows[False][0]}, with an "
            f"external anchor (--head) {rows[True][1]}/{rows[True][0]} ("
            + "; ".join(blind) + ")")
    return dict(tried=tried, passed=passed, failed=tried - passed, note=note,
                failures=failures, kinds=kinds)


# --- row 4 -----------------------------------------------------------------------------------
def row_hostile(log) -> dict:
    out = subprocess.run([sys.executable, "-m", "pytest", "tests/hostile", "-m", "not slow",
                          "-q", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True,
                         text=True, env=_env())
    tail = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-300:]
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|error|errors|skipped|"
                                                 r"deselected|xfailed|xpassed)", tail)}
    passed = counts.get("passed", 0)
    failed = counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
    if failed or out.returncode:
        log(out.stdout[-3000:])
    note = f"pytest: {tail}"
    return dict(tried=passed + failed, passed=passed, failed=failed, note=note,
                failures=[tail] if failed or out.returncode else [], cases=hostile_cases())


def hostile_cases() -> list[str]:
    """The case column of every table in tests/hostile/README.md, by section."""
    out, section = [], None
    for line in (ROOT / "tests" / "hostile" / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line[3:].split(" (")[0]
        elif line.startswith("| ") and not line.startswith(("| case", "| ---")):
            cells = [c.strip() for c in line.strip("|").split("|")]
            slow = " (slow: deselected in this row)" if "(slow)" in cells[0] else ""
            out.append(f"{section}: {cells[0]} → {cells[-1]}{slow}")
    return out


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}


def machine() -> str:
    model = "?"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))}), {model}, " \
           f"Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=20110420)
    ap.add_argument("--kills", type=int, default=200, help="SIGKILL trials (default 200)")
    ap.add_argument("--torn-kills", type=int, default=20,
                    help="trials cutting the audit line's write in half (default 20)")
    ap.add_argument("--recovery-kills", type=int, default=40,
                    help="trials killing the filer that finishes a killed change (default 40)")
    ap.add_argument("--filers", type=int, default=4)
    ap.add_argument("--per-filer", type=int, default=250)
    ap.add_argument("--rows", default="sigkill,torn,recovery,parallel,tamper,hostile")
    ap.add_argument("--show-tamper", action="store_true", help="print each verify report")
    ap.add_argument("--markdown", action="store_true", help="print the RELIABILITY.md section")
    args = ap.parse_args(argv)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    rng = random.Random(args.seed)
    results = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="docgen-trial-") as tmp:
        work = Path(tmp)
        for row in args.rows.split(","):
            t0 = time.monotonic()
            log(f"running {row} …")
            if row == "sigkill":
                r = row_sigkill(work, args.kills, rng, log)
            elif row == "torn":
                r = row_torn(work, args.torn_kills, log)
            elif row == "recovery":
                r = row_recovery(work, args.recovery_kills, rng, log)
            elif row == "parallel":
                r = row_parallel(work, args.filers, args.per_filer, log)
            elif row == "tamper":
                r = row_tamper(work, log, args.show_tamper)
            elif row == "hostile":
                r = row_hostile(log)
            else:
                raise SystemExit(f"unknown row {row}")
            r["secs"] = time.monotonic() - t0
            results[row] = r
            log(f"  {row}: {r['tried']} tried, {r['passed']} passed, {r['failed']} failed, "
                f"{r['secs']:.0f} s")
    total = time.monotonic() - started
    exe = os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(str(ROOT)) \
        else "python"
    cmd = f"{exe} bench/trial_reliability.py " + " ".join(argv if argv is not None
                                                           else sys.argv[1:])
    print_report(results, args, total, cmd.strip())
    return 1 if any(r["failed"] for r in results.values()) else 0


LABELS = {"sigkill": "SIGKILL at a random step of a filing",
          "torn": "SIGKILL half-way through the audit write",
          "recovery": "SIGKILL during the recovery of a killed filing", "parallel": "parallel filers",
          "tamper": "tamper kinds caught", "hostile": "hostile inputs (tests/hostile)"}


def print_report(results, args, total, cmd):
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = ["row", "tried", "passed", "failed", "wall"]
    rows = [[LABELS[k], str(r["tried"]), str(r["passed"]), str(r["failed"]),
             f"{r['secs']:.0f} s"] for k, r in results.items()]
    if args.markdown:
        print(f"Measured {when} on {machine()}; seed {args.seed}; total wall time {total:.0f} s.")
        print(f"Command: `{cmd}`\n")
        print("| " + " | ".join(head) + " |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for r in rows:
            print("| " + " | ".join(r) + " |")
        print()
        for k, r in results.items():
            print(f"- **{LABELS[k]}**: {r['note']}")
        if "tamper" in results:
            print("\nTamper kinds tried: " + "; ".join(results["tamper"]["kinds"]) + ".")
        if "hostile" in results:
            print("\nHostile cases (tests/hostile/README.md, case → exit):\n")
            for c in results["hostile"]["cases"]:
                print(f"- {c}")
        fails = [f for r in results.values() for f in r["failures"]]
        if fails:
            print("\nFailures:\n")
            for f in fails:
                print(f"- {f}")
        return
    print(f"machine: {machine()}")
    print(f"seed: {args.seed}   measured: {when}   total wall: {total:.0f} s")
    print(f"command: {cmd}")
    widths = [max(len(x[i]) for x in [head] + rows) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))
    for k, r in results.items():
        print(f"  {k}: {r['note']}")
        for f in r["failures"]:
            print(f"    FAILED {f}")


if __name__ == "__main__":
    sys.exit(main())
