"""Archive speed: filing already-converted documents (件/s) and the 四性检测 (MB/s), next to
plain SM3 + SHA-256 hashing of the same bytes measured in the same run.

    python bench/bench_archive.py [--n 1000] [--keep]

The documents are the three example forms rendered by docgen and converted to PDF/A by
LibreOffice once; each copy gets its own trailer /ID (same length, so the PDF stays valid)
so that no two filed PDFs share a digest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docgen.archive import digests, init_archive  # noqa: E402
from docgen.archive.stamp import StampCells, stamp  # noqa: E402
from docgen.forms import load_form  # noqa: E402

CACHE = ROOT / "bench" / "out" / "archive-inputs"
FORMS = ["plan", "commitment", "summary"]
TRAILER_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def real_inputs() -> dict[str, tuple[Path, Path, Path]]:
    """form -> (form file, docx, PDF/A), rendered and converted once, then cached."""
    from docgen.convert import ConvertOptions, convert
    from docgen.render import render_form

    CACHE.mkdir(parents=True, exist_ok=True)
    out = {}
    todo = []
    for name in FORMS:
        form_path = ROOT / "examples" / f"{name}.yaml"
        docx, pdf = CACHE / f"{name}.docx", CACHE / f"{name}.pdf"
        if not pdf.is_file():
            render_form(load_form(form_path), docx)
            todo.append(docx)
        out[name] = (form_path, docx, pdf)
    if todo:
        result = convert(todo, CACHE, options=ConvertOptions())
        if result.failed:
            sys.exit(f"conversion failed: {result.failed}")
    return out


def variant(pdf_bytes: bytes, i: int) -> bytes:
    """The same PDF with the second half of its trailer /ID replaced by i (same length)."""
    matches = list(TRAILER_ID.finditer(pdf_bytes))
    if not matches:
        sys.exit("no trailer /ID to vary")
    m = matches[-1]
    old = m.group(2)
    new = f"{i:0{len(old)}X}".encode()[-len(old):]
    return pdf_bytes[:m.start(2)] + new + pdf_bytes[m.end(2):]


def plain_hash(paths: list[Path]) -> tuple[float, int]:
    """Seconds and bytes to SM3 + SHA-256 every file, read in the same 1 MiB chunks."""
    t = time.perf_counter()
    total = 0
    for p in paths:
        _, size = digests.digest_file(p)
        total += size
    return time.perf_counter() - t, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="documents to file (default 1000)")
    ap.add_argument("--keep", action="store_true", help="keep the archive (path printed)")
    args = ap.parse_args()

    inputs = real_inputs()
    work = Path(tempfile.mkdtemp(prefix="docgen-bench-archive-"))
    try:
        staged = []
        forms = {name: load_form(inputs[name][0]) for name in FORMS}
        for i in range(args.n):
            name = FORMS[i % len(FORMS)]
            form_path, docx, pdf = inputs[name]
            dst = work / "in" / f"{i:05d}.pdf"
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_bytes(variant(pdf.read_bytes(), i))
            staged.append((forms[name], form_path, docx, dst))

        # stamping alone, to see its share of filing
        m = min(args.n, 200)
        t = time.perf_counter()
        for i in range(m):
            stamp(staged[i][3], work / "stamp.pdf",
                  lambda p: StampCells("Z109", 2011, i + 1, "GHC", "D30", p))
        stamp_ms = (time.perf_counter() - t) / m * 1000

        def make(name):
            return init_archive(work / name, fonds_code="Z109", fonds_name="区建设局",
                                units=[("区建设局规划处", "GHC")],
                                clock=lambda: dt.datetime(2011, 4, 18, 9, tzinfo=dt.timezone.utc))

        from docgen.search import start_filing, sync

        # the archive's own work (it never calls the index)
        arc = make("archive")
        t = time.perf_counter()
        for form, form_path, docx, pdf in staged:
            arc.file_form(form, form_path, docx, pdf, by="bench", duplicate_ok=True)
        filing_s = time.perf_counter() - t
        # the index told after each 件: one index commit per 件
        k = max(1, min(args.n // 10, 100))
        hooked = make("archive-indexed")
        hooked.file_form(*staged[0], by="bench", duplicate_ok=True)
        sync(hooked)  # makes the index, loads jieba's dictionary
        notes = []
        t = time.perf_counter()
        for form, form_path, docx, pdf in staged[1:k + 1]:
            filing = start_filing(hooked)
            hooked.file_form(form, form_path, docx, pdf, by="bench", duplicate_ok=True)
            notes.append(sync(hooked, filing=filing))
        hooked_s = (time.perf_counter() - t) / k
        hooked_note = f"; notices: {[n for n in notes if n]}" if any(notes) else ""
        # as `docgen file FORM…` does it: file them all, then one sync (one index commit)
        batched = make("archive-batch")
        batched.file_form(*staged[0], by="bench", duplicate_ok=True)
        sync(batched)  # the index exists, jieba is loaded
        t = time.perf_counter()
        filing = start_filing(batched)
        for form, form_path, docx, pdf in staged[1:]:
            batched.file_form(form, form_path, docx, pdf, by="bench", duplicate_ok=True)
        note = sync(batched, filing=filing)
        batch_s = (time.perf_counter() - t) / max(1, len(staged) - 1)
        batch_note = f"; notice: {note}" if note else ""

        files = sorted(p for p in (work / "archive" / "records").rglob("*") if p.is_file())
        hash_runs, verify_runs = [], []
        for _ in range(2):  # alternate, best of two each: both read from the page cache
            hash_runs.append(plain_hash(files))
            t = time.perf_counter()
            report = arc.verify()
            verify_runs.append(time.perf_counter() - t)
            assert report.ok, report.problems[:5]
        hash_s, hashed = min(hash_runs)
        verify_s = min(verify_runs)
        mb = report.bytes / 1e6

        sm3_backend = "OpenSSL" if digests.openssl_has_sm3() else "gmssl (pure Python)"
        print(f"documents filed:        {args.n} (3 real PDF/A, {mb / args.n * 1e3:.0f} kB per 件 "
              f"in all files)")
        print(f"filing:                 {args.n / filing_s:8.1f} 件/s   "
              f"({filing_s / args.n * 1000:.1f} ms per 件; stamping alone {stamp_ms:.1f} ms, "
              f"{stamp_ms / (filing_s / args.n * 1000):.0%} of it)")
        print(f"filing + search index:  {1 / hooked_s:8.1f} 件/s   ({hooked_s * 1000:.1f} ms per 件 "
              f"over {k} 件, one index commit per 件{hooked_note})")
        print(f"filing a batch + index: {1 / batch_s:8.1f} 件/s   ({batch_s * 1000:.1f} ms per 件 "
              f"over {len(staged) - 1} 件, one sync at the end, as `docgen file` does"
              f"{batch_note})")
        print(f"verify (四性检测):       {mb / verify_s:8.1f} MB/s   ({verify_s:.2f} s for "
              f"{report.records} 件, {report.files} files, {mb:.1f} MB)")
        print(f"plain SM3+SHA-256:      {hashed / 1e6 / hash_s:8.1f} MB/s   ({hash_s:.2f} s, "
              f"SM3 via {sm3_backend})")
        print(f"verify / plain hashing: {verify_s / hash_s:8.2f} x  (aim: within 2x)")
        if args.keep:
            print(f"archive kept at {work / 'archive'}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
