"""Building an index on every core: each worker process indexes its share into a private
index, the parent moves the workers' segments in and commits them in one TOC.

Analysis (jieba, bigrams) is a quarter of the work and Whoosh's posting writer the rest, so
both run in the workers: a pool that only analysed would leave the parent the bottleneck.
Workers are forked after jieba is loaded (they share its dictionary), pull chunks of records
from one queue (the faster one takes more), and exit as soon as their parent dies.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
from pathlib import Path
from typing import Callable, Iterable

from docgen.search._procs import die_with
from docgen.search.engine import Progress

CHUNK = 100  # records per job
LIMIT_MB = 128  # Whoosh's posting pool per worker before it spills to disk
PREFIX = ".build-"  # Whoosh's file cleaner skips dot-names


def clear_leftovers(path: Path) -> None:
    """Remove the private indexes of a build that was killed (call holding the writer lock)."""
    for p in Path(path).glob(f"{PREFIX}*"):
        shutil.rmtree(p, ignore_errors=True)


def build_segments(path: Path, words: bool, items: Iterable[dict], workers: int,
                   progress: Progress | None) -> tuple[list, int]:
    """Index `items` (Whoosh field dicts) in `workers` processes; return (segments, count).

    The segments' files are moved into `path`; the caller (holding the writer lock) commits a
    TOC naming them. Any worker's failure cancels the build and is raised here.
    """
    ctx = multiprocessing.get_context("fork")
    jobs, results = ctx.Queue(maxsize=2 * workers), ctx.Queue()
    roots = [Path(path) / f"{PREFIX}{os.getpid()}-{i}" for i in range(workers)]
    procs = [ctx.Process(target=_work, args=(root, words, jobs, results, os.getpid()),
                         daemon=True) for root in roots]
    for p in procs:
        p.start()
    state = _State(procs, results, progress)
    try:
        chunk, n = [], 0
        for fields in items:
            chunk.append(fields)
            n += 1
            if len(chunk) >= CHUNK:
                state.put(jobs, chunk)
                chunk = []
        if chunk:
            state.put(jobs, chunk)
        for _ in procs:
            state.put(jobs, None)
        state.wait_done()
        for p in procs:
            p.join()
        from docgen.search.whoosh import storage

        new = []
        for root in roots:
            from whoosh.filedb.filestore import FileStorage

            for seg in storage.segments(FileStorage(str(root)).open_index()):
                for f in storage.segment_files(root, seg):
                    os.replace(f, Path(path) / f.name)
                new.append(seg)
        return new, n
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
            p.join()
        for root in roots:
            shutil.rmtree(root, ignore_errors=True)


class _State:
    """The parent's view of its workers: progress reports, finished workers, failures."""

    def __init__(self, procs, results, progress: Callable[[int], None] | None):
        self.procs, self.results, self.progress = procs, results, progress
        self.done = 0

    def put(self, jobs, job) -> None:
        while True:
            self.drain(block=False)
            try:
                jobs.put(job, timeout=0.5)
                return
            except queue.Full:
                continue

    def wait_done(self) -> None:
        while self.done < len(self.procs):
            self.drain(block=True)

    def drain(self, block: bool) -> None:
        while True:
            try:
                kind, value = self.results.get(timeout=0.5) if block else self.results.get_nowait()
            except queue.Empty:
                dead = [p for p in self.procs if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(f"an index worker died (exit {dead[0].exitcode})")
                return
            if kind == "progress" and self.progress:
                self.progress(value)
            elif kind == "done":
                self.done += 1
            elif kind == "error":
                raise RuntimeError(f"an index worker failed: {value}")
            if block:
                return


def _work(root: Path, words: bool, jobs, results, parent: int) -> None:
    """A worker: index jobs into a private index at `root` until told to stop (None)."""
    die_with(parent)
    try:
        from whoosh.filedb.filestore import FileStorage

        from docgen.search.whoosh import storage

        root.mkdir()
        ix = FileStorage(str(root)).create_index(storage.make_schema(words))
        w = storage.writer(ix, locked=True, limitmb=LIMIT_MB)
        while True:
            try:
                job = jobs.get(timeout=1)
            except queue.Empty:
                continue
            if job is None:
                break
            for fields in job:
                w.add_document(**fields)
            results.put(("progress", len(job)))
        w.commit()
        results.put(("done", str(root)))
    except BaseException as e:  # noqa: BLE001 - reported to the parent, which raises it
        results.put(("error", f"{type(e).__name__}: {e}"))
