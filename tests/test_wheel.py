"""`pip install` gives a working docgen: the built wheel, installed in a throw-away venv outside
the source tree, runs the whole job (a missing data file in the wheel fails here)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT


def _run(args, cwd, env=None, timeout=600):
    r = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                       timeout=timeout, env=env)
    assert r.returncode == 0, f"{args}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """Built from a copy of the project's files (setuptools writes build/ beside the source)."""
    out = tmp_path_factory.mktemp("wheel")
    src = out / "src-copy"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    for name in files:
        if (ROOT / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", out, src], cwd=out)
    (built,) = out.glob("docgen-*.whl")
    return built


def test_the_wheel_holds_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("docgen/data/fontconfig/fonts.conf", "docgen/templates/plan.docx",
                   "docgen/templates/commitment.docx", "docgen/templates/summary.docx"):
        assert needed in names, needed
    data = {p.relative_to(ROOT / "src").as_posix()
            for p in (ROOT / "src" / "docgen").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}
    assert data <= names, sorted(data - names)


@pytest.mark.slow
def test_docgen_installed_from_the_wheel_runs_the_whole_job(wheel, tmp_path):
    """A fresh venv (outside the source tree), the wheel and its dependencies from the
    package index; then form new, generate --pdf, init, file, search, bundle from there."""
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    pip = venv / "bin" / "pip"
    _run([pip, "install", "-q", wheel], cwd=tmp_path, timeout=900)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "DOCGEN_ARCHIVE")}
    dg = venv / "bin" / "docgen"
    work = tmp_path / "work"
    work.mkdir()
    where = _run([venv / "bin" / "python", "-c", "import docgen; print(docgen.__file__)"],
                 cwd=work, env=env)
    assert str(ROOT) not in where and str(venv) in where
    for form_type in ("plan", "commitment", "summary"):
        starter = _run([dg, "form", "new", form_type], cwd=work, env=env)
        assert "type:" in starter
    examples = [ROOT / "examples" / f"{t}.yaml" for t in ("plan", "commitment", "summary")]
    _run([dg, "generate", *examples, "-o", work / "out", "--pdf"], cwd=work, env=env)
    assert sorted(p.name for p in (work / "out").iterdir()) == [
        "commitment.docx", "commitment.pdf", "plan.docx", "plan.pdf", "summary.docx",
        "summary.pdf"]
    _run([dg, "init", work / "arc", "--fonds-code", "Z109", "--fonds-name", "区建设局",
          "--unit", "区建设局规划处=GHC"], cwd=work, env=env)
    filed = _run([dg, "file", "--archive", work / "arc", *examples], cwd=work, env=env)
    assert filed.count("Z109-WS·2011-D30-GHC-") == 3
    _run([dg, "import", "--archive", work / "arc", work / "out" / "plan.pdf", "--title",
          "规划处听证会纪要", "--date", "2011-06-10", "--kind", "听证会纪要"], cwd=work, env=env)
    hits = _run([dg, "search", "--archive", work / "arc", "审批时限", "--json"], cwd=work, env=env)
    assert "Z109-WS·2011-D30-GHC-" in hits
    _run([dg, "bundle", "--archive", work / "arc", "--year", "2011", "-o", work / "b.zip"],
         cwd=work, env=env)
    _run([dg, "bundle", "verify", work / "b.zip"], cwd=work, env=env)
    _run([dg, "verify", "--archive", work / "arc", "--against", work / "b.zip"], cwd=work,
         env=env)
