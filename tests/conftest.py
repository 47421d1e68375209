from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_archive_support import FONDS, Clock

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT / "corpus" / "government_work_reports.jsonl"


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Tests read docgen's English unless they ask for Chinese (LANG or --lang): the
    developer's own locale never changes what a test sees."""
    from docgen.i18n import use_cli_language

    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    use_cli_language("en")
    yield
    use_cli_language("en")


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
    """Every file under path with its bytes: compare before and after to prove nothing changed.

    The search index's lock files are left out: any command may open the derived index."""
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*"))
            if p.is_file() and not _index_lock(p)}


def _index_lock(p: Path) -> bool:
    return p.parent.name == "index" and p.name.startswith(".") and p.name.endswith(".lock")


# Archive fixtures: a real PDF/A-2b made by docgen's converter, committed (tests/fixtures/), so
# archive, search and bundle tests need no LibreOffice; test_fixtures.py remakes and checks it.
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def pdfa_source() -> Path:
    """A folder with plan.docx and plan.pdf (a PDF/A-2b docgen made from it)."""
    return FIXTURES


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
