"""Changes to the archive that a SIGKILL cannot leave half done.

A change is staged in `.tmp/<id>/`: new 件 folders under new/, replacement record.json files
under upd/, every file fsynced and sealed read-only. Appending its audit entry, which names
the change's id, commits it; then the pieces are moved into records/. Whoever next holds the
archive lock runs `recover`: a staged change whose entry is the log's last is finished, any
other is deleted. So a 件 is on disk whole or not at all, and no audit entry lacks its record.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from docgen._files import fsync_dir, make_dir
from docgen.archive import audit, digests, numbering, records
from docgen.archive.records import RECORD_NAME
from docgen.errors import ArchiveError

TMP = ".tmp"
RECORDS = "records"
READ_ONLY = 0o444


class Txn:
    """One change, staged until its audit entry commits it."""

    def __init__(self, root: Path, audit_path: Path):
        self.root = root
        self.audit_path = audit_path
        self.id = uuid.uuid4().hex
        self.dir = root / TMP / self.id
        make_dir(self.dir, parents=True)
        self.digests: dict[str, str] = {}  # 档号 -> SM3 of its new record.json

    def new_item(self, filing_number: str) -> Path:
        """A staging folder for a new 件; fill it, then call add_record."""
        item = self.dir / "new" / filing_number
        make_dir(item, parents=True)
        return item

    def add_record(self, item: Path, meta: dict) -> None:
        data = records.encode(meta)
        write_sealed(item / RECORD_NAME, data)
        fsync_dir(item)
        self.digests[item.name] = digests.sm3(data).hexdigest()

    def update(self, filing_number: str, meta: dict) -> None:
        """Stage a replacement record.json for a filed 件 (status, links, 业务行为)."""
        data = records.encode(meta)
        make_dir(self.dir / "upd", exist_ok=True)
        write_sealed(self.dir / "upd" / f"{filing_number}.json", data)
        self.digests[filing_number] = digests.sm3(data).hexdigest()

    def commit(self, entry: dict) -> dict:
        """Append the audit entry (the commit point), then move the pieces into place."""
        for sub in ("new", "upd"):
            if (self.dir / sub).is_dir():
                fsync_dir(self.dir / sub)
        entry = {**entry, "txn": self.id, "records": self.digests}
        try:
            written = audit.append(self.audit_path, entry)
        except BaseException:
            if _last_txn(self.audit_path) != self.id:
                rmtree(self.dir)
                raise
            written = entry  # the line is in the log: finish the change below
        apply(self.root, self.dir)
        rmtree(self.dir)
        return written

    def abort(self) -> None:
        rmtree(self.dir)


def apply(root: Path, txn_dir: Path) -> None:
    """Move a committed change's pieces into place: new 件 first, then replaced records.

    Safe to repeat after a kill: what was moved is no longer in the staging folder.
    """
    moves = []
    if (txn_dir / "new").is_dir():
        for item in sorted((txn_dir / "new").iterdir()):
            year = str(numbering.parse(item.name).year)
            moves.append((item, root / RECORDS / year / item.name))
    if (txn_dir / "upd").is_dir():
        for upd in sorted((txn_dir / "upd").iterdir()):
            moves.append((upd, records.folder_for(root, upd.stem) / RECORD_NAME))
    for src, dst in moves:
        make_dir(dst.parent, parents=True, exist_ok=True)
        os.replace(src, dst)
        fsync_dir(dst.parent)


def recover(root: Path, audit_path: Path) -> list[str]:
    """Finish the committed change a kill interrupted, delete uncommitted ones; say what.

    The caller holds the archive lock, so at most one staged change can be committed: the
    one the log's last entry names.
    """
    done = []
    repaired = audit.repair_torn_tail(audit_path)
    if repaired:
        done.append(repaired)
    tmp = root / TMP
    if not tmp.is_dir():
        return done
    staged = sorted(tmp.iterdir())
    last = _last_txn(audit_path) if staged else None
    for d in staged:
        if last == d.name:
            apply(root, d)
            done.append(f"finished {d.name}")
        else:
            done.append(f"removed unfinished {d.name}")
        rmtree(d)
    return done


def _last_txn(audit_path: Path) -> str | None:
    """The change the log's last entry commits; None when it names none or is damaged (then
    no append can have succeeded after it)."""
    try:
        return (audit.last_entry(audit_path) or {}).get("txn")
    except ArchiveError:
        return None


def seal(path: Path) -> None:
    """fsync a written file and make it read-only."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(path, READ_ONLY)


def write_sealed(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, READ_ONLY)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def rmtree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
