"""Reading an archive: open it, list its 件, read records, the audit log, status and verify.

Nothing here changes the archive (verify may finish a killed filing, under the lock, through
the filing side's `recover`). Filing is in filing.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docgen.archive import audit, numbering, records
from docgen.archive import settings as settings_mod
from docgen.archive.records import RECORD_NAME, Record
from docgen.archive.settings import Settings
from docgen.errors import ArchiveError, BadInput
from docgen.i18n import cli_gettext as _

RECORDS, INDEX, TMP, LOCK = "records", "index", ".tmp", ".lock"
README = "README.md"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).astimezone()


class ArchiveReader:
    """An archive on disk, read only: `ArchiveReader(root)` opens it (ArchiveError when root
    is not one)."""

    def __init__(self, root: str | Path, *, clock=None):
        self.root = Path(root)
        self.clock = clock or _now
        if self.root.exists() and not self.root.is_dir():
            raise ArchiveError(_("{root}: is a file, not an archive folder — point --archive "
                                 "/ DOCGEN_ARCHIVE at the archive's folder").format(
                                     root=self.root))
        if not self.root.is_dir():
            raise ArchiveError(_("{root}: no archive there (the folder does not exist) — "
                                 "create one with `docgen init {root}`, or point --archive / "
                                 "DOCGEN_ARCHIVE at an existing archive").format(root=self.root))
        self.settings: Settings = settings_mod.load(self.root)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r})"

    @property
    def audit_path(self) -> Path:
        return self.root / audit.AUDIT_NAME

    def audit_entries(self):
        """Every audit entry in order (unparsable lines are skipped; verify names them)."""
        for __, entry, ___ in audit.read(self.audit_path):
            if entry is not None:
                yield entry

    def audit_head(self) -> dict | None:
        """The log's last entry ({"seq", "hash", …}); None for an empty log."""
        return audit.last_entry(self.audit_path)

    def record_dirs(self, year: int | None = None) -> list[tuple[numbering.FilingNumber, Path]]:
        """(档号, folder) of every 件 folder on disk, in 档号 order."""
        base = self.root / RECORDS
        if year is not None:
            years = [base / str(year)]
        else:
            years = sorted(base.iterdir()) if base.is_dir() else []
        out = []
        for ydir in years:
            if not ydir.is_dir():
                continue
            for d in ydir.iterdir():
                try:
                    out.append((numbering.parse(d.name), d))
                except ValueError:
                    continue
        return sorted(out)

    def records(self, year: int | None = None):
        """Every 件 in 档号 order, all statuses."""
        for __, folder in self.record_dirs(year):
            yield self._load(folder)

    def record(self, filing_number: str) -> Record:
        """One 件 by its 档号; BadInput for a malformed 档号, ArchiveError when absent."""
        try:
            folder = records.folder_for(self.root, filing_number)
        except ValueError as e:
            raise BadInput(str(e)) from None
        if not (folder / RECORD_NAME).is_file():
            raise ArchiveError(_("no 件 {number} in {root} — check the 档号; `docgen status` "
                                 "lists what is filed").format(number=filing_number,
                                                               root=self.root))
        return self._load(folder)

    def _load(self, folder: Path) -> Record:
        try:
            return records.load(folder)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise ArchiveError(_("{path}: cannot read the record ({error}) — run `docgen "
                                 "verify` for the full picture").format(
                                     path=folder / RECORD_NAME, error=e)) from None

    def status(self, year: int | None = None, *, unit: str | None = None, today=None):
        """What the campaign calendar requires of each unit in `year`, and its state."""
        from docgen.archive.status import status

        return status(self, year, unit=unit, today=today)
