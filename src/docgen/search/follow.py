"""The index follows the archive: a cursor on the audit log, and what changed after it.

The archive never calls the index (STYLE rule 10). Every change it makes is one line of
audit.jsonl naming the 件 it wrote (`"records": {档号: sm3 of record.json}`), so the index
keeps a cursor (the last entry it absorbed: its `seq`, `hash`, and where its line sits in the
file) and reads only what follows it. The cursor is written after the index commit that
absorbed the entries: a kill between the two re-indexes a few 件 again, which is harmless.

    cur = read_cursor(index_dir)        # None: never synced (or deleted with the index)
    is_current(archive, cur)            # one small read, no lock: the common case
    changes = changes_after(archive, cur)   # None: the log was rewritten or restored
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from docgen._files import write_atomic
from docgen.archive import audit, txn

CURSOR_NAME = "cursor.json"
LOCK_NAME = ".follow.lock"  # one catch-up or rebuild at a time (Whoosh skips dot-names)


@dataclass(frozen=True)
class Cursor:
    """The last audit entry the index absorbed, and where its line is in audit.jsonl."""

    seq: int
    hash: str
    offset: int  # byte offset of the entry's line
    end: int  # byte offset just past it: where the next entry starts


@dataclass
class Changes:
    """What the audit log holds after a cursor."""

    cursor: Cursor  # the new cursor: the last entry whose change is in place on disk
    numbers: list[str] = field(default_factory=list)  # 档号 to index again, in log order
    seqs: list[int] = field(default_factory=list)  # seq of each entry that changed 件


def read_cursor(index_dir: Path) -> Cursor | None:
    try:
        data = json.loads((Path(index_dir) / CURSOR_NAME).read_text(encoding="utf-8"))
        return Cursor(int(data["seq"]), str(data["hash"]), int(data["offset"]),
                      int(data["end"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_cursor(index_dir: Path, cursor: Cursor | None) -> None:
    path = Path(index_dir) / CURSOR_NAME
    if cursor is None:
        path.unlink(missing_ok=True)
        return
    write_atomic(path, json.dumps(asdict(cursor)).encode())


def _entry_at(f, cursor: Cursor) -> bool:
    """True when the cursor's entry is still where the cursor says (the log not rewritten)."""
    f.seek(cursor.offset)
    line = f.read(cursor.end - cursor.offset)
    try:
        entry = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False
    return (line.endswith(b"\n") and isinstance(entry, dict) and entry.get("seq") == cursor.seq
            and entry.get("hash") == cursor.hash)


def is_current(archive, cursor: Cursor) -> bool:
    """True when nothing complete follows the cursor's entry in the log."""
    try:
        with open(archive.audit_path, "rb") as f:
            if not _entry_at(f, cursor):
                return False
            rest = f.read(1 << 16)
    except OSError:
        return False
    return b"\n" not in rest  # a half-written last line is not an entry yet


def changes_after(archive, cursor: Cursor) -> Changes | None:
    """The 件 changed by entries after `cursor`, up to the first change not yet in place.

    A change is in place once its staging folder is gone (txn.py moves the pieces, then
    removes it); only the log's last entry can be staged, by a filer still at work or killed
    (the next filing or `docgen verify` finishes it). None when the cursor's entry is gone.
    """
    out = Changes(cursor)
    with open(archive.audit_path, "rb") as f:
        if not _entry_at(f, cursor):
            return None
        pos = cursor.end
        for line in f:
            if not line.endswith(b"\n"):
                break  # half-written
            start, pos = pos, pos + len(line)
            try:
                entry = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue  # `docgen verify` names it
            if not isinstance(entry, dict) or not isinstance(entry.get("seq"), int):
                continue
            changed = entry.get("records") or {}
            if changed and _staged(archive, entry):
                break
            for number in changed:
                out.numbers.append(number)
            if changed:
                out.seqs.append(entry["seq"])
            out.cursor = Cursor(entry["seq"], str(entry.get("hash")), start, pos)
    return out


def head(archive) -> tuple[Cursor | None, list[int]]:
    """The cursor for an index made from the whole archive now, and the seq of every entry
    that changed 件 up to it. Read before the records: the index then holds at least that."""
    cursor, seqs, pos = None, [], 0
    try:
        f = open(archive.audit_path, "rb")
    except FileNotFoundError:
        return None, []
    with f:
        for line in f:
            if not line.endswith(b"\n"):
                break
            start, pos = pos, pos + len(line)
            try:
                entry = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("seq"), int):
                continue
            if entry.get("records"):
                if _staged(archive, entry):
                    break
                seqs.append(entry["seq"])
            cursor = Cursor(entry["seq"], str(entry.get("hash")), start, pos)
    return cursor, seqs


class Filing:
    """A filing command at work, from before its first filing to its catch-up.

    `seq` is the log's last entry before it filed: later entries are its own (or another
    filer's), not something left behind. It holds a shared lock on the index folder, so a
    catch-up in another process can tell that a filer is still at work (`others_filing`) and
    say nothing of changes that filer is about to index itself. A killed filer's lock is
    released by the kernel: its changes then count as left behind. No file is written.
    """

    def __init__(self, archive, index_dir: Path):
        self.seq = last_seq(archive)
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        self._fd = os.open(index_dir, os.O_RDONLY | os.O_DIRECTORY)
        fcntl.flock(self._fd, fcntl.LOCK_SH)

    def done(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def last_seq(archive) -> int:
    """The seq of the log's last entry; 0 when there is none (or it is damaged)."""
    try:
        entry = audit.last_entry(archive.audit_path)
    except Exception:  # noqa: BLE001 - a damaged tail: verify's business
        return 0
    return entry["seq"] if entry else 0


def others_filing(index_dir: Path) -> bool:
    """True while a filing command in another process holds its Filing lock."""
    try:
        fd = os.open(index_dir, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def _open_lock(index_dir: Path, name: str) -> int:
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    return os.open(Path(index_dir) / name, os.O_RDWR | os.O_CREAT, 0o644)


def _staged(archive, entry: dict) -> bool:
    name = entry.get("txn")
    return bool(name) and (Path(archive.root) / txn.TMP / str(name)).exists()


@contextlib.contextmanager
def locked(index_dir: Path, wait: float):
    """Hold the index's follow lock (one catch-up or rebuild at a time); TimeoutError after
    `wait` seconds. A killed holder's lock is released by the kernel."""
    fd = _open_lock(index_dir, LOCK_NAME)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise TimeoutError from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)
