"""Search the archive by its Chinese words; the index under ARCHIVE/index/ is derived from it.

    notice = sync(archive)              # catch up with the archive's audit log (follow.py)
    rebuild_index(archive)              # `docgen index rebuild`
    hits = search(archive, "审批", type="plan", limit=20)   # syncs first
    hits.notice                         # e.g. the index was behind, or missing, and caught up

The archive never calls this package: filing commands call `sync` once after their filings,
and every search calls it before answering, so a 件 filed by a command that was killed before
it reached the index is found by the next search. Whoosh and jieba are imported only when
the index has work to do. See analysis.py for how Chinese text becomes index terms, and
engine.py for the interface an engine implements.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from docgen.errors import BadInput
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _
from docgen.i18n import cli_ngettext as ngettext
from docgen.search import follow
from docgen.search.engine import Filters, Hit, Hits, IndexDoc, IndexLocked, IndexUnusable
from docgen.search.query import TYPES

INDEX_DIR = "index"
ENGINE = "whoosh"
LOCK_WAIT = 60.0  # seconds a filing command waits for another process's catch-up or rebuild
SEARCH_WAIT = 10.0  # a search waits less, then answers from the index as it is

__all__ = ["sync", "start_filing", "rebuild_index", "search", "index_path", "Hit", "Hits",
           "IndexDoc", "Filters", "IndexLocked", "IndexUnusable"]

def index_path(archive) -> Path:
    return Path(archive.root) / INDEX_DIR


def _engine(archive, workers: int | None = None):
    from docgen.search.engine import open_engine

    return open_engine(index_path(archive), ENGINE, workers=workers)


def _docs(archive, workers: int | None = None):
    """IndexDoc of every record, then of any filed while we were reading (a second look).

    Reading a record's text (python-docx, pypdf) costs about as much as indexing it, so a
    large archive is read by a pool of `workers` processes (None: one per core), in 档号 order.
    A 件 whose record.json cannot be read is left out: `docgen verify` reports it.
    """
    from docgen.search._procs import cores

    numbers = [str(n) for n, _folder in archive.record_dirs()]
    workers = workers or cores()
    if workers > 1 and len(numbers) >= READ_IN_POOL_FROM:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(workers, multiprocessing.get_context("fork"),
                                   initializer=_reader_init,
                                   initargs=(archive.root, os.getpid()))
        try:
            for doc in pool.map(_read_one, numbers, chunksize=16):
                if doc is not None:
                    yield doc
        finally:  # also when the index gave up half way: drop what is not read yet
            pool.shutdown(cancel_futures=True)
    else:
        for number in numbers:
            doc = _read_doc(archive, number)
            if doc is not None:
                yield doc
    seen = set(numbers)
    for number, _folder in archive.record_dirs():
        if str(number) not in seen:
            doc = _read_doc(archive, str(number))
            if doc is not None:
                yield doc


READ_IN_POOL_FROM = 64  # fewer records are read in this process: a pool costs more
_READER = None  # the Archive a pool worker reads from


def _reader_init(root, parent: int) -> None:
    global _READER
    from docgen.archive import Archive
    from docgen.search._procs import die_with

    die_with(parent)  # it holds copies of our index locks: it must not outlive us
    _READER = Archive(root)


def _read_one(number: str):
    return _read_doc(_READER, number)


def _read_doc(archive, number: str):
    from docgen.errors import DocgenError
    from docgen.search.text import record_doc

    try:
        return record_doc(archive.record(number))
    except DocgenError:
        return None


def start_filing(archive) -> follow.Filing:
    """Call before a command files: `sync(archive, filing=…)` after its filings then tells its
    own changes from those earlier commands left behind."""
    return follow.Filing(archive, index_path(archive))


def sync(archive, *, filing: follow.Filing | None = None,
         wait: float = LOCK_WAIT) -> str | None:
    """Bring the index up to the archive's audit log; a one-line notice when it was behind.

    Entries after the cursor the index keeps are absorbed: each 件 they name is read from the
    archive and indexed again (or dropped when it is gone). A missing or unreadable index, or
    a log rewritten under the cursor, is rebuilt from the archive. `filing`: the caller's
    `start_filing()`, taken before it filed; its own changes are absorbed without a notice,
    and so are those of filers still at work in other processes. Returns None when nothing
    was left behind. Raises IndexLocked when another process kept the index busy for `wait`
    seconds. A `filing` that changed nothing (a command refused) leaves the index alone.
    """
    try:
        if filing is not None and follow.last_seq(archive) == filing.seq:
            return None  # nothing filed: the next search catches up on anything else
        return _sync(archive, filing, wait)
    finally:
        if filing is not None:
            filing.done()


def _sync(archive, filing, wait: float) -> str | None:
    path = index_path(archive)
    cursor = follow.read_cursor(path)
    if cursor is not None and follow.is_current(archive, cursor):
        return None  # the common case: no lock, no engine, no Whoosh import
    try:
        with follow.locked(path, wait):
            eng = _engine(archive)
            try:
                return _catch_up(archive, eng, filing)
            finally:
                eng.close()
    except TimeoutError:
        raise IndexLocked(_("search index {path} stayed busy (another docgen is filing or "
                            "rebuilding) for {seconds} s — the next command catches up").format(
                                path=path, seconds=f"{wait:.0f}")) from None


def _catch_up(archive, eng, filing) -> str | None:
    """`sync` holding the follow lock."""
    own_after = filing.seq if filing is not None else None
    path = index_path(archive)
    cursor = follow.read_cursor(path)  # again: another process may have moved it
    try:
        eng.open()
    except IndexUnusable as e:
        return _rebuilt(archive, eng, str(e), own_after, repair=True)
    if cursor is None:
        return _rebuilt(archive, eng, N_("made without a cursor on the audit log"), own_after)
    changes = follow.changes_after(archive, cursor)
    if changes is None:
        return _rebuilt(archive, eng, N_("ahead of a rewritten or restored audit log"),
                        own_after)
    if changes.cursor == cursor:
        return None  # only a change still being moved into place follows
    numbers = list(dict.fromkeys(changes.numbers))
    docs, gone = _read(archive, numbers)
    try:
        if docs:
            eng.add(docs)
        if gone:
            eng.remove(gone)
    except IndexUnusable as e:  # it opened, but a segment is damaged
        return _rebuilt(archive, eng, str(e), own_after, repair=True, force=True)
    follow.write_cursor(path, changes.cursor)
    behind = sum(1 for s in changes.seqs if own_after is None or s <= own_after)
    if filing is not None:
        filing.done()  # our own changes are in: now only other filers' locks remain
    if not behind or follow.others_filing(path):  # theirs, perhaps: they index them next
        return None
    return ngettext("search index was {count} filing behind the archive; caught up",
                    "search index was {count} filings behind the archive; caught up",
                    behind).format(count=behind)


def _read(archive, numbers: list[str]):
    """(IndexDoc of each 件 that can be read, 档号 of those that cannot: dropped)."""
    docs, gone = [], []
    for number in numbers:
        doc = _read_doc(archive, number)
        if doc is None:  # gone or damaged: `docgen verify` reports it
            gone.append(number)
        else:
            docs.append(doc)
    return docs, gone


def _rebuilt(archive, eng, reason: str, own_after: int | None, *, repair: bool = False,
             force: bool = False) -> str | None:
    """Rebuild the index from the archive and set its cursor; the notice saying so.

    `reason`: why, in the engine's words (IndexUnusable) or the façade's, both English."""
    n, earlier = _rebuild(archive, eng, repair=repair, force=force)
    if reason == "missing":  # a new archive has no index: only say so when records were lost
        if not any(own_after is None or s <= own_after for s in earlier):
            return None
    return ngettext("search index at {path} was {reason}; rebuilt it from the archive "
                    "({count} record)",
                    "search index at {path} was {reason}; rebuilt it from the archive "
                    "({count} records)", n).format(path=index_path(archive),
                                                   reason=_reason(reason), count=n)


# why an engine cannot use its index (IndexUnusable), in its words: shown translated
_REASONS = (N_("missing"), N_("made by another version of docgen"))


def _reason(reason: str) -> str:
    """An IndexUnusable reason in the user's language; "unreadable (…)" keeps its detail."""
    if reason.startswith("unreadable (") and reason.endswith(")"):
        return _("unreadable ({error})").format(error=reason[len("unreadable ("):-1])
    return _(reason)


def _rebuild(archive, eng, progress=None, *, repair: bool = False, force: bool = False,
             workers: int | None = None):
    """(records indexed, seqs of the entries that changed 件), holding the follow lock."""
    cursor, seqs = follow.head(archive)  # before the records: the index holds at least this
    n = None
    if repair:
        n = eng.repair(_docs(archive, workers), progress, force=force)
    if n is None:
        n = eng.rebuild(_docs(archive, workers), progress)
    follow.write_cursor(index_path(archive), cursor)
    return n, seqs


def rebuild_index(archive, progress=None, *, workers: int | None = None) -> int:
    """Rebuild the whole index from the archive; returns how many records it holds.

    `progress(n)` is called as records are indexed; `workers` processes share the work (None:
    one per core). Searches read the old index until the new one is committed.
    """
    path = index_path(archive)
    try:
        with follow.locked(path, LOCK_WAIT):
            eng = _engine(archive, workers)
            try:
                return _rebuild(archive, eng, progress, workers=workers)[0]
            finally:
                eng.close()
    except TimeoutError:
        raise IndexLocked(_("search index {path} stayed busy for {seconds} s — retry when the "
                            "other docgen has finished").format(
                                path=path, seconds=f"{LOCK_WAIT:.0f}")) from None


def search(archive, query: str, *, type: str | None = None, year: int | None = None,
           unit: str | None = None, date_from: dt.date | None = None,
           date_to: dt.date | None = None, limit: int = 20, wait: float = SEARCH_WAIT) -> Hits:
    """Ranked hits for a query; QueryError (exit 9) when it is malformed.

    The index first catches up with the archive (`sync`); a missing or unreadable index is
    rebuilt. `hits.notice` then says so in one line. When another process keeps the index
    busy for `wait` seconds, the hits come from the index as it is, and the notice says so.
    """
    from docgen.search import query as q

    q.parse(query)  # a malformed query fails before anything is opened or rebuilt
    problems = []
    if type is not None and type not in TYPES:
        problems.append(_("--type {value} is not one of {allowed}").format(
            value=repr(type), allowed=", ".join(TYPES)))
    if limit is not None and limit < 1:
        problems.append(_("--limit {limit} must be 1 or more").format(limit=limit))
    if date_from and date_to and date_from > date_to:
        problems.append(_("--from {start} is after --to {end}").format(start=date_from,
                                                                       end=date_to))
    if problems:
        raise BadInput(_("; ").join(problems))
    filters = Filters(type=type, year=year, unit=unit, date_from=date_from, date_to=date_to)

    try:
        notice = sync(archive, wait=wait)
    except IndexLocked:
        notice = _("search index is busy in another docgen (filing or rebuilding); these "
                   "hits may miss the newest filings")
    except OSError as e:  # a read-only copy of an archive: search what its index holds
        notice = _("search index could not be brought up to date ({error}); these hits may "
                   "miss the newest filings").format(error=f"{e.__class__.__name__}: {e}")
    eng = _engine(archive)
    try:
        try:
            hits = eng.search(query, filters, limit)
        except IndexUnusable:
            eng.close()
            # every docgen writer holds this lock: the index cannot change under a second look
            with follow.locked(index_path(archive), LOCK_WAIT):
                try:
                    hits = eng.search(query, filters, limit)
                except IndexUnusable as e:  # damaged since the last sync: rebuild, answer
                    notice = _rebuilt(archive, eng, str(e), None, repair=True, force=True)
                    hits = eng.search(query, filters, limit)
    finally:
        eng.close()
    hits.notice = notice
    return hits
