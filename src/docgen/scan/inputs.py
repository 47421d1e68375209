"""What a file handed to import really is: sniffed from its first bytes, checked before any work.

Every refusal is one line naming the file, what is wrong and what to do; `check_all` collects
them all and raises one BadInput (exit 10) before anything is converted or filed.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import BadInput
from docgen.i18n import N_
from docgen.i18n import cli_gettext as _

# the formats docgen.scan accepts, by suffix, and what their content must be
IMAGE_SUFFIXES = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".tif": "tiff",
                  ".tiff": "tiff"}
OFFICE_SUFFIXES = {".doc": ("ole",), ".docx": ("zip",), ".odt": ("zip",),
                   ".wps": ("ole", "zip"), ".rtf": ("rtf",)}
SUFFIXES = (".pdf", *IMAGE_SUFFIXES, *OFFICE_SUFFIXES)
NAMES = {"pdf": N_("a PDF"), "jpeg": N_("a JPEG image"), "png": N_("a PNG image"),
         "tiff": N_("a TIFF image"), "ole": N_("a Word 97-2003/WPS file"),
         "zip": N_("a zip (.docx/.odt) file"), "rtf": N_("an RTF file"),
         "unknown": N_("of no format docgen knows")}
TAIL = 1024  # a complete PDF ends with %%EOF within its last KiB


@dataclass(frozen=True)
class Input:
    """One checked input file: its kind ('pdf', 'image', 'office') and what was learnt."""

    path: Path
    kind: str
    format: str  # pdf, jpeg, png, tiff, ole, zip, rtf
    pages: int = 0  # PDF pages or image frames; 0 for office files (known after conversion)
    dpi: tuple[float, float] | None = None  # images: the resolution the file states
    mode: str | None = None  # images: Pillow's colour mode (1, L, RGB, CMYK, P…)


def sniff(head: bytes) -> str:
    """The format the first bytes of a file say it is."""
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return "tiff"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    return "unknown"


def check_all(paths: list[Path]) -> list[Input]:
    """Each path checked; BadInput listing every refused file (one line each) if any is."""
    found, problems = [], []
    for p in paths:
        try:
            found.append(check(Path(p)))
        except BadInput as e:
            problems.append(e.message)
    if len(problems) == 1:
        raise BadInput(problems[0])
    if problems:
        raise BadInput(_("{refused} of {count} file(s) refused; nothing was filed").format(
            refused=len(problems), count=len(paths)), problems)
    return found


_PASSWORD = N_("{path}: the PDF is protected by a password — remove the password first (open "
               "it, save or print a copy without one)")


def check(path: Path) -> Input:
    """One input, checked from its header (and, for images, decoded once)."""
    if not path.is_file():
        raise BadInput(_("{path}: no such file — check the path").format(path=path))
    size = path.stat().st_size
    if size == 0:
        raise BadInput(_("{path}: the file is empty (0 bytes) — copy it again from its source")
                       .format(path=path))
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadInput(_("{path}: {suffix} is not a format docgen can make PDF/A from; "
                         "accepted: {accepted}").format(path=path, suffix=suffix or _("no suffix"),
                                                        accepted=", ".join(SUFFIXES)))
    with open(path, "rb") as f:
        head = f.read(1024)
        f.seek(max(0, size - TAIL))
        tail = f.read()
    fmt = sniff(head)
    expected = ("pdf",) if suffix == ".pdf" else (
        (IMAGE_SUFFIXES[suffix],) if suffix in IMAGE_SUFFIXES else OFFICE_SUFFIXES[suffix])
    if fmt not in expected:
        raise BadInput(_("{path}: the name says {suffix} but the content is {content} — rename "
                         "it to its real format, or export it again").format(
                             path=path, suffix=suffix, content=_(NAMES[fmt])))
    if fmt == "pdf":
        return _check_pdf(path, tail)
    if suffix in IMAGE_SUFFIXES:
        return _check_image(path, fmt)
    return Input(path, "office", fmt)


def _check_pdf(path: Path, tail: bytes) -> Input:
    import pikepdf

    if b"%%EOF" not in tail:
        raise BadInput(_("{path}: the PDF is truncated (it does not end with %%EOF) — copy or "
                         "download the complete file again").format(path=path))
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise BadInput(_(_PASSWORD).format(path=path))
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise BadInput(_(_PASSWORD).format(path=path)) from None
    except pikepdf.PdfError as e:
        raise BadInput(_("{path}: the PDF does not open ({problem}) — get an undamaged copy")
                       .format(path=path, problem=_first_line(e))) from None
    if pages == 0:
        raise BadInput(_("{path}: the PDF has no pages — nothing to file").format(path=path))
    return Input(path, "pdf", "pdf", pages)


def _check_image(path: Path, fmt: str) -> Input:
    """Size from the header first (a decompression bomb is refused undecoded), then decode."""
    from PIL import Image, ImageSequence

    limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked below
            im = Image.open(path)  # reads the header only
    except Image.DecompressionBombError as e:  # over twice the limit: Pillow's own refusal
        said = re.search(r"\((\d+) pixels\)", str(e))
        size = _("{pixels:,} pixels, ").format(pixels=int(said.group(1))) if said else ""
        raise BadInput(_("{path}: the image is too large to decode safely ({size}over {limit:,}) "
                         "— scan at 300 dpi, or split it").format(path=path, size=size,
                                                                 limit=limit)) from None
    except Exception as e:  # noqa: BLE001 - Pillow raises many kinds on a bad header
        raise BadInput(_("{path}: the image does not open ({problem}) — export or scan it again")
                       .format(path=path, problem=_first_line(e))) from None
    with im:
        w, h = im.size
        if limit and w * h > limit:
            raise BadInput(_("{path}: the image is too large to decode safely ({width}×{height} "
                             "pixels, over {limit:,}) — scan at 300 dpi, or split it").format(
                                 path=path, width=w, height=h, limit=limit))
        dpi, mode = _dpi(im), im.mode
        frames = 0
        try:
            for frame in ImageSequence.Iterator(im):
                fw, fh = frame.size
                if limit and fw * fh > limit:
                    raise BadInput(_("{path}: page {page} of the image is too large to decode "
                                     "safely ({width}×{height} pixels)").format(
                                         path=path, page=frames + 1, width=fw, height=fh))
                frame.load()
                frames += 1
        except BadInput:
            raise
        except Exception as e:  # noqa: BLE001 - truncated data, unknown compression, …
            where = (_("page {page} of the image").format(page=frames + 1) if fmt == "tiff"
                     else _("the image"))
            raise BadInput(_("{path}: {where} does not decode ({problem}) — export or scan it "
                             "again").format(path=path, where=where, problem=_first_line(e))) \
                from None
    return Input(path, "image", fmt, frames, dpi, mode)


def _dpi(im) -> tuple[float, float] | None:
    dpi = im.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        return None
    # PNG stores pixels per metre: 200 dpi reads back as 199.9996
    return (round(x, 1), round(y, 1)) if x > 1 and y > 1 else None


def _first_line(e: Exception) -> str:
    text = str(e).strip() or type(e).__name__
    return text.splitlines()[0][:200]
