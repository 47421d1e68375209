"""WhooshEngine: a Whoosh index in one folder, with locking, repair and a parallel rebuild.

- only the title, the unit and the filing data are stored; the text for snippets is stored
  zlib-compressed, as written (full-width punctuation kept), and read for the shown hits only;
- `rebuild` and `repair` write one segment per worker process (build.py) and drop the old
  ones in the same commit; `add` commits small segments that Whoosh merges as it goes;
- an engine keeps its searcher open and reopens it only when the index changed.
"""

from __future__ import annotations

import heapq
import itertools
import time
import zlib
from pathlib import Path
from typing import Iterable

from whoosh import index, writing

from docgen.errors import DocgenError
from docgen.i18n import cli_gettext as _
from docgen.search import query as q
from docgen.search.analysis import load_jieba, query_terms
from docgen.search._procs import cores
from docgen.search.engine import (Filters, Hit, Hits, IndexDoc, IndexLocked, IndexUnusable,
                                  Progress)
from docgen.search.whoosh import build, storage
from docgen.search.whoosh.matching import Evaluator, filter_query, to_whoosh

MAX_STORED_CHARS = 100_000  # snippet source per record
LOCK_TIMEOUT = 60.0  # seconds a writer waits for another writer (a rebuild may hold it)
LIMIT_MB = 256  # Whoosh's posting pool in one process
PARALLEL_FROM = 200  # fewer records are indexed in this process: forking costs more


class WhooshEngine:
    """A Whoosh index in one folder; safe for many readers and writers across processes.

    `workers`: processes a rebuild or repair uses (None: one per core; 1: this process only).
    """

    def __init__(self, path: str | Path, *, words: bool = True, workers: int | None = None):
        self.path = Path(path)
        self.words = words
        self.workers = workers
        self._ix = None
        self._searcher = None

    # -- opening ------------------------------------------------------------------------
    def exists(self) -> bool:
        return self.path.is_dir() and any(self.path.glob("_MAIN_*.toc"))

    def open(self):
        """The Whoosh index, or IndexUnusable saying why it cannot be used."""
        if self._ix is not None:
            return self._ix
        if not self.exists():
            raise IndexUnusable("missing")
        last = None
        for attempt in range(3):  # a commit may delete segment files between reads
            try:
                ix = index.open_dir(str(self.path))
                if not storage.schema_matches(ix.schema, self.words):
                    raise IndexUnusable("made by another version of docgen")
                with ix.searcher() as s:
                    s.doc_count()
                self._ix = ix
                return ix
            except IndexUnusable:
                raise
            except Exception as e:  # noqa: BLE001 - whoosh raises many kinds when files are bad
                last = e
                time.sleep(0.05 * (attempt + 1))
        raise IndexUnusable(f"unreadable ({_why(last)})")

    def close(self):
        if self._searcher is not None:
            self._searcher.close()
        self._searcher = None
        self._ix = None

    # -- locking ------------------------------------------------------------------------
    def _locked(self):
        return IndexLocked(_("search index {path} stayed locked by another process for "
                             "{seconds} s — retry, or run `docgen index rebuild` later").format(
                                 path=self.path, seconds=f"{LOCK_TIMEOUT:.0f}"))

    def _lock(self):
        from whoosh.filedb.filestore import FileStorage

        self.path.mkdir(parents=True, exist_ok=True)
        lock = FileStorage(str(self.path)).lock("MAIN_WRITELOCK")
        if not _try_for(lock.acquire, LOCK_TIMEOUT):
            raise self._locked()
        return lock

    def _writer(self, ix, *, locked: bool = True):
        try:
            return storage.writer(ix, locked=locked, timeout=LOCK_TIMEOUT, delay=0.02,
                                  limitmb=LIMIT_MB)
        except index.LockError:
            raise self._locked() from None

    # -- writing ------------------------------------------------------------------------
    def add(self, docs: Iterable[IndexDoc]) -> int:
        w = self._writer(self.open())
        n = self._write(w, docs, None, add=False)
        w.commit()
        return n

    def remove(self, filing_numbers: Iterable[str]) -> int:
        w = self._writer(self.open())
        n = 0
        try:
            for fn in filing_numbers:
                n += w.delete_by_term("filing_number", fn)
        except BaseException:
            w.cancel()
            raise
        w.commit()
        return n

    def rebuild(self, docs: Iterable[IndexDoc], progress: Progress | None = None) -> int:
        """Index `docs` as new segments and drop the old ones in the same commit.

        Searches keep reading the old index until the commit; writers wait for the lock.
        """
        try:
            ix = self.open()
        except IndexUnusable:
            n = self.repair(docs, progress)
            return self.rebuild(docs, progress) if n is None else n
        w = self._writer(ix)
        try:
            return self._fill(w, docs, progress)
        finally:
            self.close()

    def repair(self, docs: Iterable[IndexDoc], progress: Progress | None = None, *,
               force: bool = False) -> int | None:
        """Recreate a missing or unreadable index from `docs`, holding the writer lock throughout.

        None when the index opens fine once we hold the lock (another process repaired it, or
        a commit had just replaced the files we were reading); then `docs` is not consumed.
        """
        self.close()
        lock = self._lock()
        try:
            if not force:
                try:
                    self.open()
                    return None
                except IndexUnusable:
                    pass
            self.close()
            from whoosh.filedb.filestore import FileStorage

            for f in self.path.iterdir():  # segments of the broken index; TOC.create drops the rest
                if f.is_file() and f.name.startswith("MAIN_") and f.suffix == ".seg":
                    f.unlink()
            ix = FileStorage(str(self.path)).create_index(storage.make_schema(self.words))
            return self._fill(self._writer(ix, locked=False), docs, progress)
        finally:
            lock.release()
            self.close()

    def _fill(self, w, docs: Iterable[IndexDoc], progress: Progress | None) -> int:
        """Write `docs` through writer `w` (which holds the lock) as the whole index; commit."""
        build.clear_leftovers(self.path)
        workers = self.workers or cores()
        docs = iter(docs)
        head = list(itertools.islice(docs, PARALLEL_FROM))
        if workers == 1 or len(head) < PARALLEL_FROM:
            n = self._write(w, itertools.chain(head, docs), progress, add=True)
            w.commit(mergetype=writing.CLEAR)
            return n
        try:
            if self.words:
                load_jieba()  # once, before the workers are forked
            items = (self._fields(d) for d in itertools.chain(head, docs))
            new, n = build.build_segments(self.path, self.words, items, workers, progress)
        except BaseException:
            w.cancel()
            raise
        w.commit(mergetype=lambda _writer, _old: new)
        return n

    def _write(self, w, docs, progress, *, add: bool) -> int:
        n = 0
        try:
            for d in docs:
                (w.add_document if add else w.update_document)(**self._fields(d))
                n += 1
                if progress:
                    progress(1)
        except BaseException:
            w.cancel()
            raise
        return n

    def _fields(self, d: IndexDoc) -> dict:
        text = d.body or ""
        return dict(
            filing_number=d.filing_number,
            title=d.title or "",
            body=text,
            unit=d.unit or "",
            unit_code=(d.unit_code or "").upper(),
            type=d.type or "other",
            kind=d.kind or "",
            year=str(d.year or (d.date.year if d.date else "")),
            date=d.date.isoformat() if d.date else "",
            status=d.status or "filed",
            doc_number=d.doc_number or "",
            content=zlib.compress(text[:MAX_STORED_CHARS].encode("utf-8"), 6),
            schema_version=storage.SCHEMA_VERSION,
        )

    # -- reading ------------------------------------------------------------------------
    def searcher(self):
        """A searcher kept open across searches and refreshed when the index changed."""
        if self._searcher is not None and not self._searcher.up_to_date():
            # not Searcher.refresh(): it reuses segment readers with their old deletions
            self._searcher.close()
            self._searcher = None
        if self._searcher is None:
            self._searcher = self.open().searcher()
        return self._searcher

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    def search(self, query: str, filters: Filters = Filters(), limit: int = 20) -> Hits:
        tree = q.parse(query)
        wfilter = filter_query(filters)
        try:
            s = self.searcher()
            scores = Evaluator(s).run(tree)
            if wfilter is not None and scores:
                allowed = set(s.docs_for_query(wfilter))
                scores = {d: v for d, v in scores.items() if d in allowed}
            top = heapq.nlargest(limit or len(scores), scores.items(),
                                 key=lambda kv: (kv[1], -kv[0]))
            needles = [n for t in q.positive_texts(tree) for n in query_terms(t.text).needles]
            hits = [self._hit(s.stored_fields(d), score, needles) for d, score in top]
        except (DocgenError, IndexUnusable):
            raise
        except Exception as e:  # noqa: BLE001 - a broken segment shows up only when read
            self.close()
            raise IndexUnusable(f"unreadable ({_why(e)})") from e
        return Hits(hits, total=len(scores))

    def whoosh_search(self, query: str, limit: int = 20):
        """The same query through Whoosh's own matchers and collector (the benchmark's baseline)."""
        return self.searcher().search(to_whoosh(q.parse(query)), limit=limit)

    def _hit(self, f, score, needles) -> Hit:
        content = f.get("content")
        text = zlib.decompress(content).decode("utf-8") if content else ""
        return Hit(
            filing_number=f["filing_number"],
            title=f.get("title", ""),
            date=f.get("date", ""),
            type=f.get("type", ""),
            unit=f.get("unit", ""),
            score=round(float(score), 4),
            snippet=q.snippet(text, needles),
            kind=f.get("kind", ""),
            status=f.get("status", "filed"),
        )


def _why(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text[:100]}"


def _try_for(fn, timeout: float, delay: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if fn():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(delay)
