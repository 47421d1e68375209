"""Search the archive by its Chinese words; the index under ARCHIVE/index/ is derived from it.

    index_filed(archive, record)        # the archive calls this right after each filing
    rebuild_index(archive)              # `docgen index rebuild`
    hits = search(archive, "审批", type="plan", limit=20)
    hits.notice                         # e.g. the index was missing and has been rebuilt

Whoosh and jieba are imported only when one of these runs. See analysis.py for how Chinese
text becomes index terms, and engine.py for the interface an engine implements.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docgen.errors import BadInput
from docgen.search.engine import Filters, Hit, Hits, IndexDoc
from docgen.search.query import TYPES

INDEX_DIR = "index"

__all__ = ["index_filed", "rebuild_index", "search", "index_path", "Hit", "Hits", "IndexDoc",
           "Filters"]


def index_path(archive) -> Path:
    return Path(archive.root) / INDEX_DIR


def _engine(archive):
    from docgen.search.whoosh_engine import WhooshEngine

    return WhooshEngine(index_path(archive))


def _docs(archive, progress=None, skipped: list | None = None):
    """IndexDoc of every record, then of any filed while we were reading (a second look)."""
    from docgen.errors import DocgenError
    from docgen.search.text import record_doc

    seen = set()
    for _ in range(2):
        for number, _folder in archive.record_dirs():
            number = str(number)
            if number in seen:
                continue
            seen.add(number)
            try:
                rec = archive.record(number)
            except DocgenError as e:  # a damaged record.json: `docgen verify` reports it
                if skipped is not None:
                    skipped.append(f"{number}: {e.message}")
                continue
            yield record_doc(rec)


def index_filed(archive, record) -> str | None:
    """Add or update one record in the index, right after it is filed."""
    return index_records(archive, [record])


def index_records(archive, records) -> str | None:
    """Add or update records in the index, in one commit (a batch of filings).

    Waits (with retries) for another writer's lock; a missing or unreadable index is rebuilt
    from the archive. Returns a one-line notice when an unreadable one was rebuilt, else None
    (a missing index is simply made: a new archive has none). Raises IndexLocked if the lock
    stayed taken; the archive turns that into a notice.
    """
    from docgen.search.text import record_doc
    from docgen.search.whoosh_engine import IndexUnusable

    eng = _engine(archive)
    docs = [record_doc(record) for record in records]
    try:
        eng.add(docs)
        return None
    except IndexUnusable as e:
        n = eng.repair(_docs(archive))
        if n is None:  # another process rebuilt it meanwhile
            eng.add(docs)
            return None
        if str(e) == "missing":
            return None
        return f"search index was {e}; rebuilt it from the archive ({n} records)"
    finally:
        eng.close()


def rebuild_index(archive, progress=None) -> int:
    """Rebuild the whole index from the archive; returns how many records it holds.

    `progress(n)` is called as records are indexed. Searches read the old index until the new
    one is committed.
    """
    eng = _engine(archive)
    try:
        return eng.rebuild(_docs(archive), progress)
    finally:
        eng.close()


def record_count(archive) -> int:
    return len(archive.record_dirs())


def search(archive, query: str, *, type: str | None = None, year: int | None = None,
           unit: str | None = None, date_from: dt.date | None = None,
           date_to: dt.date | None = None, limit: int = 20) -> Hits:
    """Ranked hits for a query; QueryError (exit 9) when it is malformed.

    A missing or unreadable index is rebuilt first; `hits.notice` then says so in one line.
    """
    from docgen.search import query as q

    q.parse(query)  # a malformed query fails before anything is opened or rebuilt
    problems = []
    if type is not None and type not in TYPES:
        problems.append(f"--type {type!r} is not one of {', '.join(TYPES)}")
    if limit is not None and limit < 1:
        problems.append(f"--limit {limit} must be 1 or more")
    if date_from and date_to and date_from > date_to:
        problems.append(f"--from {date_from} is after --to {date_to}")
    if problems:
        raise BadInput("; ".join(problems))
    filters = Filters(type=type, year=year, unit=unit, date_from=date_from, date_to=date_to)

    from docgen.search.whoosh_engine import IndexUnusable

    eng = _engine(archive)
    notice = None
    try:
        try:
            hits = eng.search(query, filters, limit)
        except IndexUnusable as first:
            reason = str(first)
            n = eng.repair(_docs(archive))
            try:
                hits = eng.search(query, filters, limit)
            except IndexUnusable as again:  # it opens, but a segment is damaged
                reason, n = str(again), eng.repair(_docs(archive), force=True)
                hits = eng.search(query, filters, limit)
            if n:  # a new archive's first search just creates the empty index
                notice = (f"search index at {index_path(archive)} was {reason}; "
                          f"rebuilt it from the archive ({n} records)")
    finally:
        eng.close()
    hits.notice = notice
    return hits
