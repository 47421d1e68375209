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
    raise ArchiveError(f"{path}: the last audit entry is damaged, so nothing can be chained to "
                       "it — run `docgen verify` and restore the log from a backup")


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


def repair_torn_tail(path: Path) -> bool:
    """Drop a last line cut short by a crash (no newline); True when something was dropped."""
    try:
        with open(path, "rb+") as f:
            end = f.seek(0, os.SEEK_END)
            if end == 0:
                return False
            f.seek(end - 1)
            if f.read(1) == b"\n":
                return False
            f.seek(0)
            data = f.read()
            f.truncate(data.rfind(b"\n") + 1)
            os.fsync(f.fileno())
            return True
    except FileNotFoundError:
        return False


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


def chain_problems(path: Path) -> list[tuple[int, str]]:
    """(line, what) for every break in the chain: bad line, wrong hash, wrong link, wrong seq."""
    found = []
    prev, seq = GENESIS, 0
    for no, entry, raw in read(path):
        if entry is None:
            found.append((no, "is not a JSON object (edited or damaged)"))
            continue
        seq += 1
        if entry.get("hash") != entry_hash(entry):
            found.append((no, f"entry {entry.get('seq')} does not match its own hash "
                              "(edited after it was written)"))
        if entry.get("prev") != prev:
            found.append((no, f"entry {entry.get('seq')} does not link to the entry before it "
                              "(an entry was removed, inserted or reordered)"))
        if entry.get("seq") != seq:
            found.append((no, f"entry number {entry.get('seq')} where {seq} was expected"))
            seq = entry.get("seq") if isinstance(entry.get("seq"), int) else seq
        prev = entry.get("hash")
    return found
