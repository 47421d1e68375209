"""What the audit log says was issued: every 件号 ever given, and which filings are current.

The log, not the folders on disk, decides the next 件号: a 件 deleted by hand never gives its
number to the next filing, and verify can name it. The ledger reads the log once, then only
the lines appended since (it keeps its byte offset and the hash of the last entry it read; if
the log no longer continues that hash, it reads it again from the start).
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from docgen.archive import numbering
from docgen.archive.audit import GENESIS

FILING_ACTIONS = ("file", "supersede")


def duplicate_key(year: int, unit_code: str, doc_number: str | None, title: str) -> str | None:
    """The identity of a filing for refusing the same one twice: 年度, 机构, 发文字号, 题名.

    None when there is no 发文字号 (two imported scans may share a plain title)."""
    if not doc_number:
        return None
    return f"{year}|{unit_code}|{doc_number.strip()}|{title.strip()}"


@dataclass
class Ledger:
    path: Path
    offset: int = 0
    last_hash: str = GENESIS
    last_seq: int = 0
    issued: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    filings: Counter = field(default_factory=Counter)  # 档号 -> file/supersede entries naming it
    current: dict[str, str] = field(default_factory=dict)  # duplicate key -> 档号 still filed
    _key_of: dict[str, str] = field(default_factory=dict)  # 档号 -> its duplicate key

    def catch_up(self) -> Ledger:
        """Read the entries appended since the last call (all of them the first time)."""
        try:
            size = os.path.getsize(self.path)
        except FileNotFoundError:
            size = 0
        if size < self.offset:
            self._reset()
        if size == self.offset:
            return self
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            data = f.read(size - self.offset)
        end = data.rfind(b"\n") + 1  # a torn last line waits for recovery
        first = True
        for raw in data[:end].splitlines():
            entry = _parse(raw)
            if entry is None:
                continue
            if first and self.offset and entry.get("prev") != self.last_hash:
                self._reset()  # the log was rewritten under us: read it whole
                return self.catch_up()
            first = False
            self._absorb(entry)
        self.offset += end
        return self

    def next_item(self, prefix: str) -> int:
        """One past the highest 件号 the log ever issued in this group."""
        return 1 + max(self.issued.get(prefix, ()), default=0)

    def _reset(self) -> None:
        self.offset, self.last_hash, self.last_seq = 0, GENESIS, 0
        self.issued = defaultdict(set)
        self.filings, self.current, self._key_of = Counter(), {}, {}

    def _absorb(self, entry: dict) -> None:
        if isinstance(entry.get("hash"), str):
            self.last_hash = entry["hash"]
        if isinstance(entry.get("seq"), int):
            self.last_seq = entry["seq"]
        action, fn = entry.get("action"), entry.get("filing_number")
        if not isinstance(fn, str):
            return
        if action in FILING_ACTIONS:
            try:
                n = numbering.parse(fn)
            except ValueError:
                return
            self.issued[n.prefix()].add(n.item)
            self.filings[fn] += 1
            key = entry.get("duplicate_key")
            if isinstance(key, str):
                self.current[key] = fn
                self._key_of[fn] = key
        if action == "withdraw":
            self._retire(fn)
        old = entry.get("supersedes")
        if action == "supersede" and isinstance(old, str):
            self._retire(old)

    def _retire(self, fn: str) -> None:
        key = self._key_of.pop(fn, None)
        if key is not None and self.current.get(key) == fn:
            del self.current[key]


def _parse(raw: bytes) -> dict | None:
    try:
        entry = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return entry if isinstance(entry, dict) else None
