"""Paper into the archive: scans, images, other people's PDFs and office files to PDF/A-2b.

    normalize(paths, one_item=False, workdir=tmp) -> [Normalized, …]

Top to bottom: check every input (inputs.check_all: refused before any work) → office files
to PDF/A through LibreOffice (docgen.convert) → images to PDF pages (img2pdf, lossless) →
a PDF/A whose pages all carry text is kept as it is; any other PDF goes through OCRmyPDF
(Tesseract, chi_sim+eng; pages that have text keep it) → the recognised text and the
digitisation facts (DA/T 31 / DA/T 46: resolution, colour mode, pages, OCR engine, language,
software versions) go with the PDF/A. Everything is written under `workdir`.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from docgen.errors import BadInput, ConversionFailed
from docgen.i18n import cli_gettext as _
from docgen.scan.inputs import IMAGE_SUFFIXES, OFFICE_SUFFIXES, SUFFIXES, Input, check_all

__all__ = ["IMAGE_SUFFIXES", "OFFICE_SUFFIXES", "SUFFIXES", "Normalized", "normalize",
           "needs_normalizing", "DIGITISATION_KEY"]

DIGITISATION_KEY = "数字化信息"  # the record.json key (DA/T 46 style) for these facts
LANGUAGES = ("chi_sim", "eng")
COLOUR = {"1": "黑白二值", "L": "灰度", "LA": "灰度", "I;16": "灰度", "I": "灰度",
          "P": "彩色（调色板）", "RGB": "彩色", "RGBA": "彩色", "CMYK": "彩色（CMYK）",
          "YCbCr": "彩色"}

Progress = Callable[[int, int], None]  # (pages read so far, pages to read in this call)


@dataclass(frozen=True)
class Normalized:
    """One 件 made ready for filing: its PDF/A-2b and what it came from."""

    pdf: Path  # the PDF/A-2b to stamp and file
    originals: tuple[Path, ...]  # the file(s) it was made from, in page order
    text: str  # the recognised (or kept) text, pages separated by form feeds
    text_file: Path  # the same text, UTF-8, to file beside the PDF/A
    pages: int
    digitisation: dict | None  # None: an existing PDF/A kept as it was
    notices: tuple[str, ...] = ()

    @property
    def ocr(self) -> bool:
        return bool(self.digitisation and self.digitisation["文字识别"]["识别页"])


def needs_normalizing(path: Path) -> bool:
    """True for the formats normalize() turns into PDF/A (PDF, images, office files)."""
    return Path(path).suffix.lower() in SUFFIXES


def normalize(paths: list[Path], *, one_item: bool, workdir: Path,
              progress: Progress | None = None, languages: tuple[str, ...] = LANGUAGES,
              title: str | None = None, author: str | None = None, jobs: int = 2,
              deskew: bool = True, convert_options=None) -> list[Normalized]:
    """Each path (or, with `one_item`, all of them in order) as a PDF/A-2b with text.

    Raises BadInput (exit 10) before any work when a file is refused, ConversionFailed
    (exit 6) when LibreOffice or OCR fails, ConverterMissing (exit 5) without Tesseract.
    Whatever fails, nothing is left in `workdir` from this call.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        raise BadInput(_("no files to import"))
    checked = check_all(paths)
    if one_item and any(i.kind == "office" for i in checked) and len(checked) > 1:
        raise BadInput(_("--one-item joins scans and PDFs into one 件; import an office file "
                         "on its own"))
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    stage = Path(_mkdtemp(workdir))
    try:
        out = _normalize(checked, one_item, stage, progress, tuple(languages), title, author,
                         jobs, deskew, convert_options)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return out


def _normalize(checked: list[Input], one_item, stage: Path, progress, languages, title,
               author, jobs, deskew, convert_options) -> list[Normalized]:
    from docgen.scan import _ocrmypdf

    pdf_of = _office_to_pdf([i for i in checked if i.kind == "office"], stage, convert_options)
    groups = [checked] if one_item else [[i] for i in checked]
    plans = []
    for n, group in enumerate(groups, 1):
        src = _as_pdf(group, pdf_of, stage / f"{n:03d}-in.pdf")
        if all(i.kind == "image" for i in group):  # pages of pixels: nothing to keep
            pages, kept = [""] * sum(i.pages for i in group), None
        else:
            pages, kept = _page_text(src)
            pages = pages or [""] * sum(i.pages for i in group)  # pypdf could not read it
        plans.append((group, src, pages, kept))
    ocr_pages = sum(len(pages) for group, src, pages, kept in plans if kept is None)
    done_before = [0.0]

    def report(done: float) -> None:
        if progress is not None:
            progress(min(ocr_pages, int(done_before[0] + done)), ocr_pages)

    results = []
    for n, (group, src, pages, kept) in enumerate(plans, 1):
        name = title or group[0].path.stem
        text_file = stage / f"{n:03d}.txt"
        if kept is not None:  # a PDF/A whose pages all have text (or are blank): as it is
            text_file.write_text("\f".join(kept), encoding="utf-8")
            results.append(Normalized(src, tuple(i.path for i in group), "\f".join(kept),
                                      text_file, len(kept), None))
            continue
        dst = stage / f"{n:03d}.pdf"
        run = _ocrmypdf.run(src, dst, languages=languages, title=name,
                            author=author or "docgen", jobs=jobs, deskew=deskew,
                            progress=report if progress else None,
                            sidecar=stage / f"{n:03d}.sidecar.txt")
        done_before[0] += len(pages)
        texts, notices = [], []
        for i, recognised in enumerate(run.pages, 1):
            if recognised is None:  # the page had text of its own: OCRmyPDF kept it
                texts.append(pages[i - 1] if i <= len(pages) else "")
            else:
                texts.append(recognised.strip())
                if not recognised.strip():
                    notices.append(_("{name}: page {page}: no text could be recognised (blank "
                                     "or unreadable); filed with an empty text layer — check "
                                     "the scan").format(name=group[0].path.name, page=i))
        notices.extend(_("{name}: OCR: {warning}").format(name=group[0].path.name, warning=w)
                       for w in run.warnings)
        text = "\f".join(texts)
        text_file.write_text(text, encoding="utf-8")
        digitisation = _digitisation(group, pdf_of, run, languages, deskew)
        results.append(Normalized(dst, tuple(i.path for i in group), text, text_file,
                                  len(run.pages), digitisation, tuple(notices)))
        if progress is not None:
            progress(int(done_before[0]), ocr_pages)
    return results


def _mkdtemp(workdir: Path) -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="docgen-scan-", dir=workdir)


def _office_to_pdf(office: list[Input], stage: Path, options) -> dict[Path, Path]:
    """Office files to PDF/A-2b through LibreOffice, in one batch; ConversionFailed if any
    fails."""
    if not office:
        return {}
    from docgen.pipeline import _require_converter
    from docgen.convert import convert

    out = stage / "office"
    done = convert([i.path for i in office], out, options=_require_converter(options))
    if done.failed:
        raise ConversionFailed(_("{count} office file(s) could not be converted to PDF/A; "
                                 "nothing was filed").format(count=len(done.failed)),
                               [f"{p}: {why}" for p, why in done.failed.items()])
    return dict(done.converted)


def _as_pdf(group: list[Input], pdf_of: dict[Path, Path], dst: Path) -> Path:
    """The group as one PDF: a lone PDF as it is, images as lossless pages, joined in order."""
    if len(group) == 1 and group[0].kind != "image":
        return pdf_of.get(group[0].path, group[0].path)
    import pikepdf

    parts = []
    for i, item in enumerate(group):
        if item.kind == "image":
            part = dst.with_name(f"{dst.stem}-{i:03d}.pdf")
            _images_to_pdf(item, part)
            parts.append(part)
        else:
            parts.append(pdf_of.get(item.path, item.path))
    if len(parts) == 1:
        parts[0].rename(dst)
        return dst
    import contextlib

    with contextlib.ExitStack() as stack:  # pages are copied on save: keep sources open
        joined = stack.enter_context(pikepdf.new())
        for part in parts:
            joined.pages.extend(stack.enter_context(pikepdf.open(part)).pages)
        joined.save(dst)
    return dst


def _images_to_pdf(item: Input, dst: Path) -> None:
    """An image file (every TIFF frame) as PDF pages, the image data unchanged where img2pdf
    can embed it, else re-encoded losslessly (PNG) by Pillow."""
    import img2pdf

    # an image that states no resolution is taken as a 300 dpi scan (img2pdf would say 96)
    layout = {} if item.dpi else {"layout_fun": img2pdf.get_fixed_dpi_layout_fun((300, 300))}
    try:
        dst.write_bytes(img2pdf.convert(str(item.path), rotation=img2pdf.Rotation.ifvalid,
                                        **layout))
        return
    except Exception:  # noqa: BLE001 - alpha channels, 16-bit PNGs …: re-encode below
        pass
    from PIL import Image, ImageSequence

    frames = []
    with Image.open(item.path) as im:
        for k, frame in enumerate(ImageSequence.Iterator(im)):
            mode = "L" if frame.mode in ("1", "L", "LA", "I", "I;16") else "RGB"
            path = dst.with_name(f"{dst.stem}-f{k:03d}.png")
            frame.convert(mode).save(path, dpi=item.dpi or (300, 300))
            frames.append(str(path))
    try:
        dst.write_bytes(img2pdf.convert(frames))
    except Exception as e:  # noqa: BLE001
        raise BadInput(_("{path}: the image cannot be made into a PDF page ({problem})").format(
            path=item.path, problem=e)) from None


def _page_text(pdf: Path) -> tuple[list[str], list[str] | None]:
    """(text of each page, the same list when the file can be filed as it is, else None).

    As it is: a PDF/A whose every page has text or no image (a blank page needs no OCR);
    it is filed as before, its own PDF/A conformance unchanged.
    """
    from pypdf import PdfReader

    from docgen.convert.pdfa import identification

    try:
        reader = PdfReader(str(pdf))
        texts = [(page.extract_text() or "").strip() for page in reader.pages]
        imaged = [bool(_images(page)) for page in reader.pages]
    except Exception:  # noqa: BLE001 - pypdf cannot read it: let OCRmyPDF try
        return [], None
    try:
        declared = identification(pdf)
    except Exception:  # noqa: BLE001 - unreadable XMP: not a PDF/A to keep as it is
        declared = None
    if declared and all(t or not img for t, img in zip(texts, imaged)):
        return texts, texts
    return texts, None


def _images(page) -> list:
    try:
        xobjects = page["/Resources"].get("/XObject") or {}
        return [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]
    except Exception:  # noqa: BLE001
        return []


def _digitisation(group: list[Input], pdf_of, run, languages, deskew) -> dict:
    """DA/T 31 / DA/T 46 digitisation facts of one OCR'd 件."""
    from docgen import __version__
    from docgen.scan import _ocrmypdf

    images = [i for i in group if i.kind == "image"]
    dpis = sorted({round(i.dpi[0]) for i in images if i.dpi})
    modes = sorted({COLOUR.get(i.mode or "", i.mode or "") for i in images})
    recognised = [n for n, t in enumerate(run.pages, 1) if t is not None]
    kept = [n for n, t in enumerate(run.pages, 1) if t is None]
    empty = [n for n, t in enumerate(run.pages, 1) if t is not None and not t.strip()]
    versions = dict(_ocrmypdf.versions())
    versions["docgen"] = __version__
    method = ("扫描图像文字识别" if images and len(images) == len(group) else
              "版式文件文字识别" if recognised else "版式文件转换（保留原文字）")
    return {
        "数字化方式": method,
        "来源文件": [i.path.name for i in group],
        "来源格式": [i.format.upper() for i in group],
        "扫描分辨率": f"{dpis[0]} dpi" if len(dpis) == 1 else
                      ([f"{d} dpi" for d in dpis] if dpis else None),
        "色彩模式": (modes[0] if len(modes) == 1 else modes) if modes else None,
        "页数": len(run.pages),
        "图像处理": ["自动旋转", "纠偏"] if deskew else ["自动旋转"],
        "文字识别": {"识别引擎": f"{_ocrmypdf.ENGINE} {versions.get('Tesseract')}",
                 "识别语种": "+".join(languages), "识别页": recognised,
                 "保留原文字页": kept, "未识别出文字页": empty},
        "目标格式": "PDF/A-2B",
        "PDF/A生成": "OCRmyPDF (pikepdf)" if run.pdfa_backend == "internal" else
                     "OCRmyPDF (Ghostscript)",
        "处理软件": versions,
    }
