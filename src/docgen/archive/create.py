"""Creating an archive: settings, records/, index/, and the audit log's first entry."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from docgen._files import fsync_dir, make_dir, write_atomic
from docgen.archive import audit, digests
from docgen.archive import settings as settings_mod
from docgen.archive.intake import many
from docgen.archive.reading import INDEX, LOCK, README, RECORDS, TMP, _now
from docgen.archive.settings import Settings, Unit
from docgen.errors import ArchiveError, BadInput
from docgen.i18n import cli_gettext as _


def init_archive(root: str | Path, *, fonds_code: str, fonds_name: str,
                 units: list[tuple[str, str]], filing_office: str = "局监察科",
                 by: str | None = None, clock=None) -> Archive:
    """Create an archive: settings, records/, index/, and the audit log's first entry.

    A new folder is built beside its final name and renamed into place; in an existing empty
    folder the settings file is written last. Either way a killed init leaves no archive, and
    running init again starts over.
    """
    root = Path(root)
    if (root / settings_mod.SETTINGS_NAME).exists():
        raise ArchiveError(_("{root}: is already an archive — to change units or dates use "
                             "`docgen init --update`").format(root=root))
    if root.exists() and not root.is_dir():
        raise ArchiveError(_("{root}: is a file, not a folder — choose another path").format(
            root=root))
    if root.is_dir() and not _unfinished_init(root):
        raise ArchiveError(_("{root}: the folder is not empty — create the archive in a new "
                             "or empty folder").format(root=root))
    s = Settings(fonds_code, fonds_name, tuple(Unit(n, c) for n, c in units),
                 filing_office, {})
    problems = settings_mod.check(s)
    if problems:
        raise many(BadInput, _("cannot create the archive"), problems)
    data = settings_mod.encode(s)
    entry = {"action": "init", "by": audit.who(by),
             "time": (clock or _now)().isoformat(timespec="seconds"),
             "settings_sm3": digests.sm3(data).hexdigest()}
    if root.is_dir():
        _build_skeleton(root, entry, data)
    else:
        make_dir(root.parent, parents=True, exist_ok=True)
        stage = root.parent / f".{root.name}.init-{os.getpid()}"
        shutil.rmtree(stage, ignore_errors=True)
        try:
            make_dir(stage)
            _build_skeleton(stage, entry, data)
            os.rename(stage, root)
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        fsync_dir(root.parent)
    from docgen.archive.filing import Archive

    return Archive(root, clock=clock)


def _build_skeleton(root: Path, entry: dict, settings_data: bytes) -> None:
    os.chmod(root, 0o755)
    for sub in (RECORDS, INDEX, TMP):
        make_dir(root / sub, exist_ok=True)
    fd = os.open(root / LOCK, os.O_WRONLY | os.O_CREAT, 0o644)
    os.close(fd)
    os.chmod(root / LOCK, 0o644)
    log = root / audit.AUDIT_NAME
    log.unlink(missing_ok=True)  # the first entry of an init that was killed: start over
    audit.append(log, entry)
    write_atomic(root / settings_mod.SETTINGS_NAME, settings_data)  # last: now it is an archive


def _unfinished_init(root: Path) -> bool:
    """True when the folder is empty, or holds only what a killed init left (no settings)."""
    skeleton = {README, RECORDS, INDEX, TMP, LOCK, audit.AUDIT_NAME}
    for p in root.iterdir():
        if p.name not in skeleton:
            return False
        if p.is_dir() and any(p.iterdir()):
            return False
    return True
