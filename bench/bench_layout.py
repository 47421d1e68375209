"""Layout: `layout check` time per page, and what fitting adds to `generate --pdf`, same run.

Fitting measures every PDF after conversion and converts again only the documents whose
署名 stands alone. Three ways of making the same PDFs are alternated for --rounds rounds
(medians): render + convert alone (no form checks, no layout work); `generate --pdf` with its
layout check but no fitting pass (`fit(max_passes=0)`: measure and judge only); and
`generate --pdf` as it is (check, fitting passes, reconversions). The issue's figure, "the extra
time the fitting passes add to generate --pdf", is the third against the second. A second set
does the same on forms chosen so that their signature does fall alone (from the layout test
matrix), where a fitting pass must reconvert.

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


def with_fitting(forms: list[Path], out: Path, passes: bool = True) -> tuple[float, list[str]]:
    import docgen.layout.fit as fitting

    real = fitting.fit
    if not passes:  # the layout check alone: measure and judge, no pass
        fitting.fit = lambda pairs, reconvert, **kw: real(pairs, reconvert, max_passes=0, **kw)
    try:
        t = time.perf_counter()
        result = generate_documents(forms, out, pdf=True)
        seconds = time.perf_counter() - t
    finally:
        fitting.fit = real
    assert not result.failed, result.failed
    return seconds, result.layout


def compare(forms: list[Path], tmp: Path, rounds: int) -> tuple[float, float, float, list[str]]:
    """Medians of render+convert, generate --pdf checking only, generate --pdf fitting."""
    times: dict[str, list[float]] = {"plain": [], "checked": [], "fitted": []}
    warnings: list[str] = []
    kinds = list(times)
    for r in range(rounds):
        for kind in kinds[r % 3:] + kinds[:r % 3]:  # each goes first in turn
            out = tmp / f"{kind}-{r}"
            if kind == "plain":
                times[kind].append(without_fitting(forms, out))
            else:
                seconds, said = with_fitting(forms, out, passes=kind == "fitted")
                times[kind].append(seconds)
                warnings = said if kind == "fitted" else warnings
            shutil.rmtree(out)
    return (*(statistics.median(times[k]) for k in kinds), warnings)


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
        figures = {"examples (3 forms)": compare(EXAMPLES, tmp, a.rounds),
                   f"lone-signature forms ({len(LONE)})": compare(lone, tmp, a.rounds)}
    print(f"{_soffice.version(_soffice.find(None))}; {os.cpu_count()} CPUs")
    print(f"layout check: {len(pdfs)} PDFs, {pages} pages in {seconds:.2f} s: "
          f"{seconds / pages * 1000:.0f} ms/page ({sum(r.ok for r in reports)}/{len(pdfs)} pass)")
    for name, (plain, checked, fitted, warnings) in figures.items():
        print(f"{name}, median of {a.rounds}: render+convert {plain:.2f} s, generate --pdf "
              f"checking only {checked:.2f} s, with fitting {fitted:.2f} s: fitting passes "
              f"+{(fitted / checked - 1) * 100:.0f}% over checking only, "
              f"+{(fitted / plain - 1) * 100:.0f}% over render+convert ({len(warnings)} warnings)")

if __name__ == "__main__":
    main()
