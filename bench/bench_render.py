"""Rendering speed: docgen against docxtpl called directly on the same template, and the
start-up time of `docgen --help`.

docgen's figure is `render_documents`, what `generate` and `file` use: the bounded sandbox in
one child process per batch (RLIMIT_AS, timeout). Also shown: `render_form` in-process (the
sandbox alone) and one child per document (the cost of isolating each alone).

    python bench/bench_render.py [--n 200] [--help-runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docgen.forms import load_form  # noqa: E402
from docgen.render import (context, default_template, render_documents,  # noqa: E402
                           render_form)


def bench_docxtpl(forms, out: Path) -> float:
    from docxtpl import DocxTemplate

    t = time.perf_counter()
    for i, form in enumerate(forms):
        tpl = DocxTemplate(str(default_template(form.type)))
        tpl.render(context(form), autoescape=True)
        tpl.save(out / f"raw-{i}.docx")
    return time.perf_counter() - t


def bench_in_process(forms, out: Path) -> float:
    t = time.perf_counter()
    for i, form in enumerate(forms):
        render_form(form, out / f"docgen-{i}.docx")
    return time.perf_counter() - t


def bench_docgen(forms, out: Path) -> float:
    t = time.perf_counter()
    render_documents([(form, out / f"batch-{i}.docx") for i, form in enumerate(forms)])
    return time.perf_counter() - t


def bench_child_each(forms, out: Path) -> float:
    t = time.perf_counter()
    for i, form in enumerate(forms):
        render_documents([(form, out / f"each-{i}.docx")])
    return time.perf_counter() - t


def help_time(runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "--help"], check=True,
                       capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--help-runs", type=int, default=15)
    args = ap.parse_args()
    examples = [load_form(ROOT / "examples" / f"{k}.yaml") for k in ("plan", "commitment",
                                                                       "summary")]
    forms = [examples[i % 3] for i in range(args.n)]
    with tempfile.TemporaryDirectory() as d:
        out = Path(d)
        bench_docxtpl(forms[:6], out), bench_docgen(forms[:6], out)  # warm imports and caches
        raw = min(bench_docxtpl(forms, out) for _ in range(2))
        ours = min(bench_docgen(forms, out) for _ in range(2))
        inproc = min(bench_in_process(forms, out) for _ in range(2))
        each = min(bench_child_each(forms, out) for _ in range(2))
    print(f"documents:            {args.n} (plan/commitment/summary in turn)")
    print(f"docxtpl directly:     {args.n / raw:7.1f} docs/s")
    print(f"docgen (one child):   {args.n / ours:7.1f} docs/s  render_documents, as generate/file")
    print(f"  sandbox in-process: {args.n / inproc:7.1f} docs/s  render_form")
    print(f"  one child per doc:  {args.n / each:7.1f} docs/s  {each / args.n * 1000:.1f} ms/doc")
    print(f"ratio docgen/docxtpl: {ours / raw:7.2f}x time (aim <= 1.5)")
    print(f"docgen --help median: {help_time(args.help_runs) * 1000:7.0f} ms "
          f"over {args.help_runs} runs (aim < 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
