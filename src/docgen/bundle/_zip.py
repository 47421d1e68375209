"""Deterministic zips: sorted entries, one fixed timestamp, fixed permissions, atomic rename.

Two runs over the same files with the same clock give the same bytes: nothing of the disk
(mtime, mode, owner, directory order) reaches the zip.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

from docgen._files import fsync_dir

FILE_MODE = 0o100644  # a regular file, rw-r--r--, whatever the source's mode
UNIX = 3  # ZipInfo.create_system: the external attributes are Unix modes
CHUNK = 1 << 20
# already compressed: deflating them again costs time and gains nothing
STORED_SUFFIXES = (".pdf", ".docx", ".xlsx", ".zip", ".jpg", ".jpeg", ".png", ".ofd")


def date_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """A zip timestamp (local wall time of `when`, whole seconds, not before 1980)."""
    t = max(when.replace(tzinfo=None), dt.datetime(1980, 1, 1))
    return (t.year, t.month, t.day, t.hour, t.minute, t.second)


def zip_info(name: str, when: tuple, size: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.create_system = UNIX
    info.external_attr = FILE_MODE << 16
    info.compress_type = (zipfile.ZIP_STORED if name.lower().endswith(STORED_SUFFIXES)
                          else zipfile.ZIP_DEFLATED)
    info.file_size = size
    return info


def write_tree(src: Path, out: Path, *, prefix: str, when: tuple, on_entry=None) -> int:
    """Zip every file under `src` as `prefix/relative/path`, sorted, into `out`, atomically.

    Written to a hidden temp name beside `out`, fsynced, then renamed: an interruption
    leaves no file under the final name and no temp file. `on_entry(name)` is called before
    each entry (tests use it to fail midway). Returns the zip's size in bytes.
    """
    names = sorted(p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file())
    tmp = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        with open(tmp, "wb") as f:
            with zipfile.ZipFile(f, "w", allowZip64=True) as zf:
                for rel in names:
                    if on_entry is not None:
                        on_entry(rel)
                    path = src / rel
                    info = zip_info(f"{prefix}/{rel}", when, path.stat().st_size)
                    with open(path, "rb") as fin, zf.open(info, "w") as fout:
                        while chunk := fin.read(CHUNK):
                            fout.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(out.parent)
    return out.stat().st_size


def fixed_time_zip(buffer: io.BytesIO, when: tuple) -> zipfile.ZipFile:
    """A ZipFile whose writestr(name, ...) stamps `when` instead of the current time.

    openpyxl writes an .xlsx through writestr with bare names; this keeps it reproducible.
    """

    class _Fixed(zipfile.ZipFile):
        def writestr(self, name, data, compress_type=None, compresslevel=None):
            if not isinstance(name, zipfile.ZipInfo):
                info = zipfile.ZipInfo(name, date_time=when)
                info.create_system = UNIX
                info.external_attr = FILE_MODE << 16
                info.compress_type = self.compression
                name = info
            super().writestr(name, data, compress_type, compresslevel)

        def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
            # worksheets come from a temp file: its mtime must not reach the zip
            with open(filename, "rb") as f:
                self.writestr(arcname or os.path.basename(filename), f.read(), compress_type,
                              compresslevel)

    return _Fixed(buffer, "w", zipfile.ZIP_DEFLATED)
