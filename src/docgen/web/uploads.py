"""Uploaded files: size limits and content sniffing (a file is what its suffix says, or refused)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docgen.errors import BadInput
from docgen.forms import MAX_FORM_BYTES
from docgen.i18n import _
from docgen.vocab import FORM_SUFFIXES, IMPORT_SUFFIXES

MAX_IMPORT_BYTES = 50 * 1024 * 1024  # a scanned 件 of a few dozen pages
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97 (.doc, .wps)


class UploadRefused(BadInput):
    """An upload that is too big, of a kind not accepted, or not what its name says (HTTP 4xx)."""

    def __init__(self, message: str, status: int = 415):
        super().__init__(message)
        self.status = status


def safe_name(filename: str | None, accepted: tuple[str, ...]) -> tuple[str, str]:
    """(a harmless file name, its suffix) from the browser's name; only `accepted` suffixes."""
    name = Path((filename or "").replace("\\", "/")).name.strip()
    suffix = Path(name).suffix.lower()
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


def sniff_form(data: bytes, filename: str | None) -> str:
    """The suffix of an uploaded form file (YAML, JSON, TOML) whose bytes are UTF-8 text."""
    _name, suffix = safe_name(filename, FORM_SUFFIXES)
    check_size(data, MAX_FORM_BYTES)
    if b"\x00" in data[:4096] or not _is_utf8(data):
        raise UploadRefused(_("{suffix} 表单文件应为 UTF-8 文本，此文件内容不是文本").format(
            suffix=suffix))
    return suffix


def sniff_import(data: bytes, filename: str | None, limit: int = MAX_IMPORT_BYTES) -> str:
    """A harmless name for an uploaded PDF or Word file whose bytes match its suffix."""
    name, suffix = safe_name(filename, IMPORT_SUFFIXES)
    check_size(data, limit)
    if not _looks_like(data, suffix):
        raise UploadRefused(_("文件内容与扩展名 {suffix} 不符：请上传真正的 {suffix} 文件").format(
            suffix=suffix))
    return name


def _looks_like(data: bytes, suffix: str) -> bool:
    if suffix == ".pdf":
        return data[:1024].lstrip().startswith(b"%PDF-")
    if suffix in (".doc", ".wps"):
        return data.startswith(OLE)
    if suffix == ".rtf":
        return data.startswith(b"{\\rtf")
    if suffix in (".docx", ".odt"):
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
                if suffix == ".docx":
                    return "word/document.xml" in names
                return "mimetype" in names and z.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.text")
        except (zipfile.BadZipFile, KeyError, OSError):
            return False
    return False


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True
