"""Work that waits for LibreOffice (preview, filing, import), run beside the pages.

A job belongs to the account that started it; the page polls its state with htmx until it is
done. Jobs run in a small pool of threads; the archive's own lock keeps filings apart. A job
runs in the context of the request that started it, so the library's messages it collects are
in that page's language.
"""

from __future__ import annotations

import contextvars
import secrets
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

KEEP_SECONDS = 3600  # a finished job's files (previews) are kept this long


@dataclass
class Job:
    id: str
    owner: str
    kind: str  # preview, file, import
    folder: Path
    stage: str = "queued"  # queued, converting, filing, done, failed
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    records: list[str] = field(default_factory=list)  # 档号 filed
    pages: int = 0  # preview pages rendered as PNG
    ocr: tuple[int, int] | None = None  # import: (pages read, pages to read) by OCR
    error: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.stage in ("done", "failed")


class Jobs:
    def __init__(self, workdir: Path, workers: int = 2):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="docgen-job")

    def new(self, owner: str, kind: str) -> Job:
        """A job with its own folder (for the form file, the upload, the preview)."""
        self._forget_old()
        job_id = secrets.token_urlsafe(12)
        folder = self.workdir / job_id
        folder.mkdir()
        job = Job(job_id, owner, kind, folder)
        with self._lock:
            self._jobs[job_id] = job
        return job

    def start(self, job: Job, work: Callable[[Job], None]) -> Job:
        self._pool.submit(contextvars.copy_context().run, self._run, job, work)
        return job

    def discard(self, job: Job) -> None:
        """A job refused before it started: forgotten, its folder removed."""
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def get(self, job_id: str, owner: str) -> Job | None:
        """The job, only for the account that started it."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner == owner else None

    def _run(self, job: Job, work) -> None:
        from docgen.errors import DocgenError

        try:
            job.stage = "converting"
            work(job)
            job.stage = "done"
        except DocgenError as e:
            job.error = e.lines()
            job.stage = "failed"
        except Exception as e:  # noqa: BLE001 - a bug: the page says so instead of spinning
            job.error = [f"internal error: {type(e).__name__}: {e}"]
            job.stage = "failed"
        finally:
            job.finished = time.monotonic()

    def _forget_old(self) -> None:
        now = time.monotonic()
        with self._lock:
            old = [j for j in self._jobs.values()
                   if j.finished is not None and now - j.finished > KEEP_SECONDS]
            for j in old:
                del self._jobs[j.id]
        for j in old:
            shutil.rmtree(j.folder, ignore_errors=True)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
