"""One runner for external programs (soffice, pdftoppm, fc-list, LibreOffice's Python).

Every program docgen starts goes through here, so that each is logged on `--verbose` (the
"docgen" logger at DEBUG), is bounded in time, and dies with docgen — whichever way docgen
dies, SIGKILL included:

- each program runs in a process group of its own; for a program that forks (soffice: oosplash
  forks soffice.bin, which would otherwise outlive both) the group is led by a tiny guard
  process holding the read end of a pipe only docgen writes to: when docgen exits for any
  reason the kernel closes the pipe, the guard reads end-of-file and kills its whole group;
- on Linux each direct child also gets PR_SET_PDEATHSIG = SIGKILL (prctl, set in the child
  before exec), so it dies the moment its parent does, without waiting for the guard;
- `run` kills the group when the program times out and when the caller is interrupted (and,
  for a program that forks, whatever it left running when it is done); `Group.kill` does the
  same for long-lived children.

Folders a docgen process makes for itself (LibreOffice profiles, staging folders) carry its
pid in their name (`scratch_dir`), so the next run can remove those of processes that are gone
(`sweep`).
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("docgen")

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# The guard: wait for end-of-file on stdin (docgen gone, or Group.kill), then kill the group.
_GUARD = "import os,sys\nsys.stdin.buffer.read()\nos.killpg(0, 9)\n"


def _prctl():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl()  # looked up here, not in the forked child


def _die_with_parent(parent: int):
    """preexec_fn: the child gets SIGKILL when its parent dies (Linux; elsewhere the guard)."""
    prctl, sigkill = _PRCTL, int(signal.SIGKILL)

    def preexec() -> None:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, sigkill)
            if os.getppid() != parent:  # the parent died before prctl: no signal will come
                os.kill(os.getpid(), sigkill)

    return preexec


def _show(argv) -> str:
    return shlex.join(str(a) for a in argv)


class Group:
    """A process group for one job's programs that dies with docgen; `kill()` ends it now.

    With `guard` (the default) a guard process leads the group and kills it when docgen dies:
    grandchildren (soffice.bin, forked by oosplash) die too. Without it (about 10 ms cheaper a
    start) the first program leads the group and only the programs docgen started directly die
    with docgen — enough for programs that do not fork (pdftoppm, fc-list).

    PR_SET_PDEATHSIG fires when the *thread* that started a child ends, so start children
    from the thread that keeps using them.
    """

    def __init__(self, guard: bool = True) -> None:
        self._members: list[subprocess.Popen] = []
        self._guard: subprocess.Popen | None = None
        self._pipe: int | None = None
        self.pgid: int | None = None
        if not guard:
            return
        read, self._pipe = os.pipe()
        try:
            self._guard = subprocess.Popen(
                [sys.executable or "python3", "-I", "-S", "-c", _GUARD], stdin=read,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0)
        except BaseException:
            os.close(self._pipe)
            self._pipe = None
            raise
        finally:
            os.close(read)
        self.pgid = self._guard.pid

    def spawn(self, argv, *, env: dict[str, str] | None = None, stdin=subprocess.DEVNULL,
              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
              cwd: str | os.PathLike | None = None) -> subprocess.Popen:
        """Start a long-lived program in this group (e.g. soffice); the caller talks to it."""
        argv = [str(a) for a in argv]
        log.debug("start: %s", _show(argv))
        return self._start(argv, env=env, stdin=stdin, stdout=stdout, stderr=stderr, cwd=cwd)

    def _start(self, argv, *, env, stdin, stdout, stderr, cwd) -> subprocess.Popen:
        proc = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=stderr, env=env,
                                cwd=cwd, process_group=self.pgid or 0,
                                preexec_fn=_die_with_parent(os.getpid()))
        if self.pgid is None:
            self.pgid = proc.pid
        self._members.append(proc)
        return proc

    def kill(self, wait: float = 10.0) -> None:
        """SIGKILL every process in the group (grandchildren too), reap them, close pipes."""
        leader = self._guard or (self._members[0] if self._members else None)
        # a leader not yet reaped holds the group's id: it cannot be another process's group
        if leader is not None and leader.returncode is None:
            try:
                os.killpg(self.pgid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        for proc in (*self._members, *([self._guard] if self._guard else [])):
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                pass
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream:
                    try:
                        stream.close()
                    except OSError:
                        pass
        self._members.clear()

    def __enter__(self) -> Group:
        return self

    def __exit__(self, *exc) -> None:
        self.kill()

    def __del__(self) -> None:  # forgotten: end it rather than leak the guard until exit
        if getattr(self, "_pipe", None) is not None:
            try:
                self.kill(wait=0)
            except Exception:  # noqa: BLE001 - interpreter shutdown
                pass


def run(argv, *, timeout: float, env: dict[str, str] | None = None, input: bytes | None = None,
        cwd: str | os.PathLike | None = None, forks: bool = False) -> subprocess.CompletedProcess:
    """Run a program to completion, stdout and stderr captured (bytes).

    Raises OSError when it cannot be started and subprocess.TimeoutExpired after `timeout`
    seconds; either way, and on interruption, its process group is killed. `forks=True` for a
    program that starts others (soffice): a guard then kills them too if docgen dies meanwhile.
    """
    argv = [str(a) for a in argv]
    log.debug("run: %s (timeout %g s)", _show(argv), timeout)
    with Group(guard=forks) as group:
        proc = group._start(argv, env=env, cwd=cwd,
                           stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = proc.communicate(input, timeout=timeout)
        except subprocess.TimeoutExpired:
            log.debug("killed after %g s: %s", timeout, _show(argv))
            raise
    return subprocess.CompletedProcess(argv, proc.returncode, out, err)


# ---------------------------------------------------------------- leftovers of dead runs

_SCRATCH = re.compile(r"^\.?docgen-[a-z]+-(\d+)-")


def scratch_dir(kind: str, parent: str | os.PathLike | None = None, *,
                hidden: bool = False) -> Path:
    """A new private folder `[.]docgen-KIND-PID-XXXX` (in the temporary folder by default)."""
    prefix = f"{'.' if hidden else ''}docgen-{kind}-{os.getpid()}-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def sweep(parent: str | os.PathLike | None = None) -> list[Path]:
    """Remove the scratch folders of docgen processes that are gone (in the temporary folder
    by default); only this user's, only names `scratch_dir` makes. Returns what was removed."""
    folder = Path(parent) if parent is not None else Path(tempfile.gettempdir())
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _SCRATCH.match(entry.name)
        if not m or int(m.group(1)) == os.getpid() or alive(int(m.group(1))):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
        except OSError:
            continue
        log.debug("removed %s, left by docgen process %s", entry.path, m.group(1))
        removed.append(Path(entry.path))
    return removed
