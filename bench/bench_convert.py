"""Conversion speed: one `soffice --convert-to` per file against docgen's batch, same run.

The documents are the three example forms rendered many times over (1–4 pages each). The
baseline gets every advantage docgen has — the same PDF/A-2b export, the same font map, a
profile created before the clock starts — and starts one LibreOffice per file, as a shell loop
would. docgen keeps one LibreOffice per worker alive and checks every PDF it writes.

    python bench/bench_convert.py [--n 50] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docgen.convert import ConvertOptions, convert, pdfa, require_libreoffice  # noqa: E402
from docgen.forms import load_form  # noqa: E402
from docgen.render import render_form  # noqa: E402
from docgen.resources import data  # noqa: E402

EXPORT = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def make_documents(n: int, out: Path) -> list[Path]:
    forms = [load_form(ROOT / "examples" / f"{t}.yaml") for t in ("plan", "commitment", "summary")]
    return [render_form(forms[i % 3], out / f"{i:03d}-{forms[i % 3].type}.docx") for i in range(n)]


def one_process_per_file(docs: list[Path], out: Path, soffice: str, profile: Path) -> float:
    env = {**os.environ, "FONTCONFIG_FILE": str(data("fontconfig", "fonts.conf"))}
    args = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
            "--convert-to", EXPORT, "--outdir", str(out)]
    subprocess.run(args + [str(docs[0])], env=env, capture_output=True, check=True)  # warm profile
    t = time.perf_counter()
    for doc in docs:
        subprocess.run(args + [str(doc)], env=env, capture_output=True, check=True)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50, help="documents to convert (default 50)")
    ap.add_argument("--workers", type=int, default=ConvertOptions().workers,
                    help="docgen's LibreOffice processes (default: %(default)s)")
    a = ap.parse_args()
    office = require_libreoffice()
    soffice = office.soffice
    with tempfile.TemporaryDirectory(prefix="bench-convert-") as tmp:
        tmp = Path(tmp)
        for d in ("docx", "baseline", "docgen", "profile"):
            (tmp / d).mkdir()
        docs = make_documents(a.n, tmp / "docx")
        base = one_process_per_file(docs, tmp / "baseline", soffice, tmp / "profile")
        base_ok = sum((tmp / "baseline" / (d.stem + ".pdf")).is_file() for d in docs)
        t = time.perf_counter()
        result = convert(docs, tmp / "docgen", options=ConvertOptions(workers=a.workers))
        ours = time.perf_counter() - t
        checked = sum(not pdfa.check(p) for p in result.converted.values())
        pages = sum(int(subprocess.run(["pdfinfo", str(p)], capture_output=True, text=True)
                        .stdout.split("Pages:")[1].split()[0]) for p in result.converted.values())
    print(f"{office.version}; {os.cpu_count()} CPUs; {a.n} documents, {pages} pages")
    print(f"one soffice --convert-to per file: {base:7.2f} s  {base / a.n:.3f} s/doc"
          f"  ({base_ok}/{a.n} PDFs)")
    print(f"docgen batch ({a.workers} worker(s)):       {ours:7.2f} s  {ours / a.n:.3f} s/doc"
          f"  ({len(result.converted)}/{a.n} PDFs, {checked} pass pdfa.check,"
          f" {result.restarts} restarts)")
    print(f"ratio: {base / ours:.1f}x faster")


if __name__ == "__main__":
    main()
