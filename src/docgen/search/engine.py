"""The search engine interface: what the commands need from an index, and nothing of Whoosh.

Another engine (SQLite FTS5, tantivy) can stand behind `Engine` without touching the commands.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Callable, Iterable, Protocol


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
    def add(self, docs: Iterable[IndexDoc]) -> int:
        """Add or replace records (by 档号); return how many."""

    def remove(self, filing_numbers: Iterable[str]) -> int:
        """Drop records by 档号; return how many were there."""

    def search(self, query: str, filters: Filters = Filters(), limit: int = 20) -> Hits:
        """Ranked hits; raise docgen.errors.QueryError for a malformed query."""

    def rebuild(self, docs: Iterable[IndexDoc], progress: Progress | None = None) -> int:
        """Replace the whole index with `docs`; return how many were indexed."""
