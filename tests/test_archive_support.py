"""Fixtures shared by the archive tests: one real PDF/A made by LibreOffice per session.

Imported by the tests/test_archive_*.py modules; it holds no tests itself.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

TEXT = ("根据《区建设局“两为两树”民主评议工作安排意见》的要求，为把我处民主评议工作搞得更扎实、"
        "更深入、更有成效，特制定我处民主评议实施方案。")
PDFA_EXPORT = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'
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


@pytest.fixture(scope="session")
def pdfa_source(tmp_path_factory) -> Path:
    """A folder with plan.docx and plan.pdf (a real PDF/A-2b from LibreOffice), made once."""
    base = tmp_path_factory.getbasetemp() / "archive-pdfa"
    if (base / "plan.pdf").is_file():
        return base
    import docx

    base.mkdir(parents=True, exist_ok=True)
    d = docx.Document()
    d.core_properties.title = "区建设局规划处2011年民主评议工作实施方案"
    d.core_properties.author = "区建设局规划处"
    d.add_heading("区建设局规划处2011年民主评议工作实施方案", 1)
    for _ in range(30):
        d.add_paragraph(TEXT)
    d.save(base / "plan.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{base}/lo",
                    "--convert-to", PDFA_EXPORT, "--outdir", str(base), str(base / "plan.docx")],
                   check=True, capture_output=True, timeout=180)
    assert (base / "plan.pdf").is_file()
    return base


@pytest.fixture
def sources(tmp_path, pdfa_source) -> Path:
    """A private copy of the docx, the PDF/A and the example forms."""
    dst = tmp_path / "in"
    dst.mkdir()
    for name in ("plan.docx", "plan.pdf"):
        shutil.copyfile(pdfa_source / name, dst / name)
    examples = Path(__file__).resolve().parents[1] / "examples"
    for p in examples.glob("*.yaml"):
        shutil.copyfile(p, dst / p.name)
    return dst


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def arc(tmp_path, clock):
    from docgen.archive import init_archive

    return init_archive(tmp_path / "archive", by="测试员", clock=clock, **FONDS)


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
        out[str(p.relative_to(path))] = (p.stat().st_mode,
                                         p.read_bytes() if p.is_file() else b"")
    return out
