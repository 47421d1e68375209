"""Layout: `layout check` time per page, and what fitting adds to `generate --pdf`, same run.

Fitting measures every PDF after conversion and converts again only the documents whose
署名 stands alone. The ratio compares `generate --pdf` on the three example forms (render,
convert, measure, fit) with render + convert alone, alternating the two for --rounds rounds
and taking medians. A second figure does the same on forms chosen so that their signature
does fall alone (from the layout test matrix), where a fitting pass must reconvert.

    python bench/bench_layout.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from docgen.convert import _soffice  # noqa: E402
from docgen.convert import convert  # noqa: E402
from docgen.forms import load_form  # noqa: E402
from docgen.layout import check  # noqa: E402
from docgen.pipeline import generate_documents  # noqa: E402
from docgen.render import render_form  # noqa: E402
from tests.layout_forms import matrix, write_forms  # noqa: E402

EXAMPLES = [ROOT / "examples" / f"{t}.yaml" for t in ("plan", "commitment", "summary")]
LONE = ["sweep-full-12", "sweep-full-13", "sweep-bare-15", "sweep-bare-16"]  # 署名 alone


def without_fitting(forms: list[Path], out: Path) -> float:
    t = time.perf_counter()
    docs = [render_form(load_form(f), out / f"{f.stem}.docx") for f in forms]
    done = convert(docs, out)
    assert not done.failed, done.failed
    return time.perf_counter() - t


def with_fitting(forms: list[Path], out: Path) -> tuple[float, list[str]]:
    t = time.perf_counter()
    result = generate_documents(forms, out, pdf=True)
    assert not result.failed, result.failed
    return time.perf_counter() - t, result.layout


def compare(forms: list[Path], tmp: Path, rounds: int) -> tuple[float, float, list[str]]:
    plain, fitted, warnings = [], [], []
    for r in range(rounds):
        for kind in (("plain", "fitted") if r % 2 == 0 else ("fitted", "plain")):
            out = tmp / f"{kind}-{r}"
            if kind == "plain":
                plain.append(without_fitting(forms, out))
            else:
                seconds, warnings = with_fitting(forms, out)
                fitted.append(seconds)
            shutil.rmtree(out)
    return statistics.median(plain), statistics.median(fitted), warnings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-layout-") as tmp:
        tmp = Path(tmp)
        lone = write_forms(tmp / "forms", {k: v for k, v in matrix().items() if k in LONE})
        # layout check per page, on the examples' and the matrix forms' PDFs
        pdf_dir = tmp / "pdf"
        generate_documents(EXAMPLES + lone, pdf_dir, pdf=True)
        pdfs = sorted(pdf_dir.glob("*.pdf"))
        t = time.perf_counter()
        reports = [check(p) for p in pdfs]
        seconds = time.perf_counter() - t
        pages = sum(r.pages for r in reports)
        plain, fitted, warnings = compare(EXAMPLES, tmp, a.rounds)
        lone_plain, lone_fitted, lone_warnings = compare(lone, tmp, a.rounds)
    print(f"{_soffice.version(_soffice.find(None))}; {os.cpu_count()} CPUs")
    print(f"layout check: {len(pdfs)} PDFs, {pages} pages in {seconds:.2f} s: "
          f"{seconds / pages * 1000:.0f} ms/page ({sum(r.ok for r in reports)}/{len(pdfs)} pass)")
    print(f"examples (3 forms), median of {a.rounds}: render+convert {plain:.2f} s, "
          f"generate --pdf with fitting {fitted:.2f} s: +{(fitted / plain - 1) * 100:.0f}% "
          f"({len(warnings)} warnings)")
    print(f"lone-signature forms ({len(LONE)}), median of {a.rounds}: render+convert "
          f"{lone_plain:.2f} s, with fitting {lone_fitted:.2f} s: "
          f"+{(lone_fitted / lone_plain - 1) * 100:.0f}% ({len(lone_warnings)} warnings)")


if __name__ == "__main__":
    main()
