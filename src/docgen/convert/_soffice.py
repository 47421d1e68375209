"""LibreOffice, headless: find it, ask its version, and keep one running for a batch.

One `Office` is one soffice process listening on a private pipe, with its own user profile
directory (so two docgen runs never fight over LibreOffice's profile lock) and docgen's font
map (data/fontconfig/fonts.conf, through FONTCONFIG_FILE in soffice's environment only),
plus a small UNO worker (_uno_worker.py) run by the Python that has LibreOffice's `uno`
module. docgen's own Python (a venv) cannot import `uno`, hence the second process.
"""

from __future__ import annotations

import functools
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from docgen.errors import ConverterMissing

PACKAGE = "libreoffice-writer-nogui"
UNO_PACKAGE = "python3-uno"
FONTCONFIG_FILE = Path(__file__).with_name("data") / "fontconfig" / "fonts.conf"
WORKER = Path(__file__).with_name("_uno_worker.py")


class Hung(Exception):
    """LibreOffice did not answer in time; it has been killed."""


class Crashed(Exception):
    """LibreOffice (or its UNO worker) went away mid-conversion."""


def find(soffice: str | None = None) -> str:
    """The soffice executable to run, or ConverterMissing naming the package to install."""
    if soffice and os.sep in soffice:  # a path: use it as given
        path = soffice if Path(soffice).is_file() and os.access(soffice, os.X_OK) else None
    else:  # a command name: look it up on PATH
        path = shutil.which(soffice or "soffice")
    if path is None:
        where = f" at {soffice}" if soffice else " (no soffice on PATH)"
        raise ConverterMissing(
            f"LibreOffice is not installed{where} — install it: "
            f"apt-get install {PACKAGE} (or run scripts/setup-system.sh)")
    return path


def require(options) -> str:
    """Check before any work that LibreOffice and its bridge are there (options: ConvertOptions);
    the soffice path, or ConverterMissing."""
    path = find(options.soffice)
    uno_python(path)
    return path


def available(soffice: str | None = None) -> bool:
    try:
        find(soffice)
        uno_python(soffice)
    except ConverterMissing:
        return False
    return True


@functools.lru_cache(maxsize=8)
def version(soffice: str | None = None) -> str:
    """'LibreOffice 7.4.7.2 40(Build:2)', from `soffice --version`."""
    out = subprocess.run([find(soffice), "--version"], capture_output=True, text=True,
                         timeout=60, env=_environment())
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""


@functools.lru_cache(maxsize=8)
def uno_python(soffice: str | None = None) -> str:
    """A Python that can `import uno` for this LibreOffice, or ConverterMissing."""
    program = Path(os.path.realpath(find(soffice))).parent
    # LibreOffice's own builds bundle program/python (a wrapper that sets up uno itself);
    # Debian's uses the system Python with python3-uno.
    for path in (program / "python", Path("/usr/bin/python3"), Path("/usr/local/bin/python3")):
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        probe = subprocess.run([str(path), "-c", "import uno"], capture_output=True,
                               timeout=60, env=_environment())
        if probe.returncode == 0:
            return str(path)
    raise ConverterMissing(
        "LibreOffice's Python bridge (uno) is not installed — install it: "
        f"apt-get install {UNO_PACKAGE} (or run scripts/setup-system.sh)")


def _environment() -> dict[str, str]:
    """The environment of the processes started here: the caller's, plus docgen's font map."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTCONFIG_FILE)
    return env


class Office:
    """One soffice with its UNO worker; started on demand, killed and restarted on a fault."""

    def __init__(self, soffice: str, python: str, *, startup_timeout: float = 60.0):
        self.soffice = soffice
        self.python = python
        self.startup_timeout = startup_timeout
        self.starts = 0
        self._office: subprocess.Popen | None = None
        self._worker: subprocess.Popen | None = None
        self._profile: str | None = None
        self._buffer = b""

    @property
    def running(self) -> bool:
        return (self._office is not None and self._office.poll() is None
                and self._worker is not None and self._worker.poll() is None)

    @property
    def pid(self) -> int | None:
        """The process group of soffice (oosplash and soffice.bin share it)."""
        return self._office.pid if self._office else None

    def start(self) -> None:
        self.stop()
        env = _environment()
        self._profile = tempfile.mkdtemp(prefix="docgen-lo-profile-")
        pipe = f"docgen-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._office = subprocess.Popen(
            [self.soffice, f"-env:UserInstallation={Path(self._profile).as_uri()}",
             "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             "--nolockcheck", "--nofirststartwizard",
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True)
        self._worker = subprocess.Popen(
            [self.python, str(WORKER), pipe, str(self.startup_timeout)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True)
        self._buffer = b""
        self.starts += 1
        try:
            hello = self._answer(time.monotonic() + self.startup_timeout + 10)
        except (Hung, Crashed) as e:
            self.stop()
            raise Crashed(f"LibreOffice did not start: {e}") from None
        if not hello.get("ready"):
            self.stop()
            raise Crashed(f"LibreOffice did not start: {hello.get('error', '')}")

    def convert(self, src: Path, dst: Path, timeout: float) -> str | None:
        """Export `src` to PDF/A-2b at `dst`: None when LibreOffice says it did, else its words.

        Raises Hung (after killing LibreOffice) when no answer comes within `timeout` seconds,
        Crashed when LibreOffice or the worker died; the caller starts it again.
        """
        if not self.running:
            self.start()
        job = json.dumps({"in": str(src.resolve()), "out": str(dst.resolve())}) + "\n"
        try:
            self._worker.stdin.write(job.encode())
            self._worker.stdin.flush()
        except (BrokenPipeError, OSError):
            self.stop()
            raise Crashed("the LibreOffice worker had exited") from None
        try:
            reply = self._answer(time.monotonic() + timeout)
        except Hung:
            self.stop()
            raise Hung(f"LibreOffice did not finish within {timeout:g} s") from None
        except Crashed:
            self.stop()
            raise
        if reply.get("crashed"):
            self.stop()
            raise Crashed(reply.get("error") or "LibreOffice went away")
        return None if reply.get("ok") else (reply.get("error") or "LibreOffice gave no reason")

    def _answer(self, deadline: float) -> dict:
        """One JSON line from the worker, read with a deadline (select on the raw pipe)."""
        fd = self._worker.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Hung("no answer")
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                if self._office.poll() is not None:
                    raise Crashed(f"soffice exited with code {self._office.returncode}")
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                code = self._worker.wait()
                raise Crashed(f"the LibreOffice worker exited with code {code}")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)

    def stop(self) -> None:
        """Kill soffice (its whole process group) and the worker; remove the profile."""
        for proc in (self._worker, self._office):
            if proc is None:
                continue
            if proc is self._worker and proc.poll() is None and proc.stdin:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            for stream in (proc.stdin, proc.stdout):
                if stream:
                    try:
                        stream.close()
                    except OSError:
                        pass
        self._office = self._worker = None
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def __enter__(self) -> Office:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
