"""Writing files so a crash leaves the old bytes or the new, never half."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write a file by temp + fsync + rename, so readers see the old or the new, never half."""
    with replacing(path, mode) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)


@contextlib.contextmanager
def replacing(path: Path, mode: int = 0o644):
    """Yield a temporary path beside `path` for a library to save to (python-docx,
    openpyxl); on success it is fsynced, given `mode` and renamed over `path`, on failure
    removed. Readers see the old file or the new, never half of one."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        yield tmp
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


DIR_MODE = 0o755


def make_dir(path: Path, mode: int = DIR_MODE, *, parents: bool = False,
             exist_ok: bool = False) -> Path:
    """mkdir with an explicit mode, whatever the umask (umask 000 must not make it 0777)."""
    path = Path(path)
    if parents and not path.parent.is_dir():
        make_dir(path.parent, mode, parents=True, exist_ok=True)
    try:
        path.mkdir(mode)
    except FileExistsError:
        if not (exist_ok and path.is_dir()):
            raise
        return path
    os.chmod(path, mode)
    return path


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
