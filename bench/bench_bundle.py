"""Bundle an archive of N filings; MB/s next to plain zip-and-hash of the same bytes.

    .venv/bin/python bench/bench_bundle.py [--n 1000] [--repeat 3] [--jobs 1] [--rebuild]

The archive is built once through the archive's own API (docgen.archive.file_import) from a
real PDF/A that LibreOffice made from examples/plan.yaml, and cached under bench/out/. Each
filing's bytes differ: the 归档章 carries its own 件号, and each original .docx gets its own
zip comment. The baseline reads the same record files, hashes each with SHA-256 and writes
them into one zip with the same per-file compression (stored PDF/DOCX, deflated text).
Figures are MB per second of wall time, best of --repeat runs: end to end against the
record files, and the packing stages (bagit + zip) against zip-and-hash of the bag's files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

OUT = ROOT / "bench" / "out"
UNITS = [("区建设局规划处", "GHC"), ("区建设局办公室", "BGS"), ("区建设局建管处", "JGC"),
         ("区建设局市政处", "SZC")]
KINDS = [("plan", "工作方案"), ("commitment", "承诺书"), ("other", "听证会纪要"),
         ("other", "践诺情况报告"), ("summary", "年度工作总结")]
CST = dt.timezone(dt.timedelta(hours=8))


def clock():
    return dt.datetime(2012, 1, 20, 9, 0, tzinfo=CST)


def source_documents(work: Path) -> tuple[Path, Path]:
    """plan.yaml rendered to .docx and converted to PDF/A by LibreOffice, once."""
    from docgen.convert import convert
    from docgen.forms import load_form
    from docgen.render import render_form

    docx, pdf = work / "plan.docx", work / "plan.pdf"
    if not pdf.is_file():
        render_form(load_form(ROOT / "examples" / "plan.yaml"), docx)
        result = convert([docx], work)
        if not result.ok:
            sys.exit(f"LibreOffice failed: {result.failed}")
    return docx, pdf


def build_archive(n: int, rebuild: bool) -> Path:
    from docgen.archive import init_archive

    root = OUT / f"archive-{n}"
    if root.is_dir() and (root / "docgen-archive.json").is_file() and not rebuild and \
            sum(1 for _ in (root / "records").glob("*/*")) == n:
        return root
    if root.exists():
        shutil.rmtree(root)
    OUT.mkdir(parents=True, exist_ok=True)
    docx, pdf = source_documents(OUT)
    arc = init_archive(root, fonds_code="Z109", fonds_name="区建设局", units=UNITS,
                       clock=clock)
    variants = OUT / "variants"
    variants.mkdir(exist_ok=True)
    t0 = time.perf_counter()
    for i in range(n):
        unit, _ = UNITS[i % len(UNITS)]
        kind, word = KINDS[i % len(KINDS)]
        original = variants / "original.docx"
        shutil.copyfile(docx, original)
        with zipfile.ZipFile(original, "a") as zf:  # same document, its own bytes
            zf.comment = f"docgen bench variant {i}".encode()
        arc.file_import(original, type=kind, kind=word, pdf=pdf, unit=unit,
                        title=f"{unit}2011年民主评议{word}（第{i + 1}份）",
                        date=dt.date(2011, 1 + i % 12, 1 + i % 28),
                        doc_number=f"建规〔2011〕{i + 1}号")
        if (i + 1) % 100 == 0:
            print(f"  filed {i + 1}/{n} ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    return root


def record_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "records").rglob("*") if p.is_file())


def zip_and_hash(files: list[Path], out: Path, base: Path) -> None:
    """The baseline: SHA-256 of every file and one zip of them, nothing else."""
    with zipfile.ZipFile(out, "w", allowZip64=True) as zf:
        for p in files:
            data = p.read_bytes()
            hashlib.sha256(data).hexdigest()
            stored = p.suffix.lower() in (".pdf", ".docx")
            zf.writestr(p.relative_to(base).as_posix(), data,
                        zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="filings in the archive [1000]")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each, best kept [3]")
    ap.add_argument("--jobs", type=int, default=1, help="bagit hashing processes [1]")
    ap.add_argument("--sha256-only", action="store_true", help="manifests in sha256 alone")
    ap.add_argument("--rebuild", action="store_true", help="build the cached archive again")
    args = ap.parse_args()

    from docgen.archive import Archive
    from docgen.bundle import BundleOptions, make_bundle, verify_bundle

    t0 = time.perf_counter()
    root = build_archive(args.n, args.rebuild)
    built = time.perf_counter() - t0
    files = record_files(root)
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"archive: {args.n} filings, {len(files)} files, {mb:.1f} MB ({root}; "
          f"ready in {built:.1f} s)")

    best = {"baseline": float("inf"), "bundle": float("inf"), "verify": float("inf"),
            "payload": float("inf")}
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        tmp = Path(tmp)
        for _ in range(args.repeat):
            t = time.perf_counter()
            zip_and_hash(files, tmp / "plain.zip", root)
            best["baseline"] = min(best["baseline"], time.perf_counter() - t)
            (tmp / "plain.zip").unlink()
            t = time.perf_counter()
            options = BundleOptions(checksums=("sha256",) if args.sha256_only else
                                    ("sha256", "sha512"))
            report = make_bundle(Archive(root), tmp / "bundle.zip", options, clock=clock,
                                 workdir=tmp, processes=args.jobs)
            took = time.perf_counter() - t
            if took < best["bundle"]:
                best["bundle"], stages = took, dict(report.seconds)
            t = time.perf_counter()
            verify_bundle(tmp / "bundle.zip", workdir=tmp)
            best["verify"] = min(best["verify"], time.perf_counter() - t)
        # the second baseline: zip-and-hash of exactly the bag's files (合订本 included)
        with zipfile.ZipFile(tmp / "bundle.zip") as zf:
            zf.extractall(tmp / "unzipped")
        bag_files = sorted(p for p in (tmp / "unzipped").rglob("*") if p.is_file())
        bag_mb = sum(p.stat().st_size for p in bag_files) / 1e6
        for _ in range(args.repeat):
            t = time.perf_counter()
            zip_and_hash(bag_files, tmp / "plain-bag.zip", tmp / "unzipped")
            best["payload"] = min(best["payload"], time.perf_counter() - t)
            (tmp / "plain-bag.zip").unlink()
        zip_mb = report.zip_bytes / 1e6
    base, bund = mb / best["baseline"], mb / best["bundle"]
    packing = stages["bagit"] + stages["zip"]
    print(f"plain zip-and-hash of the record files (zipfile + sha256): "
          f"{best['baseline']:.2f} s  {base:.0f} MB/s")
    print(f"docgen bundle, end to end: {best['bundle']:.2f} s  {bund:.0f} MB/s of record files "
          f"(zip {zip_mb:.1f} MB)  = {best['bundle'] / best['baseline']:.1f}x the baseline")
    print("  stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
    print(f"plain zip-and-hash of the bag's own files ({bag_mb:.1f} MB, 合订本 included): "
          f"{best['payload']:.2f} s  {bag_mb / best['payload']:.0f} MB/s")
    print(f"docgen packing of the same files (bagit {'+'.join(options.checksums)} "
          f"-j{args.jobs}, deterministic "
          f"zip, fsync): {packing:.2f} s  {bag_mb / packing:.0f} MB/s  = "
          f"{packing / best['payload']:.1f}x")
    print(f"docgen bundle verify: {best['verify']:.2f} s  {bag_mb / best['verify']:.0f} MB/s "
          "of bag files")


if __name__ == "__main__":
    main()
