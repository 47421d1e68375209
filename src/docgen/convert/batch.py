"""Word to PDF/A-2b through LibreOffice, in batches, trusting nothing it says about success.

A batch keeps a small pool of LibreOffice processes alive (one per worker, each with its own
profile) instead of starting one per file; each output is written under a temporary name,
checked (it opens, has pages, passes pdfa.check), and only then renamed to its final name.
A conversion that hangs is killed after `timeout` seconds; a LibreOffice that dies is started
again; either way the file is tried once more and the batch goes on. Each file is opened with
the import filter docgen.vocab.WORD_FILTERS names for its suffix; the PDFs are written 0644.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from docgen import _run
from docgen.convert import _soffice, pdfa
from docgen.convert._soffice import LibreOffice
from docgen.errors import BadInput
from docgen.i18n import cli_gettext as _
from docgen.vocab import REFUSED_SUFFIXES, WORD_FILTERS

PDF_MODE = 0o644  # whatever the umask: a PDF others read


@dataclass(frozen=True)
class ConvertOptions:
    timeout: float = 120.0  # seconds per document; a hung conversion is killed, then retried
    workers: int = field(default_factory=lambda: max(1, min(2, os.cpu_count() or 1)))
    soffice: str | None = None  # path to soffice; None = find it on PATH
    startup_timeout: float = 60.0  # seconds for LibreOffice to start answering


def require_libreoffice(options: ConvertOptions | None = None) -> LibreOffice:
    """Check before any work that a recent enough LibreOffice and its Python bridge are there;
    ConverterMissing (exit 5) saying what to install otherwise."""
    return _soffice.require((options or ConvertOptions()).soffice)


@dataclass
class ConvertResult:
    converted: dict[Path, Path] = field(default_factory=dict)  # input -> pdf
    failed: dict[Path, str] = field(default_factory=dict)  # input -> reason
    retried: dict[Path, str] = field(default_factory=dict)  # input -> why the first try failed
    restarts: int = 0  # LibreOffice starts beyond one per worker (after a hang or crash)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass
class _Job:
    src: Path
    pdf: Path
    stage: Path | None = None  # private folder next to `pdf` where LibreOffice writes


class _Refused(Exception):
    """LibreOffice answered that it cannot open the file: trying again would not help."""


class Offices:
    """LibreOffice processes kept running between `convert()` calls, for work that converts
    again what it has just converted (layout fitting): the second call does not wait for
    LibreOffice to start. Use as a context manager; leaving it stops them all.
    """

    def __init__(self) -> None:
        self._idle: list[_soffice.Office] = []
        self._lock = threading.Lock()

    def take(self, n: int, office: LibreOffice, options: ConvertOptions) -> list[_soffice.Office]:
        """`n` offices: running ones first, new (not yet started) ones for the rest."""
        with self._lock:
            reused = [o for o in self._idle if o.soffice == office.soffice]
            taken = reused[:n]
            self._idle = [o for o in self._idle if o not in taken]
        return taken + [_soffice.Office(office.soffice, office.python,
                                        startup_timeout=options.startup_timeout)
                        for __ in range(n - len(taken))]

    def keep(self, offices: Sequence[_soffice.Office]) -> None:
        """Offices a finished batch no longer needs: kept while they run, else stopped."""
        for o in offices:
            if o.running:
                with self._lock:
                    self._idle.append(o)
            else:
                o.stop()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for o in idle:
            o.stop()

    def __enter__(self) -> Offices:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def convert(docx_paths: Sequence[Path], out_dir: Path | None = None, *,
            options: ConvertOptions = ConvertOptions(),
            on_done: Callable[[Path, Path | None, str | None], None] | None = None,
            offices: Offices | None = None) -> ConvertResult:
    """Convert Word files to PDF/A-2b: `out_dir`/STEM.pdf, or next to each input when None.

    Per-file failures do not raise; they are in the result's `failed`, with LibreOffice's
    words where it gave any. `on_done(input, pdf_or_None, reason_or_None)` is called once
    per input, from the calling thread, as each finishes. Raises ConverterMissing when
    LibreOffice (or its Python bridge) is not installed or too old, BadInput when two inputs
    would write the same PDF. With `offices`, LibreOffice is taken from it (and left running
    in it) instead of started and stopped here.
    """
    office = require_libreoffice(options)
    _soffice.sweep()  # profiles of killed runs
    result = ConvertResult()
    jobs = _plan([Path(p) for p in docx_paths], out_dir)
    done: queue.Queue = queue.Queue()

    runnable = []
    for job in jobs:
        if not job.src.is_file():
            done.put((job, None, _("no such file")))
        elif job.src.suffix.lower() in REFUSED_SUFFIXES:
            done.put((job, None, _("not converted: {suffix} is {what}").format(
                suffix=job.src.suffix, what=_(REFUSED_SUFFIXES[job.src.suffix.lower()]))))
        elif job.src.suffix.lower() not in WORD_FILTERS:
            done.put((job, None, _("not a Word file ({suffix}); docgen converts {suffixes}")
                      .format(suffix=job.src.suffix or _("no extension"),
                              suffixes=", ".join(WORD_FILTERS))))
        else:
            runnable.append(job)
    if out_dir is not None and runnable:
        try:
            Path(out_dir).mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise BadInput(_("cannot create the output folder {folder}: {reason} — choose "
                             "another with -o").format(folder=out_dir, reason=e.strerror)) \
                from None
    stages = _stage(runnable)
    todo: queue.Queue = queue.Queue()
    for job in runnable:
        todo.put(job)

    n_workers = max(1, min(options.workers, len(runnable)))
    pool = offices if runnable else None  # nothing to convert: no LibreOffice to keep
    offices = (pool.take(n_workers, office, options) if pool is not None
               else [_soffice.Office(office.soffice, office.python,
                                     startup_timeout=options.startup_timeout)
                     for __ in range(n_workers)])
    starts = [o.starts for o in offices]
    cancel = threading.Event()
    threads = [threading.Thread(target=_work, args=(office, todo, done, options, result, cancel),
                                daemon=True) for office in offices]
    for t in threads[1:] if pool is not None else threads:
        t.start()
    try:
        if pool is not None:
            # the office the pool keeps is started here, not in its worker thread: Linux
            # kills a child when the thread that started it ends (PR_SET_PDEATHSIG)
            if not offices[0].running:
                with contextlib.suppress(_soffice.Crashed, OSError):  # its worker retries
                    offices[0].start()
            threads[0].start()
        for __ in range(len(jobs)):
            job, pdf, reason = done.get()
            if pdf is not None:
                result.converted[job.src] = pdf
            else:
                result.failed[job.src] = reason
            if on_done is not None:
                on_done(job.src, pdf, reason)
    except BaseException:  # interrupted (or on_done raised): stop LibreOffice now, not later
        cancel.set()
        _drain(todo)
        for office in offices:
            office.stop()
        raise
    finally:
        for t in threads:
            if t.ident is not None:  # started
                t.join()
        if pool is not None and not cancel.is_set():
            pool.keep(offices)
        else:
            for office in offices:
                office.stop()
        for stage in stages:  # LibreOffice's lock and temporary files, if it was killed
            shutil.rmtree(stage, ignore_errors=True)
        # starts beyond the first of each office in this batch (a reused one had started)
        result.restarts = sum(max(0, o.starts - before - (before == 0))
                              for o, before in zip(offices, starts))
    return result


def _plan(sources: list[Path], out_dir: Path | None) -> list[_Job]:
    jobs, seen = [], {}
    for src in sources:
        pdf = (Path(out_dir) if out_dir is not None else src.parent) / (src.stem + ".pdf")
        key = os.path.normcase(os.path.abspath(pdf))
        if key in seen:
            raise BadInput(_("{src} and {other} would both be written to {pdf} — convert them "
                             "into different output folders (-o), or rename one").format(
                                 src=src, other=seen[key], pdf=pdf))
        seen[key] = src
        jobs.append(_Job(src, pdf))
    return jobs


def _stage(jobs: list[_Job]) -> list[Path]:
    """A hidden folder in each output folder for LibreOffice to write in: a killed export
    leaves its lock and temporary files there, not among the user's files; a checked PDF is
    then renamed from it (same file system, so the rename is atomic)."""
    stages: dict[Path, Path] = {}
    try:
        for job in jobs:
            folder = job.pdf.parent
            if folder not in stages:
                _run.sweep(folder)  # a killed run's staging folder
                stages[folder] = _run.scratch_dir("convert", folder, hidden=True)
            job.stage = stages[folder]
    except OSError as e:
        for stage in stages.values():
            shutil.rmtree(stage, ignore_errors=True)
        raise BadInput(_("cannot write in {folder}: {reason} — convert into a folder you can "
                         "write with -o").format(folder=folder, reason=e.strerror)) from None
    return list(stages.values())


def _drain(todo: queue.Queue) -> None:
    while True:
        try:
            todo.get_nowait()
        except queue.Empty:
            return


def _work(office, todo: queue.Queue, done: queue.Queue, options: ConvertOptions,
          result: ConvertResult, cancel: threading.Event) -> None:
    """One worker: take files until none are left, each tried at most twice."""
    while not cancel.is_set():
        try:
            job = todo.get_nowait()
        except queue.Empty:
            return
        outcome: tuple[Path | None, str | None] = (None, "not converted")
        for attempt in (1, 2):
            if cancel.is_set():
                return
            try:
                _attempt(office, job, options.timeout)
                outcome = (job.pdf, None)
                break
            except _Refused as e:
                outcome = (None, str(e))
                break
            except Exception as e:  # hung, crashed, or an output that fails the check
                reason = str(e) or type(e).__name__
                if attempt == 1:
                    result.retried[job.src] = reason
                else:
                    outcome = (None, _("{reason} (tried twice)").format(reason=reason))
        done.put((job, *outcome))


def _attempt(office, job: _Job, timeout: float) -> None:
    """Convert one file to a temporary name, check it, rename it; leave nothing behind."""
    tmp = job.stage / f"{job.pdf.stem}.{uuid.uuid4().hex[:8]}.pdf"
    try:
        try:
            said = office.convert(job.src, tmp, timeout, WORD_FILTERS[job.src.suffix.lower()])
        except _soffice.Hung as e:
            raise RuntimeError(_("{reason} (killed; LibreOffice restarted for the rest)").format(
                reason=e)) from None
        except _soffice.Crashed as e:
            raise RuntimeError(_("LibreOffice stopped while converting: {reason}").format(
                reason=e)) from None
        if said is not None:
            raise _Refused(said)
        if not tmp.is_file():
            raise RuntimeError(_("LibreOffice reported success but wrote no PDF"))
        problems = pdfa.check(tmp)
        if problems:
            untitled = {_(m) for m in (*pdfa.NO_TITLE, *pdfa.NO_AUTHOR)}
            message = (_("the PDF LibreOffice wrote fails the PDF/A check: {problems} — give the "
                         "Word file a title and an author (Word: File > Info > Properties), "
                         "then convert again") if untitled.intersection(problems)
                       else _("the PDF LibreOffice wrote fails the PDF/A check: {problems}"))
            raise RuntimeError(message.format(problems="; ".join(problems)))
        os.chmod(tmp, PDF_MODE)
        os.replace(tmp, job.pdf)
    finally:
        tmp.unlink(missing_ok=True)
