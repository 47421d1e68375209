"""The audit log: append-only JSON lines, each carrying the SM3 of the one before it.

Every action that changes the archive writes one entry, and the entry is the commit point:
what it names (a record.json's digest, the settings' digest) is what verify expects on disk.
"""

from __future__ import annotations

import getpass
import json
import os
from pathlib import Path

from docgen.archive import digests
from docgen.errors import ArchiveError
from docgen.i18n import cli_gettext as _

AUDIT_NAME = "audit.jsonl"
GENESIS = "0" * 64


def canonical(entry: dict) -> bytes:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(entry: dict) -> str:
    return digests.sm3(canonical(entry)).hexdigest()


def who(by: str | None) -> str:
    """Who acts: --by when given, else the OS user."""
    if by and by.strip():
        return by.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid:{os.getuid()}"


def last_entry(path: Path) -> dict | None:
    """The final complete entry, read from the end of the file."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            end = f.tell()
            pos, tail = end, b""
            while pos > 0 and tail.count(b"\n") < 2:
                step = min(8192, pos)
                pos -= step
                f.seek(pos)
                tail = f.read(step) + tail
    except FileNotFoundError:
        return None
    lines = [ln for ln in tail.split(b"\n") if ln.strip()]
    if not lines:
        return None
    try:
        entry = json.loads(lines[-1])
        if isinstance(entry, dict) and isinstance(entry.get("seq"), int) and entry.get("hash"):
            return entry
    except (ValueError, RecursionError):
        pass
    raise ArchiveError(_("{path}: the last audit entry is damaged, so nothing can be chained "
                         "to it — run `docgen verify` and restore the log from a backup").format(
                             path=path))


def append(path: Path, entry: dict) -> dict:
    """Chain `entry` to the last one, write it as one line, fsync; return it as written.

    The caller holds the archive lock.
    """
    last = last_entry(path)
    entry = dict(entry)
    entry["seq"] = (last["seq"] + 1) if last else 1
    entry["prev"] = last["hash"] if last else GENESIS
    entry["hash"] = entry_hash(entry)
    line = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))  # one write: a kill leaves the whole line or none
        os.fsync(fd)
    finally:
        os.close(fd)
    return entry


def torn_tail(path: Path) -> tuple[int, bool] | None:
    """The log's last line when it lacks its final newline: (its line number, whether it is a
    whole entry chained to the one before). None when the log ends in a newline, or is empty.

    `append` writes each entry and its newline in one write, so a line without one was cut by a
    crash or by hand; the next holder of the lock repairs it (`repair_torn_tail`)."""
    try:
        with open(path, "rb") as f:
            end = f.seek(0, os.SEEK_END)
            if end == 0:
                return None
            f.seek(end - 1)
            if f.read(1) == b"\n":
                return None
            f.seek(0)
            data = f.read()  # only when torn: every filing looks at the last byte alone
    except FileNotFoundError:
        return None
    return data.count(b"\n") + 1, _whole_entry(data)


def _whole_entry(data: bytes) -> bool:
    """Whether the log's unterminated last line is an entry chained to the one before it."""
    head, __, tail = data.rpartition(b"\n")
    try:
        entry = json.loads(tail)
        before = json.loads(head.rsplit(b"\n", 1)[-1]) if head else None
    except (ValueError, RecursionError):
        return False
    if not isinstance(entry, dict) or entry.get("hash") != entry_hash(entry):
        return False
    if before is None:
        return entry.get("prev") == GENESIS and entry.get("seq") == 1
    return (isinstance(before, dict) and entry.get("prev") == before.get("hash")
            and isinstance(before.get("seq"), int) and entry.get("seq") == before["seq"] + 1)


def repair_torn_tail(path: Path) -> str | None:
    """Repair a last line without its newline; say what was done (None: nothing to repair).

    A line cut short by a crash is dropped: its change was never committed. A whole entry that
    only lacks the newline (a write cut at its last byte, or an edit) is completed: it chains
    to the log, so what it commits stands."""
    torn = torn_tail(path)
    if torn is None:
        return None
    with open(path, "rb+") as f:
        data = f.read()
        if torn[1]:
            f.seek(0, os.SEEK_END)
            f.write(b"\n")
            done = "completed the last audit line (it lacked its newline)"
        else:
            f.truncate(data.rfind(b"\n") + 1)
            done = "dropped a half-written audit line"
        f.flush()
        os.fsync(f.fileno())
    return done


def read(path: Path):
    """Yield (line number, entry or None when unparsable, raw line) for every line."""
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        return
    with f:
        for no, raw in enumerate(f, 1):
            try:
                entry = json.loads(raw)
                if not isinstance(entry, dict):
                    entry = None
            except (ValueError, RecursionError):  # not JSON, not UTF-8, nested past the stack
                entry = None
            yield no, entry, raw


def chain_problems(path: Path) -> list[tuple[int, str, str]]:
    """(line, code, what) for every break in the chain: bad line (`audit-line`), wrong hash
    (`audit-hash`), wrong link (`audit-link`), wrong seq (`audit-seq`)."""
    found = []
    prev, seq = GENESIS, 0
    for no, entry, raw in read(path):
        if entry is None:
            found.append((no, "audit-line", _("is not a JSON object (edited or damaged)")))
            continue
        seq += 1
        if entry.get("hash") != entry_hash(entry):
            found.append((no, "audit-hash", _("entry {seq} does not match its own hash (edited "
                                              "after it was written)").format(
                                                  seq=entry.get("seq"))))
        if entry.get("prev") != prev:
            found.append((no, "audit-link", _("entry {seq} does not link to the entry before it "
                                              "(an entry was removed, inserted or "
                                              "reordered)").format(seq=entry.get("seq"))))
        if entry.get("seq") != seq:
            found.append((no, "audit-seq", _("entry number {seq} where {expected} was "
                                             "expected").format(seq=entry.get("seq"),
                                                                expected=seq)))
            seq = entry.get("seq") if isinstance(entry.get("seq"), int) else seq
        prev = entry.get("hash")
    return found
