"""OCR benchmark: `docgen import` of scans against `ocrmypdf` on the same pages.

    .venv/bin/python bench/bench_ocr.py              # 300 dpi colour scan, 4 pages
    .venv/bin/python bench/bench_ocr.py --grey --dpi 200
    .venv/bin/python bench/bench_ocr.py --repeat 2   # alternate the two, best of each

The "scan" is docgen's own PDF of examples/plan.yaml rendered by pdftoppm, turned 1°,
given seeded grain and saved as JPEG q75 (tests/scanmaker.py, as the quality test does).

Both sides run as a user would, as processes, in the same run, on the same pages:
- ocrmypdf: `ocrmypdf` on the pages joined by img2pdf (joining not timed), with the options
  docgen passes (chi_sim+eng, PDF/A-2b, internal PDF/A writer, skip pages with text, rotate,
  deskew, 2 jobs, optimize 1, page segmentation 4, docgen's plugin for progress and paper
  whitening);
- docgen: `docgen import --one-item PAGES…` into a fresh archive: checks the inputs,
  joins them, OCRs, stamps the 归档章, digests, writes record.json and the audit entry,
  updates the search index.
Also: plain ocrmypdf without docgen's plugin (its CER shows what the paper whitening buys),
the CER of the filed text against the source text and the recall of 100 seeded 4-character
phrases through `docgen search`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from scanmaker import cer, phrases, scan_pages, source_text  # noqa: E402

BIN = Path(sys.executable).parent
DOCGEN = str(BIN / "docgen")
OCRMYPDF = str(BIN / "ocrmypdf")
OPTIONS = ["-l", "chi_sim+eng", "--output-type", "pdfa-2", "--pdfa-backend", "internal",
           "--mode", "skip", "--rotate-pages", "--deskew", "--jobs", "2", "--optimize", "1",
           "--tesseract-pagesegmode", "4", "--title", "扫描件", "--author", "区建设局规划处"]


def run(cmd, **kw) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, timeout=1800, **kw)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--grey", action="store_true")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()

    import img2pdf

    work = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    try:
        subprocess.run([DOCGEN, "--quiet", "generate", str(ROOT / "examples" / "plan.yaml"),
                        "-o", str(work), "--pdf"], check=True, capture_output=True)
        plan = work / "plan.pdf"
        pages = scan_pages(plan, work / "scan", dpi=args.dpi, grey=args.grey)
        joined = work / "joined.pdf"
        joined.write_bytes(img2pdf.convert([str(p) for p in pages]))
        source = source_text(plan)
        n = len(pages)
        versions = subprocess.run([OCRMYPDF, "--version"], capture_output=True,
                                  text=True).stdout.strip()
        tess = subprocess.run(["tesseract", "--version"], capture_output=True,
                              text=True).stdout.split()[1]
        print(f"{os.cpu_count()} CPUs; OCRmyPDF {versions}, Tesseract {tess}; {n} pages, "
              f"{args.dpi} dpi {'grey' if args.grey else 'colour'} JPEG q75, turned 1°, grain")

        times = {"ocrmypdf": [], "docgen": []}
        plain = work / "plain.pdf"
        t_plain = run([OCRMYPDF, *OPTIONS, "--sidecar", str(work / "plain.txt"), str(joined),
                       str(plain)])
        cer_plain = cer(source, (work / "plain.txt").read_text("utf-8"))
        for i in range(args.repeat):
            out = work / f"ocrmypdf-{i}.pdf"
            times["ocrmypdf"].append(run([OCRMYPDF, *OPTIONS, "--plugin",
                                          "docgen.scan._ocrmypdf", "--sidecar",
                                          str(work / "direct.txt"), str(joined), str(out)]))
            root = work / f"archive-{i}"
            subprocess.run([DOCGEN, "init", str(root), "--fonds-code", "Z109", "--fonds-name",
                            "区建设局", "--unit", "区建设局规划处=GHC"], check=True,
                           capture_output=True)
            times["docgen"].append(run([DOCGEN, "--quiet", "import", "--archive", str(root),
                                        "--one-item", *map(str, pages), "--type",
                                        "other", "--title", "扫描件",
                                        "--date", "2011-04-15"]))
        cer_direct = cer(source, (work / "direct.txt").read_text("utf-8"))
        text_file = next((work / "archive-0" / "records").rglob("*.text.txt"))
        cer_docgen = cer(source, text_file.read_text("utf-8"))
        sample = phrases(source, 100, besides="扫描件 其他 区建设局规划处")
        found = 0
        for phrase in sample:
            r = subprocess.run([DOCGEN, "search", "--archive", str(work / "archive-0"), phrase,
                                "--json"], capture_output=True, text=True)
            found += r.returncode == 0 and bool(json.loads(r.stdout))
        best_o, best_d = min(times["ocrmypdf"]), min(times["docgen"])
        print(f"ocrmypdf (no plugin):        {t_plain:6.1f} s  {n / t_plain:.3f} pages/s  "
              f"CER {cer_plain:.2%}")
        print(f"ocrmypdf (docgen's options): {best_o:6.1f} s  {n / best_o:.3f} pages/s  "
              f"CER {cer_direct:.2%}")
        print(f"docgen import:        {best_d:6.1f} s  {n / best_d:.3f} pages/s  "
              f"CER {cer_docgen:.2%}")
        print(f"ratio docgen/ocrmypdf:       {best_d / best_o:.2f}x time (aim <= 1.2)")
        print(f"phrases found by docgen search: {found}/{len(sample)} (aim >= 95)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
