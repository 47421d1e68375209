"""Helpers shared by the archive, search and bundle tests (their fixtures are in conftest.py).

It holds no tests itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path


TEXT = ("根据《区建设局“两为两树”民主评议工作安排意见》的要求，为把我处民主评议工作搞得更扎实、"
        "更深入、更有成效，特制定我处民主评议实施方案。")
FONDS = dict(fonds_code="Z109", fonds_name="区建设局",
             units=[("区建设局规划处", "GHC"), ("区建设局办公室", "BGS")])


class Clock:
    """An injectable clock, so filing times are fixed in tests."""

    def __init__(self, start=dt.datetime(2011, 4, 18, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        self.now = start

    def __call__(self):
        return self.now

    def set(self, y, m, d):
        self.now = self.now.replace(year=y, month=m, day=d)


def file_plan(arc, sources: Path, **kw):
    """File the example plan with the fixture's Word file and PDF/A."""
    from docgen.forms import load_form

    form = load_form(sources / "plan.yaml")
    return arc.file_form(form, sources / "plan.yaml", sources / "plan.docx",
                         sources / "plan.pdf", **kw)


def file_other(arc, sources: Path, **kw):
    fields = dict(type="other", kind="听证会纪要", title="规划处听证会纪要", date="2011-06-10",
                  unit="区建设局规划处")
    fields.update(kw)
    return arc.file_import(sources / "plan.pdf", **fields)


def tree(path: Path) -> dict[str, tuple[int, bytes]]:
    """Every file and folder under path with its mode and bytes, to prove nothing changed."""
    out = {}
    for p in sorted(path.rglob("*")):
        if p.parent.name == "index" and p.name.startswith(".") and p.name.endswith(".lock"):
            continue  # the derived search index's locks: any command may open the index
        out[str(p.relative_to(path))] = (p.stat().st_mode,
                                         p.read_bytes() if p.is_file() else b"")
    return out
