"""docgen._run: every external program is logged, bounded in time, and dies with docgen."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from docgen import _run
from docgen.errors import ExitCode

ROOT = Path(__file__).resolve().parents[1]


def gone(pid: int) -> bool:
    """No such process, or only its zombie (this machine's init reaps late)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def wait_until(what, seconds: float = 20.0) -> bool:
    """Poll `what()` until true or `seconds` pass (a bound for a loaded machine, not a speed)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if what():
            return True
        time.sleep(0.05)
    return what()


def read_pid(path: Path) -> int:
    assert wait_until(lambda: path.is_file() and path.read_text().strip().isdigit()), path
    return int(path.read_text())


def test_run_captures_output_and_logs_the_command(caplog):
    caplog.set_level(logging.DEBUG, logger="docgen")
    done = _run.run(["printf", "%s", "审批 时限"], timeout=30)
    assert done.returncode == 0 and done.stdout.decode() == "审批 时限"
    assert "run: printf %s '审批 时限' (timeout 30 s)" in caplog.text


def test_run_missing_program_raises_oserror():
    with pytest.raises(OSError):
        _run.run(["/nonexistent/program"], timeout=5)


def test_timeout_kills_the_program_and_what_it_started(tmp_path):
    marker = tmp_path / "grandchild.pid"
    with pytest.raises(subprocess.TimeoutExpired):
        _run.run(["sh", "-c", f"sleep 300 & echo $! > {marker}; sleep 300"], timeout=1)
    grandchild = read_pid(marker)
    assert wait_until(lambda: gone(grandchild)), "a grandchild outlived the timeout"


def test_group_kill_ends_every_member(tmp_path):
    marker = tmp_path / "grandchild.pid"
    group = _run.Group()
    child = group.spawn(["sh", "-c", f"sleep 300 & echo $! > {marker}; sleep 300"])
    grandchild = read_pid(marker)
    group.kill()
    assert child.returncode is not None
    assert wait_until(lambda: gone(grandchild))


@pytest.mark.parametrize("how", ["run", "run-forks", "spawn"])
def test_programs_die_when_docgen_is_killed(tmp_path, how):
    """A stand-in for docgen starts a program that forks (as oosplash forks soffice.bin),
    then is SIGKILLed: the program dies with it, and what it forked too when docgen said it
    would fork (run(forks=True), Group.spawn)."""
    marker, ready = tmp_path / "grandchild.pid", tmp_path / "child.pid"
    script = textwrap.dedent(f"""
        import sys, time
        from docgen import _run
        argv = ["sh", "-c", "echo $$ > {ready}; sleep 300 & echo $! > {marker}; sleep 300"]
        if "{how}".startswith("run"):
            _run.run(argv, timeout=600, forks="{how}" == "run-forks")
        else:
            group = _run.Group()
            group.spawn(argv)
            time.sleep(600)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    child = grandchild = 0
    try:
        child, grandchild = read_pid(ready), read_pid(marker)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        if how == "run":
            assert wait_until(lambda: gone(child)), child
        else:
            assert wait_until(lambda: gone(child) and gone(grandchild)), (child, grandchild)
    finally:
        parent.kill()
        parent.wait()
        for pid in (child, grandchild):
            if not gone(pid):
                os.kill(pid, signal.SIGKILL)


def test_sweep_removes_only_scratch_of_dead_processes(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    left = tmp_path / f"docgen-lo-{dead.pid}-abc"
    hidden = tmp_path / f".docgen-convert-{dead.pid}-def"
    mine = _run.scratch_dir("lo", tmp_path)
    live = tmp_path / f"docgen-lo-{os.getppid()}-ghi"
    other = tmp_path / f"my-docgen-lo-{dead.pid}-x"
    for d in (left, hidden, live, other):
        d.mkdir()
    (left / "user").mkdir()
    assert mine.name.startswith(f"docgen-lo-{os.getpid()}-")
    removed = _run.sweep(tmp_path)
    assert sorted(removed) == sorted([left, hidden])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [mine.name, live.name, other.name])


# ---------------------------------------------------------------- at the command line

def fake_soffice(folder: Path, says: str) -> Path:
    folder.mkdir()
    exe = folder / "soffice"
    exe.write_text(f"#!/bin/sh\necho '{says}'\n")
    exe.chmod(0o755)
    return exe


def test_too_old_libreoffice_is_exit_5_naming_both_versions(tmp_path, monkeypatch, docgen):
    exe = fake_soffice(tmp_path / "bin", "LibreOffice 6.4.7.2 40(Build:2)")
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}{os.environ['PATH']}")
    (tmp_path / "a.docx").write_bytes(b"")
    code, out, err = docgen("convert", tmp_path / "a.docx", "-o", tmp_path / "out")
    assert code == ExitCode.converter_missing == 5
    assert out == "" and err.count("\n") == 1, err
    assert f"{exe} is LibreOffice 6.4; docgen needs LibreOffice 7.4 or newer" in err
    assert not (tmp_path / "out").exists()


def test_verbose_logs_every_external_command(tmp_path, monkeypatch, capsys):
    from docgen.cli import main
    from docgen.errors import ConversionFailed

    exe = fake_soffice(tmp_path / "bin", "LibreOffice 7.4.7.2 40(Build:2)")
    monkeypatch.setenv("PATH", f"{exe.parent}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(ConversionFailed):  # --verbose: the traceback, and the commands
        main(["--verbose", "convert", str(tmp_path / "missing.docx")])
    err = capsys.readouterr().err
    assert f"docgen: run: {exe} --version (timeout 60 s)\n" in err
    assert "-c 'import uno' (timeout 60 s)\n" in err
    assert main(["convert", str(tmp_path / "missing.docx")]) == ExitCode.conversion_failed
    assert "run:" not in capsys.readouterr().err  # only with --verbose
