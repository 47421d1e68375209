"""Anchors: proof that the audit log still extends a head noted outside the archive.

A hash chain kept beside the records proves only that the log is self-consistent: someone
with write access can rewrite every entry and recompute every hash. What they cannot do is
make the rewritten log pass through a head (sequence number and hash) that was written down
elsewhere before the rewrite — on the last inspection's receipt, or in a bundle handed to the
filing office. `check` compares the archive's log with such an anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.archive import audit
from docgen.errors import BadInput
from docgen.i18n import cli_gettext as _

HEAD = re.compile(r"^\s*(\d{1,12})\s*:\s*([0-9a-f]{64})\s*$")


@dataclass(frozen=True)
class Anchor:
    """An audit head written down outside the archive: entry `seq` had hash `hash`."""

    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def parse(text: str, where: str = "--head") -> Anchor:
    """'SEQ:HASH' as `docgen verify` and bundles print it; BadInput (exit 10) otherwise."""
    m = HEAD.match(text or "")
    if not m:
        raise BadInput(_("{where} {value}: write the audit head as SEQ:HASH, e.g. "
                         "12:66c7f0f4… (64 hex digits), as `docgen verify` or a bundle's "
                         "说明.txt prints it").format(where=where, value=repr(text)))
    return Anchor(int(m[1]), m[2])


def head_of(entry: dict | None) -> Anchor | None:
    if not entry or not isinstance(entry.get("seq"), int) or not isinstance(entry.get("hash"), str):
        return None
    return Anchor(entry["seq"], entry["hash"])


def check(log_entries, anchor: Anchor, known: list[dict] | None = None) -> list[str]:
    """Why the log does not extend `anchor` (empty when it does).

    `log_entries`: the archive's audit entries in order. `known`: entries up to the anchor
    as a bundle carries them, to name the first entry that differs.
    """
    by_seq = {}
    for entry in log_entries:
        if isinstance(entry.get("seq"), int):
            by_seq.setdefault(entry["seq"], entry)
    if known:
        for old in known:
            seq = old.get("seq")
            if not isinstance(seq, int) or seq > anchor.seq:
                continue
            now = by_seq.get(seq)
            if now is None:
                return [_("audit entry {seq} ({entry}) recorded at the anchor is gone from the "
                          "log: entries were removed").format(seq=seq, entry=_what(old))]
            if now.get("hash") != old.get("hash") or audit.entry_hash(now) != now.get("hash"):
                return [_("audit entry {seq} differs from the one recorded at the anchor "
                          "({then} then, {now} now): the log was rewritten from entry {seq} "
                          "on").format(seq=seq, then=_what(old), now=_what(now))]
    entry = by_seq.get(anchor.seq)
    if entry is None:
        last = max(by_seq, default=0)
        return [_("the log ends at entry {last}, before the anchor's entry {seq}: entries "
                  "{first}–{seq} were removed (or this is another archive)").format(
                      last=last, seq=anchor.seq, first=last + 1)]
    if entry.get("hash") != anchor.hash or audit.entry_hash(entry) != anchor.hash:
        return [_("audit entry {seq} has hash {found}…, the anchor says {wanted}…: the log "
                  "was rewritten at or before entry {seq}").format(
                      seq=anchor.seq, found=str(entry.get("hash"))[:16],
                      wanted=anchor.hash[:16])]
    return []


def _what(entry: dict) -> str:
    fn = entry.get("filing_number")
    return f"{entry.get('action')} {fn}" if fn else str(entry.get("action"))
