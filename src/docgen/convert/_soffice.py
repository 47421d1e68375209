"""LibreOffice, headless: find it, check its version once, and keep one running for a batch.

One `Office` is one soffice process listening on a private pipe, with its own user profile
directory (so two docgen runs never fight over LibreOffice's profile lock) and docgen's font
map (data/fontconfig/fonts.conf, through FONTCONFIG_FILE in soffice's environment only),
plus a small UNO worker (_uno_worker.py) run by the Python that has LibreOffice's `uno`
module. docgen's own Python (a venv) cannot import `uno`, hence the second process. Both run
in one process group through docgen._run, so they die with docgen, however docgen dies.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import select
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from docgen import _run
from docgen.errors import ConverterMissing
from docgen.i18n import cli_gettext as _
from docgen.resources import data

PACKAGE = "libreoffice-writer-nogui"
UNO_PACKAGE = "python3-uno"
WORKER = Path(__file__).with_name("_uno_worker.py")  # a script, run by LibreOffice's Python
# The oldest LibreOffice docgen's tests have passed on (Debian 12's 7.4.7); older ones may
# lack what the PDF/A-2b export and the Word filters need, so they are refused, not guessed at.
MIN_VERSION = (7, 4)
PIPES = Path("/tmp")  # where LibreOffice puts its pipe sockets (OSL_PIPE_<uid>_<name>), fixed


class Hung(Exception):
    """LibreOffice did not answer in time; it has been killed."""


class Crashed(Exception):
    """LibreOffice (or its UNO worker) went away mid-conversion."""


@dataclass(frozen=True)
class LibreOffice:
    """An installation found fit for work."""

    soffice: str  # the soffice executable
    python: str  # a Python that can `import uno` for it
    version: str  # e.g. 'LibreOffice 7.4.7.2 40(Build:2)'


def find(soffice: str | None = None) -> str:
    """The soffice executable to run, or ConverterMissing naming the package to install."""
    if soffice and os.sep in soffice:  # a path: use it as given
        path = soffice if Path(soffice).is_file() and os.access(soffice, os.X_OK) else None
    else:  # a command name: look it up on PATH
        path = shutil.which(soffice or "soffice")
    if path is None:
        where = (_(" at {path}").format(path=soffice) if soffice
                 else _(" (no soffice on PATH)"))
        raise ConverterMissing(
            _("LibreOffice is not installed{where} — install it: apt-get install {package} (or "
              "run scripts/setup-system.sh)").format(where=where, package=PACKAGE))
    return path


def require(soffice: str | None = None) -> LibreOffice:
    """Check before any work that LibreOffice (MIN_VERSION or newer) and its bridge are there;
    ConverterMissing saying what to install otherwise. Checked once per installation."""
    return _checked(find(soffice))


@functools.lru_cache(maxsize=8)
def _checked(soffice: str) -> LibreOffice:
    said = version(soffice)
    m = re.search(r"(\d+)\.(\d+)", said)
    found = (int(m.group(1)), int(m.group(2))) if m else None
    need = ".".join(map(str, MIN_VERSION))
    if found is None or found < MIN_VERSION:
        what = (f"LibreOffice {found[0]}.{found[1]}" if found
                else _("an unknown version ({said!r})").format(said=said))
        raise ConverterMissing(_("{soffice} is {what}; docgen needs LibreOffice {need} or newer "
                                 "— install it: apt-get install {package}").format(
                                     soffice=soffice, what=what, need=need, package=PACKAGE))
    return LibreOffice(soffice, uno_python(soffice), said)


def version(soffice: str) -> str:
    """'LibreOffice 7.4.7.2 40(Build:2)', from `soffice --version`; '' when it says nothing."""
    try:
        out = _run.run([soffice, "--version"], timeout=60, env=_environment(), forks=True)
    except subprocess.TimeoutExpired:
        raise ConverterMissing(_("{soffice} --version did not answer within 60 s — is "
                                 "LibreOffice installed correctly?").format(soffice=soffice)) \
            from None
    except OSError as e:
        raise ConverterMissing(_("{soffice} does not run ({reason}) — install LibreOffice: "
                                 "apt-get install {package}").format(
                                     soffice=soffice, reason=e.strerror, package=PACKAGE)) \
            from None
    lines = out.stdout.decode(errors="replace").strip().splitlines()
    return lines[0].strip() if lines else ""


@functools.lru_cache(maxsize=8)
def uno_python(soffice: str) -> str:
    """A Python that can `import uno` for this LibreOffice, or ConverterMissing."""
    program = Path(os.path.realpath(soffice)).parent
    # LibreOffice's own builds bundle program/python (a wrapper that sets up uno itself);
    # Debian's uses the system Python with python3-uno.
    for path in (program / "python", Path("/usr/bin/python3"), Path("/usr/local/bin/python3")):
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        try:
            probe = _run.run([path, "-c", "import uno"], timeout=60, env=_environment())
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return str(path)
    raise ConverterMissing(
        _("LibreOffice's Python bridge (uno) is not installed — install it: apt-get install "
          "{package} (or run scripts/setup-system.sh)").format(package=UNO_PACKAGE))


def _environment() -> dict[str, str]:
    """The environment of the processes started here: the caller's, plus docgen's font map."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(data("fontconfig", "fonts.conf"))
    return env


def sweep() -> None:
    """Remove the profiles and pipe sockets left by docgen runs that were killed."""
    for profile in _run.sweep():
        ipc_socket(profile).unlink(missing_ok=True)
    pipe = re.compile(rf"^OSL_PIPE_{os.getuid()}_docgen-(\d+)-")
    try:
        names = os.listdir(PIPES)
    except OSError:
        return
    for name in names:
        m = pipe.match(name)
        if m and not _run.alive(int(m.group(1))):
            try:
                (PIPES / name).unlink()
            except OSError:
                pass


def ipc_socket(profile: Path) -> Path:
    """The socket soffice makes for a profile (one LibreOffice per profile): SingleOfficeIPC_
    and the MD5 of the profile's URL in UTF-16, in hex without leading zeros, as 7.4 writes it.
    Left behind whenever soffice is killed, which is how docgen stops it."""
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le")).digest()
    return PIPES / f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{b:x}' for b in digest)}"


class Office:
    """One soffice with its UNO worker; started on demand, killed and restarted on a fault."""

    def __init__(self, soffice: str, python: str, *, startup_timeout: float = 60.0):
        self.soffice = soffice
        self.python = python
        self.startup_timeout = startup_timeout
        self.starts = 0
        self._group: _run.Group | None = None
        self._office: subprocess.Popen | None = None
        self._worker: subprocess.Popen | None = None
        self._profile: Path | None = None
        self._pipe: str | None = None
        self._buffer = b""

    @property
    def running(self) -> bool:
        return (self._office is not None and self._office.poll() is None
                and self._worker is not None and self._worker.poll() is None)

    def start(self) -> None:
        self.stop()
        env = _environment()
        self._group = _run.Group()
        self._profile = _run.scratch_dir("lo")
        self._pipe = f"docgen-{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._office = self._group.spawn(
            [self.soffice, f"-env:UserInstallation={self._profile.as_uri()}",
             "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
             "--nolockcheck", "--nofirststartwizard",
             f"--accept=pipe,name={self._pipe};urp;StarOffice.ComponentContext"], env=env)
        self._worker = self._group.spawn(
            [self.python, WORKER, self._pipe, self.startup_timeout],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self._buffer = b""
        self.starts += 1
        try:
            hello = self._answer(time.monotonic() + self.startup_timeout + 10)
        except (Hung, Crashed) as e:
            self.stop()
            raise Crashed(_("LibreOffice did not start: {reason}").format(reason=e)) from None
        if not hello.get("ready"):
            self.stop()
            raise Crashed(_("LibreOffice did not start: {reason}").format(
                reason=hello.get("error", "")))

    def convert(self, src: Path, dst: Path, timeout: float, filter_name: str) -> str | None:
        """Export `src`, opened with import filter `filter_name`, to PDF/A-2b at `dst`: None
        when LibreOffice says it did, else its words.

        Raises Hung (after killing LibreOffice) when no answer comes within `timeout` seconds,
        Crashed when LibreOffice or the worker died; the caller starts it again.
        """
        if not self.running:
            self.start()
        job = json.dumps({"in": str(src.resolve()), "out": str(dst.resolve()),
                          "filter": filter_name}) + "\n"
        try:
            self._worker.stdin.write(job.encode())
            self._worker.stdin.flush()
        except (BrokenPipeError, OSError):
            self.stop()
            raise Crashed(_("the LibreOffice worker had exited")) from None
        try:
            reply = self._answer(time.monotonic() + timeout)
        except Hung:
            self.stop()
            raise Hung(_("LibreOffice did not finish within {seconds:g} s").format(
                seconds=timeout)) from None
        except Crashed:
            self.stop()
            raise
        if reply.get("crashed"):
            self.stop()
            raise Crashed(reply.get("error") or _("LibreOffice went away"))
        return None if reply.get("ok") else (reply.get("error")
                                             or _("LibreOffice gave no reason"))

    def _answer(self, deadline: float) -> dict:
        """One JSON line from the worker, read with a deadline (select on the raw pipe)."""
        fd = self._worker.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Hung(_("no answer"))
            ready, __, __ = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                if self._office.poll() is not None:
                    raise Crashed(_("soffice exited with code {code}").format(
                        code=self._office.returncode))
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                code = self._worker.wait()
                raise Crashed(_("the LibreOffice worker exited with code {code}").format(
                    code=code))
            self._buffer += chunk
        line, __, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)

    def stop(self) -> None:
        """Kill soffice, soffice.bin and the worker (their process group); remove the profile."""
        worker = self._worker
        if worker is not None and worker.stdin:
            try:
                worker.stdin.close()
            except OSError:
                pass
        # take each field before using it: an interrupt may stop this office from another
        # thread at the same moment (both then see None, never a half-cleared office)
        group, self._group = self._group, None
        self._office = self._worker = None
        if group is not None:
            group.kill()
        profile, self._profile = self._profile, None
        if profile:
            shutil.rmtree(profile, ignore_errors=True)
            ipc_socket(profile).unlink(missing_ok=True)
        pipe, self._pipe = self._pipe, None
        if pipe:  # soffice was killed, so it left its socket
            (PIPES / f"OSL_PIPE_{os.getuid()}_{pipe}").unlink(missing_ok=True)

    def __enter__(self) -> Office:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
