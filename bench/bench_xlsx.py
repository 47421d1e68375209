"""Excel forms: `form check` and `generate` of a 500-row 征求意见汇总 workbook, against
openpyxl's own load of the same workbook in the same run.

    python bench/bench_xlsx.py [--rows 500] [--runs 5]

The opinions are sentences of the government work reports in corpus/ (real Chinese text of
realistic length), spread over the example's sources, 归类 and 科室.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from docgen.forms import load_form  # noqa: E402
from docgen.render import render_form  # noqa: E402
from docgen.starters import starter_data  # noqa: E402
from docgen.xlsx_forms import write  # noqa: E402


def sentences(n: int) -> list[str]:
    out = []
    with open(ROOT / "corpus" / "government_work_reports.jsonl", encoding="utf-8") as fh:
        for line in fh:
            for s in re.split(r"(?<=[。；！？])", json.loads(line)["content"]):
                s = s.strip()
                if 20 <= len(s) <= 120:
                    out.append(s)
                    if len(out) >= n * 2:
                        return out
    return out


def workbook(path: Path, rows: int) -> None:
    data = starter_data("opinions")
    base = data["opinions"]
    text = sentences(rows)
    data["opinions"] = [{**base[i % len(base)], "content": text[2 * i],
                         "measure": text[2 * i + 1]} for i in range(rows)]
    write("opinions", data, path)


def best(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from openpyxl import load_workbook

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "征求意见汇总.xlsx"
        workbook(path, args.rows)
        load_form(path)  # warm-up: imports, pydantic schemas
        load = best(lambda: load_workbook(path), args.runs)
        load_values = best(lambda: load_workbook(path, data_only=True), args.runs)
        check = best(lambda: load_form(path), args.runs)
        form = load_form(path)
        gen = best(lambda: render_form(load_form(path), Path(d) / "out.docx"), args.runs)
        size = path.stat().st_size
    print(f"workbook:                 {args.rows} opinions, {size / 1024:.0f} KB "
          f"({len(form.opinions)} rows read)")
    print(f"openpyxl load_workbook:   {load * 1000:7.1f} ms")
    print(f"  … data_only=True:       {load_values * 1000:7.1f} ms")
    print(f"docgen form check:        {check * 1000:7.1f} ms   {check / load:.2f}x the load "
          "(aim <= 2)")
    print(f"docgen generate (.docx):  {gen * 1000:7.1f} ms   {gen / load:.2f}x the load")
    print(f"best of {args.runs} runs each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
