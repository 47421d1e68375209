"""归档章: the filing stamp on a PDF's first page (DA/T 22-2015), drawn with an embedded font.

Six cells, red, about 45 × 16 mm, top centre, in the band above GB/T 9704's 37 mm top margin:

    全宗号       | 年度     | 件号
    机构（问题）  | 保管期限 | 页数

The overlay is made by reportlab with a TrueType CJK font that it subsets and embeds (a CFF
font such as FandolSong cannot be embedded by reportlab, and an unembedded STSong-Light would
break PDF/A), then merged into the page with pikepdf, which keeps the PDF/A metadata untouched.
"""

from __future__ import annotations

import functools
import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

from docgen import _run
from docgen.convert import pdfa
from docgen.errors import ArchiveError
from docgen.i18n import cli_gettext as _

MM = 72 / 25.4
WIDTH_MM, HEIGHT_MM = 45, 16
TOP_MM = 8  # from the page's top edge: the stamp sits 8-24 mm, well clear of the 37 mm margin
RED = (0.8, 0.0, 0.0)
FONT_NAME = "DocgenStampSong"
# TrueType-outline CJK fonts (reportlab embeds only these), most likely first
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",  # AR PL SungtiL GB (宋体)
    "/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf",  # AR PL KaitiM GB (楷体)
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
RETENTION_SHORT = {"Y": "永久", "D30": "30年", "D10": "10年"}


@dataclass(frozen=True)
class StampCells:
    fonds: str  # 全宗号
    year: int  # 年度
    item: int  # 件号
    unit_code: str  # 机构（问题）
    retention_code: str  # 保管期限
    pages: int  # 页数

    def rows(self) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
        return ((self.fonds, str(self.year), f"{self.item:04d}"),
                (self.unit_code, RETENTION_SHORT.get(self.retention_code, self.retention_code),
                 str(self.pages)))


@functools.cache
def font_path() -> str:
    """The first TrueType CJK font found; ArchiveError with the package to install if none."""
    for p in FONT_CANDIDATES:
        if Path(p).is_file():
            return p
    try:
        out = _run.run(["fc-list", ":lang=zh:fontformat=TrueType", "file"],
                       timeout=20).stdout.decode(errors="replace")
    except (OSError, subprocess.SubprocessError):
        out = ""
    for line in sorted(out.splitlines()):
        p = line.split(":")[0].strip()
        if p.endswith((".ttf", ".ttc")):
            return p
    raise ArchiveError(_("no TrueType Chinese font to draw the 归档章 with — install one: "
                         "apt-get install fonts-arphic-gbsn00lp"))


@functools.cache
def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(FONT_NAME, font_path()))
    return FONT_NAME


def overlay(width: float, height: float, cells: StampCells,
            spot: tuple[float, float] | None = None) -> bytes:
    """A one-page PDF of the page's size holding only the stamp, its top-left at `spot`
    (points from the page's left and top edges; default: top centre, 8 mm down)."""
    from reportlab.pdfgen import canvas

    font = _register_font()
    buf = io.BytesIO()
    # initialFontName: otherwise reportlab lists an unembedded Helvetica in the resources
    c = canvas.Canvas(buf, pagesize=(width, height), initialFontName=font, initialFontSize=9,
                      pageCompression=1, invariant=1)
    w, h = WIDTH_MM * MM, HEIGHT_MM * MM
    left, top = spot or ((width - w) / 2, TOP_MM * MM)
    x, y = left, height - top - h
    c.setStrokeColorRGB(*RED)
    c.setFillColorRGB(*RED)
    c.setLineWidth(0.8)
    c.rect(x, y, w, h)
    c.line(x, y + h / 2, x + w, y + h / 2)
    for i in (1, 2):
        c.line(x + i * w / 3, y, x + i * w / 3, y + h)
    for r, row in enumerate(cells.rows()):
        for i, text in enumerate(row):
            size = 9.0
            while size > 5 and c.stringWidth(text, font, size) > w / 3 - 4:
                size -= 0.5
            c.setFont(font, size)
            c.drawCentredString(x + (i + 0.5) * w / 3, y + h - (r + 0.5) * h / 2 - size * 0.35,
                                text)
    c.showPage()
    c.save()
    return buf.getvalue()


def blank_spot(pdf: Path, width: float, height: float) -> tuple[float, float] | None:
    """Where the stamp fits on blank paper in page 1's top band: centre, else right, else left.

    Renders the band at 36 dpi with poppler's pdftoppm; None when no candidate is blank.
    When the band cannot be rendered (no pdftoppm), the top centre is assumed blank, as it is
    under GB/T 9704's 37 mm top margin.
    """
    default = ((width - WIDTH_MM * MM) / 2, TOP_MM * MM)
    dpi = 36
    scale = dpi / 72
    band_h = int(40 * MM * scale)
    try:
        out = _run.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-gray",
                        "-x", "0", "-y", "0", "-W", str(int(width * scale)), "-H",
                        str(band_h), str(pdf)], timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return default
    pixels = _pgm(out)
    if pixels is None:
        return default
    cols, rows, data = pixels
    w, h, pad = WIDTH_MM * MM, HEIGHT_MM * MM, 2 * MM
    for left in ((width - w) / 2, width - w - 20 * MM, 20 * MM):
        for top in (TOP_MM * MM, 3 * MM, 14 * MM):
            x0, y0 = int((left - pad) * scale), int((top - pad) * scale)
            x1, y1 = int((left + w + pad) * scale) + 1, int((top + h + pad) * scale) + 1
            if x0 < 0 or y1 > rows or x1 > cols:
                continue
            if all(min(data[r * cols + x0:r * cols + x1]) > 200 for r in range(y0, y1)):
                return left, top
    return None


def _pgm(raw: bytes):
    """(columns, rows, bytes) of a binary PGM, or None."""
    parts = raw.split(maxsplit=4)
    if len(parts) < 5 or parts[0] != b"P5":
        return None
    cols, rows = int(parts[1]), int(parts[2])
    data = parts[4][:cols * rows]
    return (cols, rows, data) if len(data) == cols * rows else None


def stamp(src: Path, dst: Path, cells_for_pages, *,
          find_blank: bool = False) -> tuple[int, str | None, bool]:
    """Write `src` with the 归档章 on page 1 to `dst`.

    `cells_for_pages(pages) -> StampCells`, since 页数 is part of the stamp. With
    `find_blank` (documents docgen did not lay out) the top band is looked at first.
    Returns the page count, the PDF/A part, and whether the stamp sits on blank paper
    (False: nothing blank was found, it went top centre and may cover something).
    """
    import pikepdf

    try:
        doc = pikepdf.open(src)
    except pikepdf.PdfError as e:
        raise ArchiveError(_("{path}: cannot open the PDF to stamp it ({error}) — convert the "
                             "document again; the file is damaged").format(path=src, error=e)
                           ) from None
    with doc:
        if len(doc.pages) == 0:
            raise ArchiveError(_("{path}: the PDF has no pages — convert the document "
                                 "again").format(path=src))
        pages = len(doc.pages)
        try:
            found = pdfa.identification(doc)
        except ValueError:  # XMP that does not parse identifies nothing
            found = None
        first = doc.pages[0]
        box = first.mediabox
        width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
        spot, blank = None, True
        if find_blank:
            spot = blank_spot(src, width, height)
            blank = spot is not None
        with pikepdf.open(io.BytesIO(overlay(width, height, cells_for_pages(pages),
                                             spot))) as ov:
            first.add_overlay(ov.pages[0], pikepdf.Rectangle(*(float(v) for v in box)))
        # keep the file's own structure: no object streams added, XMP left as it is
        doc.save(dst, object_stream_mode=pikepdf.ObjectStreamMode.preserve,
                 compress_streams=True, fix_metadata_version=False)
    return pages, (str(found) if found else None), blank
