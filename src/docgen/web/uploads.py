"""Uploaded files: a harmless name, size limits, then the checks `docgen import` and `docgen form
check` run on a file (docgen.scan.inputs, docgen.forms), so the page refuses what the command
line refuses, in the same words, before any work is started.

The suffixes accepted and refused (with what to do instead) are docgen.vocab's.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from docgen.errors import BadInput, DocgenError
from docgen.forms import MAX_FORM_BYTES
from docgen.i18n import _, cli_gettext
from docgen.vocab import (FORM_SUFFIXES, IMPORT_SUFFIXES, REFUSED_FORM_SUFFIXES,
                          REFUSED_SUFFIXES, WORD_SUFFIXES)
from docgen.xlsx_forms import MAX_XLSX_BYTES

MAX_IMPORT_BYTES = 50 * 1024 * 1024  # a scanned 件 of a few dozen pages
MAX_IMPORT_FILES = 50  # the pages of one 件, scanned one image each


class UploadRefused(BadInput):
    """An upload that is too big, of a kind not accepted, or not what its name says (HTTP 4xx)."""

    def __init__(self, message: str, details=None, status: int = 415):
        super().__init__(message, details)
        self.status = status


def safe_name(filename: str | None, accepted: tuple[str, ...],
              refused: dict[str, str]) -> tuple[str, str]:
    """(a harmless file name, its suffix) from the browser's name; only `accepted` suffixes,
    the `refused` ones with what to do instead."""
    name = Path((filename or "").replace("\\", "/")).name.strip()
    suffix = Path(name).suffix.lower()
    if suffix in refused:
        raise UploadRefused(f"{name}: {cli_gettext(refused[suffix])}")
    if suffix not in accepted:
        raise UploadRefused(_("不接受此类文件（{suffix}）：请上传 {accepted} 文件").format(
            suffix=suffix or _("无扩展名"), accepted=" ".join(accepted)))
    stem = "".join(c for c in Path(name).stem if c.isalnum() or c in "-_·（）() ")[:80].strip()
    return f"{stem or 'upload'}{suffix}", suffix


def check_size(data: bytes, limit: int) -> None:
    if len(data) > limit:
        raise UploadRefused(_("文件过大（{size:.1f} MB），上限 {limit:.0f} MB").format(
            size=len(data) / 1e6, limit=limit / 1e6), status=413)
    if not data:
        raise UploadRefused(_("文件是空的"), status=400)


def save_import(uploads: list[tuple[str | None, bytes]], folder: Path,
                limit: int = MAX_IMPORT_BYTES) -> list[Path]:
    """Each (browser's name, bytes) saved in `folder` under a harmless name and checked as
    `docgen import` checks its files (docgen.scan.inputs: the content is what the suffix
    says, an image decodes and is not a decompression bomb, a PDF opens and is complete);
    UploadRefused naming every refused file, with nothing left behind."""
    from docgen.scan.inputs import check

    if len(uploads) > MAX_IMPORT_FILES:
        raise UploadRefused(_("一次最多导入 {n} 个文件").format(n=MAX_IMPORT_FILES), status=400)
    words = [n for n, _data in uploads if Path(n or "").suffix.lower() in WORD_SUFFIXES]
    if words and len(uploads) > 1:  # the pages of one 件 are scans and PDFs (--one-item)
        raise UploadRefused(_("多个文件合为一件时只接受扫描图像和 PDF；Word 文件（{names}）"
                              "请单独导入").format(names="、".join(words)), status=400)
    saved, problems = [], []
    for filename, data in uploads:
        name, _suffix = safe_name(filename, IMPORT_SUFFIXES, REFUSED_SUFFIXES)
        check_size(data, limit)
        path = _unique(folder / name, saved)
        path.write_bytes(data)
        saved.append(path)
        try:
            check(path)
        except BadInput as e:
            problems.append(e.message.replace(str(path), path.name))
    if problems:
        for p in saved:
            p.unlink(missing_ok=True)
        raise UploadRefused(problems[0] if len(problems) == 1 else
                            _("{n} 个文件未通过检查，均未导入").format(n=len(problems)),
                            problems if len(problems) > 1 else None)
    return saved


def _unique(path: Path, taken: list[Path]) -> Path:
    """Two pages both named scan.jpg stay two files."""
    n = 1
    candidate = path
    while candidate in taken:
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def read_form(data: bytes, filename: str | None, folder: Path):
    """(plain data, field locations, the name problems are shown under) of an uploaded form
    file (YAML, JSON, TOML or .xlsx), read by docgen.forms.read_data as `docgen form check`
    reads it; its problems are located as the command line locates them (LINE, or
    SHEET!C7 in a workbook), under the name the clerk uploaded."""
    from docgen.forms import read_data

    name, suffix = safe_name(filename, FORM_SUFFIXES, REFUSED_FORM_SUFFIXES)
    check_size(data, MAX_XLSX_BYTES if suffix == ".xlsx" else MAX_FORM_BYTES)
    shown = Path((filename or "").replace("\\", "/")).name.strip() or name
    path = folder / name
    path.write_bytes(data)
    try:
        found, positions = read_data(path)
    except BadInput as e:  # the wrong kind of file (an .xlsx that is no workbook, …)
        raise UploadRefused(*_renamed(e, path, shown)) from None
    except DocgenError as e:
        raise type(e)(*_renamed(e, path, shown)) from None
    finally:
        path.unlink(missing_ok=True)
    return found, positions, shown


def _renamed_problems(problems, path_text: str, shown: str) -> list:
    """The problems with the server's file path replaced by the name the clerk knows."""
    return [dataclasses.replace(p, file=shown) if getattr(p, "file", None) == path_text else p
            for p in problems]


def _renamed(e: DocgenError, path: Path, shown: str) -> tuple[str, list]:
    return e.message.replace(str(path), shown), _renamed_problems(e.details, str(path), shown)
