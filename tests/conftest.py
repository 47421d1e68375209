from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus" / "government_work_reports.jsonl"


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
