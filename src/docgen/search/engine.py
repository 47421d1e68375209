"""The search engine seam: what the façade needs from an index, and nothing of Whoosh.

    eng = open_engine(path)          # kind="whoosh", the only engine today
    eng.open()                       # IndexUnusable: missing, another version, unreadable
    eng.add(docs); eng.remove(["Z109-…"]); eng.search("审批", Filters(year=2011))
    eng.rebuild(docs)                # a usable index, replaced in one commit
    eng.repair(docs)                 # an unusable one, recreated from scratch
    eng.close()

Another engine (SQLite FTS5, tantivy, OpenSearch) implements `Engine`, raises these exceptions,
registers in `open_engine`, and passes tests/test_search_contract.py; the façade
(docgen.search) and the commands do not change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable, Protocol

from docgen.errors import ArchiveError


class IndexUnusable(Exception):
    """The index is missing, from another schema, or unreadable: repair it from the archive.

    str(e) says why in a few words ("missing", "unreadable (…)"); the façade puts it in a notice.
    """


class IndexLocked(ArchiveError):
    """Another process held the index's writer lock for longer than we waited (exit 7)."""


@dataclass(frozen=True)
class IndexDoc:
    """One filed record as the index sees it: its 档号, the fields to filter on, and its text."""

    filing_number: str  # 档号
    title: str  # 题名
    body: str  # every word of the record: form values, .docx or PDF text
    type: str = "other"  # plan | commitment | summary | other
    kind: str = ""  # 文种
    year: int | None = None  # 年度
    unit: str = ""  # 责任者 / 单位
    unit_code: str = ""  # 机构（问题）代码
    date: dt.date | None = None  # 成文日期
    doc_number: str = ""  # 文号
    status: str = "filed"


@dataclass(frozen=True)
class Filters:
    """Restrictions from command-line options (ANDed with the query)."""

    type: str | None = None
    year: int | None = None
    unit: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class Hit:
    """One ranked search result; `snippet` marks matched words as 【…】."""

    filing_number: str  # 档号
    title: str
    date: str  # ISO date, '' when unknown
    type: str
    unit: str
    score: float
    snippet: str
    kind: str = ""
    status: str = "filed"

    def to_dict(self) -> dict:
        return asdict(self)


class Hits(list):
    """A list of Hit, with `notice`: one line for the user (e.g. the index was rebuilt), or None."""

    def __init__(self, hits: Iterable[Hit] = (), notice: str | None = None, total: int = 0):
        super().__init__(hits)
        self.notice = notice
        self.total = total  # how many records matched, before the limit


Progress = Callable[[int], None]  # called with the number of records just indexed


class Engine(Protocol):
    """An index of IndexDoc in one place; safe for many readers and writers across processes.

    Writers wait for one another (IndexLocked when they waited too long); readers never wait
    and see whole commits only. Any method may raise IndexUnusable; search raises
    docgen.errors.QueryError for a malformed query.
    """

    def open(self) -> None:
        """Check the index can be used; raise IndexUnusable saying why not."""

    def add(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace records (by 档号) in one commit; return how many."""

    def remove(self, filing_numbers: Iterable[str]) -> int:
        """Drop records by 档号 in one commit; return how many were there."""

    def search(self, query: str, filters: Filters = Filters(), limit: int = 20) -> Hits:
        """Ranked hits, `total` counting every match before the limit."""

    def rebuild(self, docs: Iterable[IndexDoc], progress: Progress | None = None) -> int:
        """Replace the whole index with `docs` in one commit; readers see the old one until
        then. Return how many were indexed."""

    def repair(self, docs: Iterable[IndexDoc], progress: Progress | None = None, *,
               force: bool = False) -> int | None:
        """Recreate a missing or unreadable index from `docs`.

        None (and `docs` untouched) when, once we hold the writer lock, the index opens fine
        after all (another process repaired it). `force`: recreate it anyway (it opened but
        failed when read).
        """

    def close(self) -> None:
        """Release readers and files; the engine may be used again afterwards."""


ENGINES = ("whoosh",)


def open_engine(path: str | Path, kind: str = "whoosh", *, workers: int | None = None) -> Engine:
    """The engine of `kind` for the index at `path` (nothing is read until it is used).

    `workers`: processes a rebuild may use (None: one per core).
    """
    if kind == "whoosh":
        from docgen.search.whoosh import WhooshEngine

        return WhooshEngine(path, workers=workers)
    raise ValueError(f"unknown search engine {kind!r}; known: {', '.join(ENGINES)}")
