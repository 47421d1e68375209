from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_archive_support import FONDS, PDFA_EXPORT, TEXT, Clock

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT / "corpus" / "government_work_reports.jsonl"


@pytest.fixture
def examples(tmp_path) -> Path:
    """A private copy of the bundled example forms."""
    dst = tmp_path / "forms"
    shutil.copytree(EXAMPLES, dst)
    return dst


@pytest.fixture
def run():
    """Invoke the docgen CLI the way a user does; returns click's Result (stdout/stderr apart)."""
    from docgen.cli import cli

    def _run(*args, **kw):
        runner = CliRunner()
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, **kw)

    return _run


@pytest.fixture
def docgen(tmp_path):
    """Run `docgen` through docgen.cli.main in-process: exit code, stdout, stderr, as a user sees."""
    import contextlib
    import io

    from docgen.cli import main

    def _docgen(*args):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main([str(a) for a in args])
        return code, out.getvalue(), err.getvalue()

    return _docgen


def tree(path: Path) -> dict[str, bytes]:
    """Every file under path with its bytes: compare before and after to prove nothing changed."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file()}


# Archive fixtures: one real PDF/A made by LibreOffice per session, copied per test.

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
